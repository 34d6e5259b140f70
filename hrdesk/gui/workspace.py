"""What an unlocked vault shows: a sidebar of sections and the section on the right.

Built at unlock and destroyed at lock, so no case content outlives the key.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QStackedWidget, QWidget

from hrdesk.gui.cases.section import CasesSection
from hrdesk.gui.client import VaultClient
from hrdesk.gui.followups_page import FollowupsPage
from hrdesk.gui.people_page import PeoplePage
from hrdesk.gui.providers_page import ProvidersPage
from hrdesk.gui.settings import AppSettings
from hrdesk.gui.settings_page import SettingsPage
from hrdesk.gui.sync.page import SyncPage
from hrdesk.gui.sync.runner import SyncRunner
from hrdesk.i18n import _

SECTIONS = ("cases", "followups", "people", "providers", "sync", "settings")


class Workspace(QWidget):
    def __init__(
        self, client: VaultClient, settings: AppSettings, runner: SyncRunner, parent=None
    ) -> None:
        super().__init__(parent)
        self.sidebar = QListWidget(self)
        self.sidebar.setAccessibleName(_("Sections"))
        self.sidebar.setMaximumWidth(200)
        self.stack = QStackedWidget(self)
        self.cases = CasesSection(client, runner, self)
        self.followups = FollowupsPage(client, self)
        self.people = PeoplePage(client, self)
        self.providers = ProvidersPage(client, self)
        self.sync = SyncPage(client, runner, self)
        self.settings_page = SettingsPage(client, settings, self)
        for number, (label, page) in enumerate(
            (
                (_("Cases"), self.cases),
                (_("Follow-ups"), self.followups),
                (_("People"), self.people),
                (_("Providers"), self.providers),
                (_("Sync"), self.sync),
                (_("Settings"), self.settings_page),
            ),
            start=1,
        ):
            self.sidebar.addItem(label)
            self.sidebar.item(number - 1).setToolTip(
                _("{section} (Ctrl+{number})").format(section=label, number=number)
            )
            self.stack.addWidget(page)
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self)
            shortcut.activated.connect(lambda row=number - 1: self.sidebar.setCurrentRow(row))
        layout = QHBoxLayout(self)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.sidebar.currentRowChanged.connect(self._section_chosen)
        self.followups.open_case.connect(self.open_case)
        self.people.open_case.connect(self.open_case)
        self.sidebar.setCurrentRow(0)

    def start(self) -> None:
        self.cases.start()
        self.sync.start()  # so Ctrl+Shift+S knows whether sync is set up

    def _section_chosen(self, row: int) -> None:
        page = self.stack.widget(row)
        self.stack.setCurrentIndex(row)
        if page is not self.cases and hasattr(page, "start"):
            page.start()  # other sections read fresh when shown

    def show_section(self, name: str) -> None:
        self.sidebar.setCurrentRow(SECTIONS.index(name))

    def open_case(self, case_id: str) -> None:
        self.show_section("cases")
        self.cases.open_case(case_id)

    def current_section(self) -> str:
        return SECTIONS[self.stack.currentIndex()]

    def clear(self) -> None:
        """Empty every view now. The widgets themselves go at the next turn of the event
        loop (deleteLater); until then they must hold nothing a lock should have hidden."""
        self.cases.list_page.model.clear()
        self.cases.list_page.search.clear()
        self.cases.view.discard()
        self.cases.intake.set_values({})
        for table in (self.followups.table, self.people.table, self.providers.table):
            table.set_records([])
        self.people.search.clear()
        self.settings_page.users.set_records([])
        self.sync.clear()

    def snapshot(self) -> dict[str, Any]:
        return {"section": self.current_section(), "cases": self.cases.snapshot()}

    def restore(self, state: dict[str, Any]) -> None:
        section = state.get("section", "cases")
        if section in SECTIONS:
            self.show_section(section)
        self.cases.restore(state.get("cases", {}))
        self.sidebar.setFocus(Qt.FocusReason.OtherFocusReason)
