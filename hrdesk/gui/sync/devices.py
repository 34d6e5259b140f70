"""The organization's devices (administrators only): enrolling a new one, revoking one.

Enrolling reads a join request, shows its safety code for the administrator to
compare with the one on the new device's screen, and only then adds the device
and writes its enrollment file. Revoking makes a new sync key the revoked device
is not given. Both talk to the shared place, so they run on the sync lane, not
on the database worker.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from hrdesk.core.errors import HrdeskError
from hrdesk.gui.errors import message_for
from hrdesk.gui.record_table import RecordTable
from hrdesk.gui.records_model import Column
from hrdesk.gui.sync.files import ENROLLMENT_SUFFIX, enrollment_filter, read_small, request_filter
from hrdesk.gui.sync.runner import SyncRunner
from hrdesk.gui.sync.text import code_in_text, ltr, when_iso
from hrdesk.gui.widgets import ErrorLabel
from hrdesk.i18n import _
from hrdesk.services import sync

COLUMNS = (
    Column(lambda: _("Device"), lambda d: d["label"]),
    Column(lambda: _("This device"), lambda d: _("yes") if d["this_device"] else ""),
    Column(lambda: _("Manages devices"), lambda d: _("yes") if d["admin"] else ""),
    Column(lambda: _("Added"), lambda d: when_iso(d["added_at"])),
    Column(lambda: _("Revoked"), lambda d: when_iso(d["revoked_at"])),
    Column(lambda: _("Safety code"), lambda d: ltr(d["code"])),
)


def code_label(code: str, accessible_name: str, parent: QWidget) -> QLabel:
    """A safety code, big enough to read aloud, in digit groups that never reverse."""
    label = QLabel(code, parent)
    mono = QFont("monospace")
    mono.setStyleHint(QFont.StyleHint.Monospace)
    mono.setPointSizeF(parent.font().pointSizeF() * 1.8)
    mono.setBold(True)
    label.setFont(mono)
    label.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAccessibleName(accessible_name)
    return label


def enroll_to_file(session: Any, request: bytes, admin: bool, path: Path) -> dict[str, Any]:
    """Enroll the device and write its file. The file is opened first: a folder that
    cannot be written to fails before the device list changes (a device is enrolled
    once; its file could not be made again)."""
    try:
        out = open(path, "wb")  # noqa: SIM115 (closed below, removed on failure)
    except OSError as exc:
        raise HrdeskError(_("Cannot write {name}.").format(name=path.name)) from exc
    try:
        data, info = sync.enroll(session, request, admin)
        out.write(data)
        out.close()
    except BaseException:
        out.close()
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    return {**info, "own_code": sync.status(session)["code"]}


class EnrollDialog(QDialog):
    """The request's device and safety code; enrolling needs the codes to match."""

    def __init__(self, request: dict[str, str], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Enroll a device"))
        self.setModal(True)
        device = QLabel(_("Device: {label}").format(label=request["label"]), self)
        device.setTextFormat(Qt.TextFormat.PlainText)
        explain = QLabel(
            _(
                "Ask the person at that device to read you the safety code on their screen, "
                "in person or by phone. Enroll it only if it is exactly this one:"
            ),
            self,
        )
        explain.setWordWrap(True)
        self.code = code_label(request["code"], _("Safety code of the device to enroll"), self)
        self.matches = QCheckBox(_("The &codes match"), self)
        self.admin = QCheckBox(_("This device may &manage devices (enroll and revoke)"), self)
        self.buttons = QDialogButtonBox(self)
        self.enroll_button = self.buttons.addButton(
            _("&Enroll and save file…"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.enroll_button.setEnabled(False)
        layout = QVBoxLayout(self)
        for widget in (device, explain, self.code, self.matches, self.admin, self.buttons):
            layout.addWidget(widget)
        self.matches.toggled.connect(self.enroll_button.setEnabled)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)


class DevicesBox(QGroupBox):
    changed = Signal()  # the device list changed: the page reads it again

    def __init__(self, runner: SyncRunner, parent: QWidget | None = None) -> None:
        super().__init__(_("Devices of the organization"), parent)
        self.runner = runner
        self.table = RecordTable(COLUMNS, _("Devices of the organization"), self)
        self.enroll_button = self.table.add_button(_("&Enroll a device…"), self.enroll)
        self.revoke_button = self.table.add_button(_("&Revoke…"), self.revoke, needs_selection=True)
        self.table.finish_buttons()
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.error = ErrorLabel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.error)
        self.dialog: EnrollDialog | None = None

    def set_devices(self, devices: list[dict[str, Any]]) -> None:
        self.table.set_records(devices)

    def clear(self) -> None:
        self.table.set_records([])
        self.message.clear()
        self.error.clear_message()

    def _busy(self) -> None:
        self.error.show_message(_("Sync is busy with the shared place; try again when it ends."))

    # -- enrolling ---------------------------------------------------------------------------------

    def enroll(self) -> None:
        self.error.clear_message()
        self.message.clear()
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Open the join request"), "", request_filter()
        )
        if not name:
            return
        try:
            data = read_small(Path(name))
            request = sync.read_request(data)
        except HrdeskError as error:
            self.error.show_message(message_for(error))
            return
        self.dialog = EnrollDialog(request, self)
        self.dialog.accepted.connect(lambda: self._save(data, request))
        self.dialog.open()

    def _save(self, data: bytes, request: dict[str, str]) -> None:
        admin = self.dialog is not None and self.dialog.admin.isChecked()
        suggested = "hrdesk-enrollment" + ENROLLMENT_SUFFIX
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Save the enrollment file"), suggested, enrollment_filter()
        )
        if not name:
            self.message.setText(_("Not enrolled: no file was chosen."))
            return
        path = Path(name)
        self.enroll_button.setEnabled(False)

        def done(info: dict[str, Any]) -> None:
            self.enroll_button.setEnabled(True)
            self.message.setText(
                _(
                    "{device} is enrolled. Give it the file {file}. When it is opened there, "
                    "the screen shows this computer's safety code, {code}: the person "
                    "should check that it matches."
                ).format(device=info["label"], file=path.name, code=code_in_text(info["own_code"]))
            )
            self.changed.emit()

        def failed(error: BaseException) -> None:
            self.enroll_button.setEnabled(True)
            self.error.show_message(message_for(error))

        if not self.runner.run(enroll_to_file, data, admin, path, done=done, failed=failed):
            self.enroll_button.setEnabled(True)
            self._busy()

    # -- revoking ----------------------------------------------------------------------------------

    def revoke(self) -> None:
        self.error.clear_message()
        self.message.clear()
        device = self.table.selected()
        if device is None:
            return
        if device["this_device"]:
            self.error.show_message(
                _("A device cannot revoke itself; revoke it from another admin device.")
            )
            return
        if device["revoked_at"]:
            self.error.show_message(_("This device is already revoked."))
            return
        answer = QMessageBox.question(
            self,
            _("Revoke device"),
            _(
                "Revoke {device}?\n\nFrom now on it receives nothing: a new sync key is made "
                "and given only to the other devices. What it already holds stays on it, "
                "protected by its own passphrases."
            ).format(device=device["label"]),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return

        def done(_epoch: int) -> None:
            self.message.setText(
                _(
                    "{device} is revoked. The other devices use the new key from their next sync."
                ).format(device=device["label"])
            )
            self.changed.emit()

        def failed(error: BaseException) -> None:
            self.error.show_message(message_for(error))

        if not self.runner.run(sync.revoke, device["device_id"], done=done, failed=failed):
            self._busy()
