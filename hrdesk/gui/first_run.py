"""First run: create the vault, then show the recovery key once."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hrdesk.core.errors import ValidationError
from hrdesk.gui.client import VaultClient
from hrdesk.gui.errors import message_for
from hrdesk.gui.passphrase_meter import verdict
from hrdesk.gui.recovery_sheet import print_sheet, save_sheet
from hrdesk.gui.widgets import ErrorLabel, Form
from hrdesk.i18n import _
from hrdesk.store.keyslots import MIN_PASSPHRASE_CHARS


class CreateVaultPage(QWidget):
    """Organization, your name, passphrase twice with a meter; creating runs the KDF
    calibration on the worker, so the window stays responsive."""

    created = Signal(str)  # the recovery key

    def __init__(self, client: VaultClient, parent=None) -> None:
        super().__init__(parent)
        self.client = client
        layout = QVBoxLayout(self)
        title = QLabel(_("Welcome to hrdesk"), self)
        title.setObjectName("pageTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        title.setFont(font)
        intro = QLabel(
            _(
                "hrdesk keeps your cases in an encrypted vault on this computer. "
                "Nobody can read it without a passphrase or the recovery key."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.form = Form(self)
        self.org = self.form.add("org", _("&Organization name"), QLineEdit(self))
        self.name = self.form.add("name", _("&Your name"), QLineEdit(self))
        self.passphrase = self.form.add("passphrase", _("&Passphrase"), QLineEdit(self))
        self.repeat = self.form.add("repeat", _("&Repeat passphrase"), QLineEdit(self))
        for field in (self.passphrase, self.repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.meter = QProgressBar(self)
        self.meter.setRange(0, 100)
        self.meter.setAccessibleName(_("Passphrase strength"))
        self.form.layout_.addRow(_("Strength"), self.meter)
        rule = QLabel(
            _(
                "At least {count} characters. Several ordinary words are easy to remember "
                "and hard to guess. There is no way to recover a forgotten passphrase "
                "except the recovery key shown next."
            ).format(count=MIN_PASSPHRASE_CHARS),
            self,
        )
        rule.setWordWrap(True)
        self.form.layout_.addRow(rule)
        self.button = QPushButton(_("&Create vault"), self)
        self.button.setDefault(True)
        self.busy = QLabel("", self)
        self.error = ErrorLabel(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)
        self.passphrase.textChanged.connect(self._update_meter)
        self.button.clicked.connect(self.submit)
        for field in (self.org, self.name, self.passphrase, self.repeat):
            field.returnPressed.connect(self.submit)
        self._update_meter("")

    def _update_meter(self, text: str) -> None:
        score, word = verdict(text)
        self.meter.setValue(score)
        self.meter.setFormat(word)
        self.meter.setAccessibleDescription(word)

    def submit(self) -> None:
        self.form.clear_errors()
        self.error.clear_message()
        org, name = self.org.text().strip(), self.name.text().strip()
        if not org:
            self.form.show_error(ValidationError("org", _("is required")))
            return
        if not name:
            self.form.show_error(ValidationError("name", _("is required")))
            return
        if len(self.passphrase.text()) < MIN_PASSPHRASE_CHARS:
            self.form.show_error(
                ValidationError(
                    "passphrase",
                    _("needs at least {count} characters").format(count=MIN_PASSPHRASE_CHARS),
                )
            )
            return
        if self.passphrase.text() != self.repeat.text():
            self.form.show_error(ValidationError("repeat", _("does not match the passphrase")))
            return
        self._set_busy(True)
        self.client.create(
            self.passphrase.text(), org, name, self._created, self._failed, params=None
        )

    def _set_busy(self, busy: bool) -> None:
        self.button.setEnabled(not busy)
        self.busy.setText(
            _("Creating the vault and tuning its protection to this computer…") if busy else ""
        )

    def _created(self, recovery_key: str) -> None:
        self._set_busy(False)
        self.passphrase.clear()
        self.repeat.clear()
        self.created.emit(recovery_key)

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, ValidationError) and not error.path:
            self.form.show_error(ValidationError("passphrase", error.detail))
        else:
            self.error.show_message(message_for(error))


class RecoveryKeyPage(QWidget):
    """The recovery key, shown once, with print/save and a confirmation."""

    confirmed = Signal()

    def __init__(self, recovery_key: str, org_name: str, parent=None) -> None:
        super().__init__(parent)
        self._key = recovery_key
        self._org = org_name
        layout = QVBoxLayout(self)
        title = QLabel(_("Your recovery key"), self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        title.setFont(font)
        explain = QLabel(
            _(
                "If every passphrase is forgotten, this key is the only way into the vault. "
                "It is shown only now. Write it on paper or print it, and keep it somewhere "
                "safe, away from this laptop. Anyone who has it can read every case."
            ),
            self,
        )
        explain.setWordWrap(True)
        groups = recovery_key.split("-")
        lines = ["  ".join(groups[i : i + 4]) for i in range(0, len(groups), 4)]
        self.key_label = QLabel("\n".join(lines), self)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        mono.setPointSizeF(self.font().pointSizeF() * 1.4)
        self.key_label.setFont(mono)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setAccessibleName(_("Recovery key"))
        self.key_label.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(_("&Print recovery sheet…"), self)
        self.save_button = QPushButton(_("&Save recovery sheet…"), self)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        self.written = QCheckBox(_("I have written down or printed the recovery key"), self)
        self.continue_button = QPushButton(_("C&ontinue"), self)
        self.continue_button.setEnabled(False)
        layout.addWidget(title)
        layout.addWidget(explain)
        layout.addWidget(self.key_label)
        layout.addLayout(buttons)
        layout.addWidget(self.written)
        layout.addWidget(self.continue_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)
        self.written.toggled.connect(self.continue_button.setEnabled)
        self.continue_button.clicked.connect(self._confirm)
        self.print_button.clicked.connect(lambda: print_sheet(self, self._key, self._org))
        self.save_button.clicked.connect(lambda: save_sheet(self, self._key, self._org))

    def _confirm(self) -> None:
        self.key_label.clear()
        self._key = ""
        self.confirmed.emit()
