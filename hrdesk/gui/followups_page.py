"""Follow-ups across cases: overdue, today, this week; per assignee; one click to the case."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QVBoxLayout, QWidget

from hrdesk.gui.client import VaultClient
from hrdesk.gui.record_table import RecordTable
from hrdesk.gui.records_model import Column
from hrdesk.gui.refresh import RefreshWhenVisible
from hrdesk.i18n import _
from hrdesk.i18n.formatting import format_date
from hrdesk.services import cases, support, users

COLUMNS = (
    Column(lambda: _("Due"), lambda f: format_date(f.get("due_on"))),
    Column(lambda: _("Case"), lambda f: f.get("case_ref") or ""),
    Column(lambda: _("What"), lambda f: f.get("text") or ""),
    Column(lambda: _("Assigned to"), lambda f: f.get("assignee") or ""),
)


class FollowupsPage(QWidget):
    open_case = Signal(str)

    def __init__(self, client: VaultClient, parent=None) -> None:
        super().__init__(parent)
        self.client = client
        self.window_choice = QComboBox(self)
        for label, window in (
            (_("Overdue"), "overdue"),
            (_("Today"), "today"),
            (_("This week"), "week"),
            (_("All open"), None),
        ):
            self.window_choice.addItem(label, window)
        self.window_choice.setAccessibleName(_("Which follow-ups"))
        self.assignee = QComboBox(self)
        self.assignee.addItem(_("Everyone"), None)
        self.assignee.setAccessibleName(_("Assigned to"))
        self.table = RecordTable(COLUMNS, _("Follow-ups"), self)
        self.table.add_button(_("&Open case"), self._open_selected, needs_selection=True)
        self.table.add_button(_("&Mark done"), self._done_selected, needs_selection=True)
        self.table.finish_buttons()
        top = QHBoxLayout()
        top.addWidget(self.window_choice)
        top.addWidget(self.assignee)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.window_choice.currentIndexChanged.connect(self.refresh)
        self.assignee.currentIndexChanged.connect(self.refresh)
        self.table.activated.connect(self._open)
        client.changed.connect(RefreshWhenVisible(self, self.refresh).request)

    def start(self) -> None:
        self.client.call(users.list_users, done=self._users)
        self.refresh()

    def _users(self, user_list: list[dict[str, Any]]) -> None:
        self.assignee.blockSignals(True)
        for user in user_list:
            self.assignee.addItem(user["name"], user["name"])
        self.assignee.blockSignals(False)

    def refresh(self) -> None:
        self.client.call(
            support.followups,
            self.window_choice.currentData(),
            self.assignee.currentData(),
            done=self.table.set_records,
        )

    def _open_selected(self) -> None:
        if (followup := self.table.selected()) is not None:
            self._open(followup)

    def _open(self, followup: dict[str, Any]) -> None:
        if followup.get("case_ref"):
            self.client.call(cases.case_id, followup["case_ref"], done=self.open_case.emit)

    def _done_selected(self) -> None:
        if (followup := self.table.selected()) is not None:
            self.client.call(support.complete_followup, followup["id"], write=True)
