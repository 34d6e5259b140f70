"""Exporting dossiers from the GUI: profile, language, password, where to write.

One case (from the case view) or the cases selected in the list (into a folder,
with a manifest); a batch runs on the worker with progress and Cancel.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hrdesk.core.errors import ValidationError
from hrdesk.gui.client import VaultClient
from hrdesk.gui.errors import message_for
from hrdesk.gui.progress import run_with_progress
from hrdesk.gui.settings_page import language_name
from hrdesk.gui.widgets import Form
from hrdesk.i18n import N_, PSEUDO, _, available_languages, current_language
from hrdesk.services import dossiers

PROFILE_HELP = {
    "internal": N_("Everything, including history and confidential notes. Never send outside."),
    "legal": N_("Full identities and the evidence list, for a lawyer. No confidential notes."),
    "advocacy": N_("Nobody named, no contact details, ages as ranges, places by region."),
    "un-submission": N_("What a UN special-procedures communication asks for."),
}


def export_many(session, out_dir: Path, ids: list[str], profile, language, password, progress):
    return dossiers.export_dossiers(
        session, out_dir, ids, profile, language, password, progress=progress.report
    )


class DossierDialog(QDialog):
    def __init__(
        self, client: VaultClient, case_ids: list[str], ref: str | None, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.client = client
        self.case_ids = case_ids
        self.ref = ref
        single = ref is not None
        self.setWindowTitle(_("Export dossier") if single else _("Export dossiers"))
        self.form = Form(self)
        add = self.form.add
        self.profile = add("profile", _("&Profile"), QComboBox(self))
        for profile in dossiers.PROFILES:
            self.profile.addItem(_(dossiers.PROFILE_NAMES[profile]), profile)
        self.profile.setCurrentIndex(dossiers.PROFILES.index("legal"))
        self.explain = QLineEdit(self)
        self.explain.setReadOnly(True)
        self.form.layout_.addRow("", self.explain)
        self.language = add("language", _("&Language of the dossier"), QComboBox(self))
        self.language.setObjectName("language")
        for code in available_languages():
            if code != PSEUDO:
                self.language.addItem(language_name(code), code)
        self.language.setCurrentIndex(max(self.language.findData(current_language()), 0))
        self.password = add("password", _("Pass&word (optional, AES-256)"), QLineEdit(self))
        self.repeat = add("repeat", _("&Repeat password"), QLineEdit(self))
        for field in (self.password, self.repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        where = QWidget(self)
        row = QHBoxLayout(where)
        row.setContentsMargins(0, 0, 0, 0)
        self.path = QLineEdit(where)
        browse = QPushButton(_("&Choose…"), where)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        add("out", _("Save &to") if single else _("Into &folder"), where)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("&Export"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.buttons)
        self.profile.currentIndexChanged.connect(self._explain)
        browse.clicked.connect(self._browse)
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        self.result_paths: list[Path] = []
        self._explain()

    def _explain(self) -> None:
        self.explain.setText(_(PROFILE_HELP[self.profile.currentData()]))

    def _browse(self) -> None:
        if self.ref is not None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self, _("Save dossier"), f"{self.ref}.pdf", _("PDF files (*.pdf)")
            )
        else:
            chosen = QFileDialog.getExistingDirectory(self, _("Folder for the dossiers"))
        if chosen:
            self.path.setText(chosen)

    def options(self) -> dict[str, Any]:
        password = self.password.text() or None
        if password != (self.repeat.text() or None):
            raise ValidationError("repeat", _("does not match the password"))
        if not self.path.text().strip():
            raise ValidationError("out", _("choose where to save"))
        return {
            "profile": self.profile.currentData(),
            "language": self.language.currentData(),
            "password": password,
            "out": Path(self.path.text().strip()),
        }

    def export(self) -> None:
        self.form.clear_errors()
        try:
            options = self.options()
            dossiers.check_options(options["profile"], options["password"])
        except ValidationError as error:
            self.form.show_error(error)
            return
        self.buttons.setEnabled(False)
        if self.ref is not None:
            self.client.call(
                dossiers.export_dossier,
                self.ref,
                options["out"],
                options["profile"],
                options["language"],
                options["password"],
                done=self._done,
                failed=self._failed,
            )
        else:
            run_with_progress(
                self,
                self.client,
                _("Writing dossiers…"),
                export_many,
                options["out"],
                self.case_ids,
                options["profile"],
                options["language"],
                options["password"],
                done=self._done,
                failed=self._failed,
            )

    def _done(self, result: Any) -> None:
        exported = result if isinstance(result, list) else [result]
        self.result_paths = [item.path for item in exported]
        self.buttons.setEnabled(True)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(error, ValidationError):
            self.form.show_error(error)
        else:
            self.form.general_error.show_message(message_for(error))
