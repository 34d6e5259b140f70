"""The unlock screen: passphrase (or the recovery key), errors in plain words, and
no freeze while the key derivation runs on the worker."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hrdesk.core.errors import WrongPassphrase
from hrdesk.gui.client import VaultClient
from hrdesk.gui.errors import message_for
from hrdesk.gui.settings import AppSettings
from hrdesk.gui.widgets import ErrorLabel
from hrdesk.i18n import _, ngettext

HINT_WIDTH = 420


class UnlockPage(QWidget):
    unlocking = Signal()

    def __init__(self, client: VaultClient, settings: AppSettings, parent=None) -> None:
        super().__init__(parent)
        self.client = client
        self.settings = settings
        self._recovery = False
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.title = QLabel(_("hrdesk is locked"), self)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        self.title.setFont(font)
        self.hint = QLabel("", self)
        self.hint.setWordWrap(True)
        # A wrapped label needs a width of its own to know its height: without one, a
        # hint longer than a line (Arabic, several users) was cut in half.
        self.hint.setFixedWidth(HINT_WIDTH)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.prompt = QLabel("", self)
        self.secret = QLineEdit(self)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.prompt.setBuddy(self.secret)
        self.error = ErrorLabel(self)
        self.busy = QLabel("", self)
        self.button = QPushButton(_("&Unlock"), self)
        self.button.setDefault(True)
        self.toggle = QPushButton("", self)
        self.toggle.setFlat(True)
        for widget in (
            self.title,
            self.hint,
            self.prompt,
            self.secret,
            self.error,
            self.busy,
            self.button,
            self.toggle,
        ):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        self.secret.setMinimumWidth(360)
        layout.addStretch(2)
        self.button.clicked.connect(self.submit)
        self.secret.returnPressed.connect(self.submit)
        self.toggle.clicked.connect(self._toggle_mode)
        self._show_mode()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        users = self.client.user_count()
        self.hint.setText(
            ngettext(
                "Enter your passphrase.",
                "This vault has {count} users: your passphrase tells hrdesk who you are.",
                users,
            ).format(count=users)
        )
        self.secret.setFocus()

    def _toggle_mode(self) -> None:
        self._recovery = not self._recovery
        self.error.clear_message()
        self._show_mode()

    def _show_mode(self) -> None:
        self.secret.clear()
        if self._recovery:
            self.prompt.setText(_("&Recovery key"))
            self.secret.setEchoMode(QLineEdit.EchoMode.Normal)
            self.secret.setPlaceholderText("XXXX-XXXX-…")
            self.toggle.setText(_("Use my &passphrase instead"))
        else:
            self.prompt.setText(_("&Passphrase"))
            self.secret.setEchoMode(QLineEdit.EchoMode.Password)
            self.secret.setPlaceholderText("")
            self.toggle.setText(_("Use the &recovery key instead"))
        self.secret.setAccessibleName(self.prompt.text().replace("&", ""))
        self.secret.setFocus()

    def submit(self) -> None:
        text = self.secret.text()
        if not text:
            return
        self.error.clear_message()
        self._set_busy(True)
        self.unlocking.emit()
        if self._recovery:
            self.client.unlock_with_recovery_key(text, self._failed)
        else:
            self.client.unlock(text, self.settings.last_user_id or None, self._failed)

    def _set_busy(self, busy: bool) -> None:
        self.button.setEnabled(not busy)
        self.secret.setEnabled(not busy)
        self.busy.setText(_("Unlocking…") if busy else "")

    def reset(self) -> None:
        """After a successful unlock (or a lock): nothing typed stays in the field."""
        self._set_busy(False)
        self.secret.clear()
        self.error.clear_message()
        if self._recovery:
            self._toggle_mode()

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self.secret.selectAll()
        self.secret.setFocus()
        if isinstance(error, WrongPassphrase) and not self._recovery:
            self.error.show_message(
                _(
                    "That passphrase does not open this vault. "
                    "Check the keyboard layout and Caps Lock."
                )
            )
        else:
            self.error.show_message(message_for(error))
