"""The Follow-ups tab: what is planned for this case, and marking it done."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from hrdesk.gui.cases.context import CaseContext
from hrdesk.gui.cases.followup_dialog import FollowupDialog
from hrdesk.gui.record_table import RecordTable
from hrdesk.gui.records_model import Column
from hrdesk.i18n import _
from hrdesk.i18n.formatting import format_date
from hrdesk.services import support, users

COLUMNS = (
    Column(lambda: _("Due"), lambda f: format_date(f.get("due_on"))),
    Column(lambda: _("What"), lambda f: f.get("text") or ""),
    Column(lambda: _("Assigned to"), lambda f: f.get("assignee") or ""),
    Column(lambda: _("Done"), lambda f: format_date(f.get("done_on"))),
)


class FollowupsTab(QWidget):
    def __init__(self, ctx: CaseContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.table = RecordTable(COLUMNS, _("Follow-ups of this case"), self)
        self.add_button = self.table.add_button(_("&Plan a follow-up…"), self.add)
        self.done_button = self.table.add_button(
            _("&Mark done"), self.mark_done, needs_selection=True
        )
        self.table.finish_buttons()
        QVBoxLayout(self).addWidget(self.table)

    def show_case(self, case: dict[str, Any]) -> None:
        self.table.set_records(case.get("followups", []))

    def add(self, values: dict[str, Any] | None = None) -> None:
        self.ctx.client.call(users.list_users, done=lambda found: self._open(found, values))

    def _open(self, user_list: list[dict[str, Any]], values: dict[str, Any] | None) -> None:
        identity = self.ctx.client.identity
        me = identity.user_name if identity else ""
        dialog = FollowupDialog([u["name"] for u in user_list], me, self)
        if values is not None:
            dialog.set_values(values)
        ref = self.ctx.case["ref"]

        def submit(payload: dict[str, Any], done, failed) -> None:
            self.ctx.client.call(
                support.add_followup, ref, payload, done=done, failed=failed, write=True
            )

        self.ctx.open_dialog(dialog, submit)

    def mark_done(self) -> None:
        followup = self.table.selected()
        if followup is not None and not followup.get("done_on"):
            self.ctx.client.call(support.complete_followup, followup["id"], write=True)
