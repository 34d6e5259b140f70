"""Before sync: what it is, and the two ways in.

An administrator sets sync up for the organization (the shared place, a name
for this device). Anyone else's computer joins: it writes a join request for an
administrator, shows its safety code, then opens the enrollment file it gets
back and shows the administrator's code to compare.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hrdesk.core.errors import HrdeskError, ValidationError
from hrdesk.gui.client import VaultClient
from hrdesk.gui.errors import message_for
from hrdesk.gui.sync.devices import code_label
from hrdesk.gui.sync.files import (
    REQUEST_SUFFIX,
    enrollment_filter,
    read_small,
    request_filter,
    write_new,
)
from hrdesk.gui.sync.location import LocationForm
from hrdesk.gui.sync.runner import SyncRunner
from hrdesk.gui.widgets import ErrorLabel, Form
from hrdesk.i18n import _
from hrdesk.services import sync


def _wrapped(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    return label


class SetupView(QWidget):
    ready = Signal(dict)  # sync works now: the status (with "admin_code" after joining)

    def __init__(self, client: VaultClient, runner: SyncRunner, parent=None) -> None:
        super().__init__(parent)
        self.client = client
        self.runner = runner
        intro = _wrapped(
            _(
                "Sync keeps the vaults of your organization's computers in step. Each "
                "computer sends its changes, encrypted end to end, to a shared place you "
                "choose: a folder (a USB stick, a network share, a synced folder), a WebDAV "
                "server or S3 storage. The place itself never sees a name or a word of a "
                "case. Until sync is set up, everything stays on this computer."
            ),
            self,
        )

        self.setup_box = QGroupBox(_("Set up sync for this organization"), self)
        self.location = LocationForm(self.setup_box)
        self.setup_button = QPushButton(_("&Set up sync"), self.setup_box)
        self.admin_note = _wrapped(
            _("Only an administrator can set up sync for the organization."), self.setup_box
        )
        box = QVBoxLayout(self.setup_box)
        box.addWidget(
            _wrapped(
                _(
                    "The shared place must be empty. This computer makes the organization's "
                    "sync key and becomes its first device; the others then join it."
                ),
                self.setup_box,
            )
        )
        box.addWidget(self.location)
        box.addWidget(self.setup_button, 0, Qt.AlignmentFlag.AlignLeading)
        box.addWidget(self.admin_note)

        self.join_box = QGroupBox(_("Join an organization"), self)
        self.join_form = Form(self.join_box)
        self.join_label = self.join_form.add(
            "label", _("Name of this &device"), QLineEdit(self.join_box)
        )
        self.join_label.setPlaceholderText(_("for example: Office laptop"))
        self.request_button = QPushButton(_("&Write join request…"), self.join_box)
        self.code_title = QLabel(_("Safety code of this computer:"), self.join_box)
        self.code = code_label("", _("Safety code of this computer"), self.join_box)
        self.code_help = _wrapped(
            _(
                "Give the request file to an administrator and read this code to them, in "
                "person or by phone: they enroll this computer only if it matches the code "
                "on their screen. Then open the enrollment file they give you."
            ),
            self.join_box,
        )
        self.open_button = QPushButton(_("&Open enrollment file…"), self.join_box)
        self.join_error = ErrorLabel(self.join_box)
        box = QVBoxLayout(self.join_box)
        box.addWidget(
            _wrapped(
                _(
                    "If your organization already syncs, this computer joins it with an "
                    "administrator's help: a join request goes to them, an enrollment file "
                    "comes back."
                ),
                self.join_box,
            )
        )
        box.addWidget(self.join_form)
        box.addWidget(self.request_button, 0, Qt.AlignmentFlag.AlignLeading)
        for widget in (self.code_title, self.code, self.code_help):
            box.addWidget(widget)
            widget.hide()
        box.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeading)
        box.addWidget(self.join_error)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.setup_box)
        layout.addWidget(self.join_box)
        layout.addStretch(1)
        self.setup_button.clicked.connect(self.set_up)
        self.request_button.clicked.connect(self.write_request)
        self.open_button.clicked.connect(self.open_enrollment)

    def show_for(self, admin: bool) -> None:
        self.location.setVisible(admin)
        self.setup_button.setVisible(admin)
        self.admin_note.setVisible(not admin)

    def clear(self) -> None:
        self.location.reset()
        self.join_form.clear_errors()
        self.join_label.clear()
        self.join_error.clear_message()
        self.code.clear()
        for widget in (self.code_title, self.code, self.code_help):
            widget.hide()

    # -- setting up --------------------------------------------------------------------------------

    def set_up(self) -> None:
        form = self.location
        form.clear_errors()
        try:
            address, options = form.location()
            label = form.device_label()
        except ValidationError as error:
            form.show_error(error)
            return

        def done(status: dict[str, Any]) -> None:
            self.setup_button.setEnabled(True)
            form.forget_secrets()
            self.ready.emit(status)

        def failed(error: BaseException) -> None:
            self.setup_button.setEnabled(True)
            form.general_error.show_message(message_for(error))

        self.setup_button.setEnabled(False)
        # Reaching the place can take a while: the sync lane, not the database worker.
        if not self.runner.run(sync.setup, address, options, label, done=done, failed=failed):
            self.setup_button.setEnabled(True)
            form.general_error.show_message(_("Sync is busy; try again in a moment."))

    # -- joining -----------------------------------------------------------------------------------

    def write_request(self) -> None:
        self.join_form.clear_errors()
        self.join_error.clear_message()
        label = self.join_label.text().strip()
        if not label:
            self.join_form.show_error(ValidationError("label", _("is required")))
            return
        name, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save the join request"),
            "hrdesk-join-request" + REQUEST_SUFFIX,
            request_filter(),
        )
        if not name:
            return
        path = Path(name)

        def done(result: tuple[bytes, str]) -> None:
            data, code = result
            try:
                write_new(path, data)
            except HrdeskError as error:
                self.join_error.show_message(message_for(error))
                return
            self.code.setText(code)
            for widget in (self.code_title, self.code, self.code_help):
                widget.show()
            self.open_button.setFocus()

        self.client.call(
            sync.join_request,
            label,
            done=done,
            failed=lambda error: self.join_error.show_message(message_for(error)),
        )

    def open_enrollment(self) -> None:
        self.join_error.clear_message()
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Open the enrollment file"), "", enrollment_filter()
        )
        if not name:
            return
        try:
            data = read_small(Path(name))
        except HrdeskError as error:
            self.join_error.show_message(message_for(error))
            return
        self.client.call(
            sync.join,
            data,
            done=self.ready.emit,
            failed=lambda error: self.join_error.show_message(message_for(error)),
        )
