"""Once sync is set up: where, when, what is waiting, Sync now, and the devices.

Never a password or a secret key: the location shows the address and the user
name only.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hrdesk.core.errors import ValidationError
from hrdesk.gui.errors import message_for
from hrdesk.gui.sync.devices import DevicesBox, code_label
from hrdesk.gui.sync.location import LocationForm
from hrdesk.gui.sync.runner import SyncRunner
from hrdesk.gui.sync.text import code_in_text, ltr, when_iso
from hrdesk.gui.widgets import ErrorLabel
from hrdesk.gui.worker import Cancelled
from hrdesk.i18n import _, ngettext
from hrdesk.i18n.formatting import format_number
from hrdesk.services import sync

SHOWN_OPTIONS = ("username", "endpoint", "region", "access_key")


def location_text(status: dict[str, Any]) -> str:
    """The address, and the user name (or the S3 endpoint): no secret, ever."""
    lines = [ltr(status.get("remote") or "")]
    labels = {
        "username": _("User: {value}"),
        "endpoint": _("Endpoint: {value}"),
        "region": _("Region: {value}"),
        "access_key": _("Access key: {value}"),
    }
    for key in SHOWN_OPTIONS:
        if status.get(key):
            lines.append(labels[key].format(value=ltr(str(status[key]))))
    return "\n".join(lines)


def result_text(result: sync.SyncResult) -> str:
    """What a run did, one sentence per line, then its problems."""
    lines = result.summary()
    if result.problems:
        lines.append(
            ngettext(
                "{count} problem (the rest was synced):",
                "{count} problems (the rest was synced):",
                len(result.problems),
            ).format(count=format_number(len(result.problems)))
        )
        lines += result.problems
    return "\n".join(lines)


class ChangeLocationDialog(QDialog):
    """A new address or new credentials for the same shared place (an app password
    renewed, a share moved). Fields start empty: secrets are never shown back."""

    def __init__(self, runner: SyncRunner, kind: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setWindowTitle(_("Change the shared place"))
        self.setModal(True)
        self.form = LocationForm(self, with_label=False)
        self.form.set_kind(kind)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)

    def _save(self) -> None:
        self.form.clear_errors()
        try:
            address, options = self.form.location()
        except ValidationError as error:
            self.form.show_error(error)
            return

        def done(_status: dict[str, Any]) -> None:
            self.form.reset()
            self.accept()

        def failed(error: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.form.general_error.show_message(message_for(error))

        self.buttons.setEnabled(False)
        if not self.runner.run(sync.setup, address, options, "", done=done, failed=failed):
            self.buttons.setEnabled(True)
            self.form.general_error.show_message(_("Sync is busy; try again in a moment."))


class StatusView(QWidget):
    settle = Signal()  # the user wants the conflict list
    refresh = Signal()  # something changed the state shown

    def __init__(self, runner: SyncRunner, parent=None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.joined_note = QLabel("", self)
        self.joined_note.setWordWrap(True)
        self.joined_note.setStyleSheet(
            "background: #fff4ce; color: #1f1f1f; border-radius: 3px; padding: 6px;"
        )
        self.joined_note.hide()
        box = QGroupBox(_("Sync"), self)
        form = QFormLayout(box)
        self.location = self._value(box)
        self.last_sync = self._value(box)
        self.last_error = self._value(box)
        self.unsent = self._value(box)
        self.conflicts = self._value(box)
        self.settle_button = QPushButton(_("Se&ttle conflicts…"), box)
        conflicts_row = QHBoxLayout()
        conflicts_row.addWidget(self.conflicts, 1)
        conflicts_row.addWidget(self.settle_button)
        self.code = code_label("", _("Safety code of this computer"), box)
        form.addRow(_("Shared place:"), self.location)
        form.addRow(_("Last sync:"), self.last_sync)
        form.addRow(_("Last problem:"), self.last_error)
        form.addRow(_("Not sent yet:"), self.unsent)
        form.addRow(_("Conflicts:"), conflicts_row)
        form.addRow(_("Safety code of this computer:"), self.code)

        self.sync_button = QPushButton(_("Sync &now"), self)
        self.sync_button.setToolTip(_("Sync now (Ctrl+Shift+S)"))
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setAccessibleName(_("Sync progress"))
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton(_("&Cancel"), self)
        self.change_button = QPushButton(_("C&hange place or password…"), self)
        actions = QHBoxLayout()
        actions.addWidget(self.sync_button)
        actions.addWidget(self.progress, 1)
        actions.addWidget(self.cancel_button)
        actions.addStretch(0)
        actions.addWidget(self.change_button)
        self.result = QLabel("", self)
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.PlainText)
        self.error = ErrorLabel(self)
        self.devices = DevicesBox(runner, self)

        layout = QVBoxLayout(self)
        layout.addWidget(self.joined_note)
        layout.addWidget(box)
        layout.addLayout(actions)
        layout.addWidget(self.result)
        layout.addWidget(self.error)
        layout.addWidget(self.devices, 1)
        self._status: dict[str, Any] = {}
        self.change_dialog: ChangeLocationDialog | None = None

        self.sync_button.clicked.connect(self.sync_now)
        self.cancel_button.clicked.connect(lambda: runner.cancel_sync())
        self.settle_button.clicked.connect(self.settle)
        self.change_button.clicked.connect(self.change_location)
        self.devices.changed.connect(self.refresh)
        runner.busy_changed.connect(self._busy_changed)
        runner.progressed.connect(self._progressed)
        runner.synced.connect(self._synced)
        runner.sync_failed.connect(self._failed)
        self._busy_changed(runner.busy)

    def _value(self, parent: QWidget) -> QLabel:
        label = QLabel("", parent)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    # -- showing the state -------------------------------------------------------------------------

    def show_status(self, status: dict[str, Any], devices: list[dict], admin: bool) -> None:
        self._status = status
        self.location.setText(location_text(status))
        self.last_sync.setText(when_iso(status.get("last_sync")) or _("Never"))
        self.last_error.setText(status.get("last_error") or _("None"))
        unsent = int(status.get("unsent_changes") or 0)
        self.unsent.setText(
            ngettext("{count} change", "{count} changes", unsent).format(
                count=format_number(unsent)
            )
            if unsent
            else _("Nothing: every change was sent")
        )
        count = int(status.get("conflicts") or 0)
        self.conflicts.setText(
            ngettext("{count} conflict to settle", "{count} conflicts to settle", count).format(
                count=format_number(count)
            )
            if count
            else _("None")
        )
        self.settle_button.setEnabled(count > 0)
        self.code.setText(status.get("code") or "")
        if status.get("admin_code"):
            self.joined_note.setText(
                _(
                    "This computer has joined the organization. The administrator's device "
                    "that enrolled it has the safety code {code}: check with them that it "
                    "matches the code on their screen. If it does not, do not sync, and tell "
                    "them."
                ).format(code=code_in_text(status["admin_code"]))
            )
            self.joined_note.show()
        self.devices.setVisible(admin)
        self.devices.set_devices(devices if admin else [])

    def clear(self) -> None:
        self._status = {}
        for label in (self.location, self.last_sync, self.last_error, self.unsent):
            label.clear()
        self.conflicts.clear()
        self.code.clear()
        self.result.clear()
        self.joined_note.clear()
        self.joined_note.hide()
        self.error.clear_message()
        self.devices.clear()

    # -- running -----------------------------------------------------------------------------------

    def sync_now(self) -> None:
        self.error.clear_message()
        self.result.clear()
        if not self.runner.sync_now():
            self.error.show_message(
                _("Sync is busy with the shared place; try again when it ends.")
            )

    def _busy_changed(self, busy: bool) -> None:
        syncing = self.runner.syncing
        self.sync_button.setEnabled(not busy)
        self.change_button.setEnabled(not busy)
        self.progress.setVisible(syncing)
        self.cancel_button.setVisible(syncing)
        self.cancel_button.setEnabled(syncing)
        if syncing:
            self.progress.setRange(0, 0)  # busy until the first files are counted
            self.result.setText(_("Syncing…"))

    def _progressed(self, per_mille: int) -> None:
        self.progress.setRange(0, 1000)
        self.progress.setValue(per_mille)

    def _synced(self, result: sync.SyncResult) -> None:
        self.result.setText(result_text(result))
        self.refresh.emit()

    def _failed(self, error: BaseException) -> None:
        self.result.clear()
        if isinstance(error, Cancelled):
            self.result.setText(
                _(
                    "Sync stopped. What was received so far is kept; the next sync goes on "
                    "from there."
                )
            )
        else:
            self.error.show_message(message_for(error))
        self.refresh.emit()

    def change_location(self) -> None:
        remote = str(self._status.get("remote") or "")
        kind = {"webdav": "webdav", "webdavs": "webdav", "s3": "s3"}.get(
            remote.partition(":")[0], "folder"
        )
        self.change_dialog = ChangeLocationDialog(self.runner, kind, self)
        self.change_dialog.accepted.connect(self.refresh)
        self.change_dialog.open()
