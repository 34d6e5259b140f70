"""The Sync section: setting sync up or joining, then its state, Sync now and devices."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from hrdesk.gui.client import VaultClient
from hrdesk.gui.errors import message_for
from hrdesk.gui.refresh import RefreshWhenVisible
from hrdesk.gui.sync.resolver import ConflictsDialog
from hrdesk.gui.sync.runner import SyncRunner
from hrdesk.gui.sync.setup_view import SetupView
from hrdesk.gui.sync.status_view import StatusView
from hrdesk.services import sync


def load_state(session: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    return sync.status(session), sync.list_devices(session)


def _scrolled(widget: QWidget, parent: QWidget) -> QScrollArea:
    area = QScrollArea(parent)
    area.setWidgetResizable(True)
    area.setWidget(widget)
    return area


class SyncPage(QWidget):
    def __init__(self, client: VaultClient, runner: SyncRunner, parent=None) -> None:
        super().__init__(parent)
        self.client = client
        self.runner = runner
        self.set_up: bool | None = None  # unknown until the state is read
        self.setup_view = SetupView(client, runner, self)
        self.status_view = StatusView(runner, self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(_scrolled(self.setup_view, self))
        self.stack.addWidget(_scrolled(self.status_view, self))
        QVBoxLayout(self).addWidget(self.stack)
        self.conflicts_dialog: ConflictsDialog | None = None
        self._joined: dict[str, Any] = {}
        self.setup_view.ready.connect(self._ready)
        self.status_view.refresh.connect(self.start)
        self.status_view.settle.connect(self.open_conflicts)
        client.changed.connect(RefreshWhenVisible(self, self.start).request)

    @property
    def admin(self) -> bool:
        identity = self.client.identity
        return bool(identity and identity.is_admin)

    def start(self) -> None:
        """Read the state again (shown, after a run, after a change)."""
        self.client.call(load_state, done=self._show, failed=self._load_failed)

    def _load_failed(self, error: BaseException) -> None:
        self.status_view.error.show_message(message_for(error))

    def _show(self, state: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
        status, devices = state
        self.set_up = bool(status["set_up"])
        if self.set_up:
            self.status_view.show_status({**status, **self._joined}, devices, self.admin)
            self.stack.setCurrentIndex(1)
        else:
            self.setup_view.show_for(self.admin)
            self.stack.setCurrentIndex(0)

    def _ready(self, status: dict[str, Any]) -> None:
        if status.get("admin_code"):
            self._joined = {"admin_code": status["admin_code"]}  # shown until the lock
        self.setup_view.clear()
        self.start()

    def sync_now(self) -> bool:
        """Ctrl+Shift+S: False when sync is known not to be set up (the section explains)."""
        if self.set_up is False:
            return False
        self.status_view.sync_now()
        return True

    def open_conflicts(self, ref: str | None = None) -> None:
        self.conflicts_dialog = ConflictsDialog(self.client, ref, self)
        self.conflicts_dialog.open()

    def clear(self) -> None:
        """At lock: nothing of what was shown or typed stays (secrets included)."""
        self._joined = {}
        self.setup_view.clear()
        self.status_view.clear()
