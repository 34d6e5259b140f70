"""The Cases section: list, intake and case view in one stack."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMessageBox, QStackedWidget

from hrdesk.gui.cases.case_view import CaseView
from hrdesk.gui.cases.context import NetworkLane
from hrdesk.gui.cases.intake import IntakePage
from hrdesk.gui.cases.list_page import CaseListPage
from hrdesk.gui.client import VaultClient
from hrdesk.i18n import _


class CasesSection(QStackedWidget):
    def __init__(self, client: VaultClient, network: NetworkLane | None = None, parent=None):
        super().__init__(parent)
        self.client = client
        self.list_page = CaseListPage(client, self)
        self.view = CaseView(client, network, self)
        self.intake = IntakePage(client, self)
        for page in (self.list_page, self.view, self.intake):
            self.addWidget(page)
        self.list_page.open_case.connect(self.open_case)
        self.list_page.new_case.connect(self.new_case)
        self.view.closed.connect(self.show_list)
        self.intake.created.connect(self.open_case)
        self.intake.cancelled.connect(self._cancel_intake)

    def start(self) -> None:
        self.list_page.start()

    def open_case(self, case_id: str, draft: dict[str, Any] | None = None) -> None:
        switching = self.currentWidget() is self.view and self.view.case_id not in (None, case_id)
        if switching and not self.view.request_close():
            return
        self.setCurrentWidget(self.view)
        self.view.load(case_id, draft)
        self.view.tabs.setFocus()

    def new_case(self) -> None:
        if self.currentWidget() is self.view and not self.view.request_close():
            return
        self.setCurrentWidget(self.intake)
        self.intake.title.setFocus()

    def show_list(self) -> None:
        self.setCurrentWidget(self.list_page)
        self.list_page.table.setFocus()

    def _cancel_intake(self) -> None:
        if self.intake.dirty:
            answer = QMessageBox.question(
                self, _("Discard new case"), _("Discard what you typed for this new case?")
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.intake.reset()
        self.show_list()

    # -- shortcuts routed here by the main window -----------------------------------------------

    def save(self) -> None:
        if self.currentWidget() is self.view:
            self.view.save()
        elif self.currentWidget() is self.intake:
            self.intake.save()

    def close_current(self) -> None:
        if self.currentWidget() is self.view:
            self.view.request_close()
        elif self.currentWidget() is self.intake:
            self._cancel_intake()

    def find(self) -> None:
        if self.currentWidget() is not self.list_page and not self._leave():
            return
        self.show_list()
        self.list_page.focus_search()

    def _leave(self) -> bool:
        if self.currentWidget() is self.view:
            return self.view.request_close()
        return True

    def can_quit(self) -> bool:
        if self.currentWidget() is self.view:
            return self.view.request_close()
        return True

    # -- lock ---------------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        state: dict[str, Any] = {"page": "list", "search": self.list_page.search.text()}
        if self.currentWidget() is self.view and self.view.case_id:
            state |= {"page": "case", "case": self.view.snapshot()}
        elif self.currentWidget() is self.intake:
            state |= {"page": "intake", "intake": self.intake.values()}
        return state

    def restore(self, state: dict[str, Any]) -> None:
        if state.get("search"):
            self.list_page.search.setText(state["search"])
        if state.get("page") == "case" and state.get("case", {}).get("case_id"):
            self.open_case(state["case"]["case_id"], state["case"])
        elif state.get("page") == "intake":
            self.new_case()
            self.intake.set_values(state.get("intake", {}))
