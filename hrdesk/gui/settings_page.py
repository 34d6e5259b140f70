"""Settings: language, auto-lock delay, passphrase change, and users (admins only)."""

from __future__ import annotations

from typing import Any

from babel import Locale, UnknownLocaleError
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hrdesk.core import vocab
from hrdesk.core.errors import ValidationError
from hrdesk.gui.client import VaultClient
from hrdesk.gui.errors import message_for
from hrdesk.gui.record_dialog import RecordDialog
from hrdesk.gui.record_table import RecordTable
from hrdesk.gui.records_model import Column
from hrdesk.gui.settings import AppSettings
from hrdesk.gui.widgets import Form, VocabCombo
from hrdesk.i18n import PSEUDO, _, available_languages
from hrdesk.services import users


def language_name(code: str) -> str:
    """A language in its own words (a user must recognize theirs in any interface)."""
    if code == PSEUDO:
        return _("Pseudo-language (to check translations)")
    try:
        return Locale.parse(code).get_display_name(code) or code
    except (UnknownLocaleError, ValueError):
        return code


class UserDialog(RecordDialog):
    kind = "user"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Add user"), parent)
        add = self.form.add
        self.name = add("name", _("&Name"), QLineEdit(self))
        self.role = add("role", _("&Role"), VocabCombo("user-role", parent=self))
        self.passphrase = add("passphrase", _("&Passphrase"), QLineEdit(self))
        self.repeat = add("repeat", _("R&epeat passphrase"), QLineEdit(self))
        for field in (self.passphrase, self.repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)

    def values(self) -> dict[str, Any]:
        return {"name": self.name.text().strip(), "role": self.role.slug()}  # never passphrases

    def set_values(self, values: dict[str, Any]) -> None:
        self.name.setText(values.get("name", ""))
        self.role.set_slug(values.get("role"))

    def payload(self) -> dict[str, Any]:
        if self.passphrase.text() != self.repeat.text():
            raise ValidationError("repeat", _("does not match the passphrase"))
        return self.values() | {"passphrase": self.passphrase.text()}

    def error_path(self, error: ValidationError) -> ValidationError:
        return ValidationError(error.path or "passphrase", error.detail)


class SettingsPage(QWidget):
    autolock_changed = Signal(int)
    language_changed = Signal(str)

    def __init__(self, client: VaultClient, settings: AppSettings, parent=None) -> None:
        super().__init__(parent)
        self.client = client
        self.settings = settings
        general = QGroupBox(_("This computer"), self)
        form = Form(general)
        self.language = form.add("language", _("&Language"), QComboBox(general))
        self.language.setObjectName("language")
        self.language.addItem(_("System default"), "")
        for code in available_languages():
            self.language.addItem(language_name(code), code)
        self.language.setCurrentIndex(max(self.language.findData(settings.language), 0))
        self.autolock = form.add("autolock", _("&Lock after idle (minutes)"), QSpinBox(general))
        self.autolock.setRange(1, 240)
        self.autolock.setValue(settings.autolock_minutes)
        QVBoxLayout(general).addWidget(form)

        secret = QGroupBox(_("Your passphrase"), self)
        self.pass_form = Form(secret)
        self.new_pass = self.pass_form.add("passphrase", _("&New passphrase"), QLineEdit(secret))
        self.new_repeat = self.pass_form.add("repeat", _("Re&peat it"), QLineEdit(secret))
        for field in (self.new_pass, self.new_repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.change_button = QPushButton(_("&Change passphrase"), secret)
        self.pass_form.layout_.addRow("", self.change_button)
        QVBoxLayout(secret).addWidget(self.pass_form)

        self.users_box = QGroupBox(_("Users of this vault"), self)
        self.users = RecordTable(
            (
                Column(lambda: _("Name"), lambda u: u["name"]),
                Column(lambda: _("Role"), lambda u: vocab.label("user-role", u["role"])),
            ),
            _("Users of this vault"),
            self.users_box,
        )
        self.users.add_button(_("&Add user…"), self.add_user)
        self.users.add_button(_("&Reset passphrase…"), self.reset_passphrase, needs_selection=True)
        self.users.finish_buttons()
        QVBoxLayout(self.users_box).addWidget(self.users)
        self.user_dialog: UserDialog | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(general)
        layout.addWidget(secret)
        layout.addWidget(self.users_box, 1)
        self.autolock.valueChanged.connect(self._autolock)
        self.language.currentIndexChanged.connect(self._language)
        self.change_button.clicked.connect(self.change_passphrase)

    def start(self) -> None:
        identity = self.client.identity
        admin = bool(identity and identity.is_admin)
        self.users_box.setVisible(admin)
        if admin:
            self.client.call(users.list_users, done=self.users.set_records)

    def _autolock(self, minutes: int) -> None:
        self.settings.autolock_minutes = minutes
        self.autolock_changed.emit(minutes)

    def _language(self) -> None:
        self.settings.language = self.language.currentData()
        self.language_changed.emit(self.language.currentData())

    def change_passphrase(self) -> None:
        self.pass_form.clear_errors()
        if self.new_pass.text() != self.new_repeat.text():
            self.pass_form.show_error(ValidationError("repeat", _("does not match")))
            return
        self.change_button.setEnabled(False)

        def done(_result: object) -> None:
            self.change_button.setEnabled(True)
            self.new_pass.clear()
            self.new_repeat.clear()
            QMessageBox.information(
                self, _("Passphrase changed"), _("Your passphrase was changed.")
            )

        def failed(error: BaseException) -> None:
            self.change_button.setEnabled(True)
            if isinstance(error, ValidationError):
                self.pass_form.show_error(ValidationError("passphrase", error.detail))
            else:
                self.pass_form.general_error.show_message(message_for(error))

        self.client.call(users.change_passphrase, self.new_pass.text(), done=done, failed=failed)

    def reset_passphrase(self) -> None:
        """For a colleague who forgot theirs: the administrator sets a new one."""
        user = self.users.selected()
        if user is None:
            return
        self.user_dialog = UserDialog(self)
        self.user_dialog.setWindowTitle(_("Reset passphrase of {name}").format(name=user["name"]))
        self.user_dialog.set_values(user)
        self.user_dialog.name.setEnabled(False)
        self.user_dialog.role.setEnabled(False)

        def submit(payload: dict[str, Any], done, failed) -> None:
            self.client.call(
                users.reset_passphrase,
                user["name"],
                payload["passphrase"],
                done=done,
                failed=failed,
            )

        self.user_dialog.on_save(submit)
        self.user_dialog.open()

    def add_user(self) -> None:
        self.user_dialog = UserDialog(self)

        def submit(payload: dict[str, Any], done, failed) -> None:
            self.client.call(
                users.add_user,
                payload["name"],
                payload["role"],
                payload["passphrase"],
                done=lambda user: (done(user), self.start()),
                failed=failed,
                write=True,
            )

        self.user_dialog.on_save(submit)
        self.user_dialog.open()
