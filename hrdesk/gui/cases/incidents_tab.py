"""The Incidents tab: what happened, when, where, to whom, by whom."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from hrdesk.core import vocab
from hrdesk.gui.cases.context import CaseContext
from hrdesk.gui.cases.incident_dialog import IncidentDialog
from hrdesk.gui.record_table import RecordTable
from hrdesk.gui.records_model import Column
from hrdesk.i18n import _
from hrdesk.i18n.formatting import format_date

COLUMNS = (
    Column(lambda: _("Date"), lambda i: format_date(i.get("date"))),
    Column(
        lambda: _("Violations"),
        lambda i: ", ".join(vocab.label("violation", v) for v in i.get("violations", [])),
    ),
    Column(lambda: _("Place"), lambda i: i.get("place") or ""),
    Column(lambda: _("Victims"), lambda i: ", ".join(i.get("victims", []))),
    Column(lambda: _("Alleged perpetrators"), lambda i: ", ".join(i.get("perpetrators", []))),
)


class IncidentsTab(QWidget):
    def __init__(self, ctx: CaseContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.table = RecordTable(COLUMNS, _("Incidents of this case"), self)
        self.add_button = self.table.add_button(_("&Add incident…"), self.add)
        self.table.add_button(_("&Edit…"), self.edit_selected, needs_selection=True)
        self.table.finish_buttons()
        self.table.activated.connect(self.edit)
        QVBoxLayout(self).addWidget(self.table)

    def show_case(self, case: dict[str, Any]) -> None:
        self.table.set_records(case.get("incidents", []))

    def add(self, values: dict[str, Any] | None = None) -> None:
        self._open(IncidentDialog(self.ctx.case.get("people", []), parent=self), values)

    def edit_selected(self) -> None:
        if (incident := self.table.selected()) is not None:
            self.edit(incident)

    def edit(self, incident: dict[str, Any], values: dict[str, Any] | None = None) -> None:
        self._open(IncidentDialog(self.ctx.case.get("people", []), incident, self), values)

    def _open(self, dialog: IncidentDialog, values: dict[str, Any] | None = None) -> None:
        if values is not None:
            dialog.set_values(values)

        def submit(entry: dict[str, Any], done, failed) -> None:
            self.ctx.update_case({"incidents": [entry]}, done, failed)

        self.ctx.open_dialog(dialog, submit)
