"""A few words in the status bar: a sync started with Ctrl+Shift+S from any screen
shows there that it runs, and how it ended."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QLabel, QWidget

from hrdesk.gui.errors import message_for
from hrdesk.gui.sync.runner import SyncRunner
from hrdesk.gui.worker import Cancelled
from hrdesk.i18n import _
from hrdesk.i18n.formatting import format_timestamp_ms


class SyncIndicator(QLabel):
    def __init__(self, runner: SyncRunner, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.runner = runner
        runner.busy_changed.connect(self._busy)
        runner.synced.connect(self._synced)
        runner.sync_failed.connect(self._failed)

    def _busy(self, busy: bool) -> None:
        self.setToolTip("")
        self.setText(_("Syncing…") if busy and self.runner.syncing else "")

    def _synced(self, _result: object) -> None:
        self.setText(
            _("Synced at {time}").format(time=format_timestamp_ms(time.time_ns() // 10**6))
        )

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, Cancelled):
            self.setText(_("Sync stopped"))
        else:
            self.setText(_("Sync did not finish"))
            self.setToolTip(message_for(error))

    def clear(self) -> None:
        super().clear()
        self.setToolTip("")
