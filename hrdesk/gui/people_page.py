"""The People directory: find a person or actor across cases, open their case."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from hrdesk.core import vocab
from hrdesk.gui.client import VaultClient
from hrdesk.gui.record_table import RecordTable
from hrdesk.gui.records_model import Column
from hrdesk.i18n import _
from hrdesk.services import people

COLUMNS = (
    Column(lambda: _("Name"), lambda p: p.get("name") or ""),
    Column(lambda: _("Alias"), lambda p: p.get("alias") or ""),
    Column(lambda: _("Role"), lambda p: vocab.label("role", p["role"])),
    Column(lambda: _("Case"), lambda p: p["case_ref"]),
    Column(lambda: _("Case title"), lambda p: p.get("case_title") or ""),
)


class PeoplePage(QWidget):
    open_case = Signal(str)

    def __init__(self, client: VaultClient, parent=None) -> None:
        super().__init__(parent)
        self.client = client
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("Find a person or group by name or alias…"))
        self.search.setAccessibleName(_("Find people"))
        self.search.setClearButtonEnabled(True)
        self.table = RecordTable(COLUMNS, _("People"), self)
        self.table.add_button(_("&Open case"), self._open_selected, needs_selection=True)
        self.table.finish_buttons()
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.table.activated.connect(self._open)

    def start(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.client.call(people.find, self.search.text(), done=self.table.set_records)

    def _open_selected(self) -> None:
        if (person := self.table.selected()) is not None:
            self._open(person)

    def _open(self, person: dict[str, Any]) -> None:
        if person.get("case_id"):
            self.open_case.emit(person["case_id"])
