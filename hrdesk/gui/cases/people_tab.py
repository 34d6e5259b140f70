"""The People tab: who is involved in the case, in which role; add, edit, remove."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMessageBox, QVBoxLayout, QWidget

from hrdesk.core import vocab
from hrdesk.gui.cases.context import CaseContext
from hrdesk.gui.cases.link_dialog import LinkPersonDialog
from hrdesk.gui.cases.person_dialog import PersonDialog, consents_in_force, person_label
from hrdesk.gui.errors import message_for
from hrdesk.gui.record_table import RecordTable
from hrdesk.gui.records_model import Column
from hrdesk.i18n import _


def _kind(person: dict[str, Any]) -> str:
    if "actor_type" in person:
        return vocab.label("actor-type", person["actor_type"])
    return _("Person")


def _consents(person: dict[str, Any]) -> str:
    return ", ".join(vocab.label("consent-scope", s) for s in sorted(consents_in_force(person)))


COLUMNS = (
    Column(lambda: _("Name"), person_label),
    Column(lambda: _("Alias"), lambda p: p.get("alias") or ""),
    Column(lambda: _("Role"), lambda p: vocab.label("role", p["role"])),
    Column(lambda: _("Kind"), _kind),
    Column(lambda: _("Consent in force"), _consents),
)


class PeopleTab(QWidget):
    def __init__(self, ctx: CaseContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.table = RecordTable(COLUMNS, _("People in this case"), self)
        self.add_button = self.table.add_button(_("&Add person…"), self.add)
        self.table.add_button(_("&Link from another case…"), self.link)
        self.table.add_button(_("&Edit…"), self.edit_selected, needs_selection=True)
        self.table.add_button(_("&Remove from case"), self.remove_selected, needs_selection=True)
        self.table.finish_buttons()
        self.table.activated.connect(self.edit)
        QVBoxLayout(self).addWidget(self.table)

    def show_case(self, case: dict[str, Any]) -> None:
        self.table.set_records(case.get("people", []))

    def add(self, values: dict[str, Any] | None = None) -> None:
        self._open(PersonDialog(parent=self), values)

    def link(self, values: dict[str, Any] | None = None) -> None:
        self._open(LinkPersonDialog(self.ctx.client, self.ctx.case["id"], self), values)

    def edit_selected(self) -> None:
        if (person := self.table.selected()) is not None:
            self.edit(person)

    def edit(self, person: dict[str, Any], values: dict[str, Any] | None = None) -> None:
        self._open(PersonDialog(person, self), values)

    def _open(
        self, dialog: PersonDialog | LinkPersonDialog, values: dict[str, Any] | None = None
    ) -> None:
        if values is not None:
            dialog.set_values(values)

        def submit(entry: dict[str, Any], done, failed) -> None:
            self.ctx.update_case({"people": [entry]}, done, failed)

        self.ctx.open_dialog(dialog, submit)

    def remove_selected(self) -> None:
        person = self.table.selected()
        if person is None:
            return
        answer = QMessageBox.question(
            self,
            _("Remove from case"),
            _("Remove {name} from this case? The history keeps a record of it.").format(
                name=person_label(person)
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.ctx.update_case(
                {"people": [{"id": person["id"], "deleted": True}]},
                lambda _case: None,
                lambda error: QMessageBox.warning(self, _("Not removed"), message_for(error)),
            )
