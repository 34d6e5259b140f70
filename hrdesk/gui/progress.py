"""Long work on the database worker, with a progress dialog and Cancel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from hrdesk.gui.client import VaultClient
from hrdesk.gui.worker import Cancelled, Progress
from hrdesk.i18n import _


def run_with_progress(
    parent: QWidget,
    client: VaultClient,
    label: str,
    fn: Callable[..., Any],
    *args: Any,
    done: Callable[[Any], None] | None = None,
    failed: Callable[[BaseException], None] | None = None,
) -> QProgressDialog:
    """Run ``fn(session, *args, progress=…)``; Cancel stops it and nothing is kept."""
    progress = Progress()
    dialog = QProgressDialog(label, _("Cancel"), 0, 1000, parent)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(progress.cancel)
    progress.changed.connect(dialog.setValue)  # a bound slot: queued to the GUI thread

    def finished(result: Any) -> None:
        dialog.close()
        if done is not None:
            done(result)

    def stopped(error: BaseException) -> None:
        dialog.close()
        if not isinstance(error, Cancelled) and failed is not None:
            failed(error)

    client.call(fn, *args, done=finished, failed=stopped, write=True, progress=progress)
    return dialog
