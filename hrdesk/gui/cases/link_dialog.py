"""Link a person or actor already recorded in another case (the same witness, the
same police unit): one record, several cases, so their details are kept once."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLineEdit, QWidget

from hrdesk.core import vocab
from hrdesk.core.errors import ValidationError
from hrdesk.gui.client import VaultClient
from hrdesk.gui.record_dialog import RecordDialog
from hrdesk.gui.record_table import RecordTable
from hrdesk.gui.records_model import Column
from hrdesk.gui.widgets import VocabCombo
from hrdesk.i18n import _
from hrdesk.services import people

COLUMNS = (
    Column(lambda: _("Name"), lambda p: p.get("name") or p.get("alias") or ""),
    Column(lambda: _("Role there"), lambda p: vocab.label("role", p["role"])),
    Column(lambda: _("Case"), lambda p: p["case_ref"]),
)


class LinkPersonDialog(RecordDialog):
    kind = "link"

    def __init__(self, client: VaultClient, case_id: str, parent: QWidget | None = None):
        super().__init__(_("Link a person from another case"), parent)
        self.client = client
        self.case_id = case_id
        add = self.form.add
        self.search = add("search", _("&Find by name or alias"), QLineEdit(self))
        self.results = add("link", _("&Matches"), RecordTable(COLUMNS, _("Matches"), self))
        self.role = add("role", _("&Role in this case"), VocabCombo("role", parent=self))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.find)
        self.search.textChanged.connect(lambda _text: self._timer.start())

    def find(self) -> None:
        self.client.call(people.find, self.search.text(), done=self._found)

    def _found(self, found: list[dict[str, Any]]) -> None:
        seen: set[str] = set()
        unique = []
        for entry in found:  # one row per person, not per case they appear in
            if entry["target_id"] not in seen and entry["case_id"] != self.case_id:
                seen.add(entry["target_id"])
                unique.append(entry)
        self.results.set_records(unique)

    def values(self) -> dict[str, Any]:
        return {"search": self.search.text(), "role": self.role.slug()}

    def set_values(self, values: dict[str, Any]) -> None:
        self.search.setText(values.get("search", ""))
        self.role.set_slug(values.get("role"))

    def payload(self) -> dict[str, Any]:
        chosen = self.results.selected()
        if chosen is None:
            raise ValidationError("link", _("choose a person from the matches"))
        return {"link": chosen["target_id"], "role": self.role.slug()}
