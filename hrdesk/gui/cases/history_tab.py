"""The History tab: every saved change to the case — when, who, what, old → new."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from hrdesk.core.history_labels import field_label, record_label, shown, value_text
from hrdesk.core.hlc import Timestamp
from hrdesk.gui.cases.context import CaseContext
from hrdesk.gui.record_table import RecordTable
from hrdesk.gui.records_model import Column
from hrdesk.i18n import _
from hrdesk.i18n.formatting import format_timestamp_ms
from hrdesk.services import cases

COLUMNS = (
    Column(lambda: _("When"), lambda e: format_timestamp_ms(Timestamp.decode(e["hlc"]).wall_ms)),
    Column(lambda: _("Who"), lambda e: e.get("user") or ""),
    Column(lambda: _("Record"), lambda e: record_label(e["entity"])),
    Column(lambda: _("Field"), lambda e: field_label(e["field"])),
    Column(lambda: _("Before"), lambda e: value_text(e["entity"], e["field"], e.get("old"))),
    Column(lambda: _("After"), lambda e: value_text(e["entity"], e["field"], e.get("new"))),
)


class HistoryTab(QWidget):
    def __init__(self, ctx: CaseContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.table = RecordTable(COLUMNS, _("History of this case"), self)
        self.table.finish_buttons()
        QVBoxLayout(self).addWidget(self.table)

    def show_case(self, case: dict[str, Any]) -> None:
        self.ctx.client.call(
            cases.history,
            case["ref"],
            done=lambda rows: self.table.set_records([r for r in rows[::-1] if shown(r)]),
        )
