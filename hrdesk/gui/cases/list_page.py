"""The case list: search as you type, filters, a paged sortable table."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hrdesk.gui.cases.filter_bar import FilterBar
from hrdesk.gui.cases.list_model import CASE_ID_ROLE, COLUMNS, CaseListModel
from hrdesk.gui.client import VaultClient
from hrdesk.gui.refresh import RefreshWhenVisible
from hrdesk.i18n import _, ngettext
from hrdesk.i18n.formatting import format_number
from hrdesk.services import users

SEARCH_DELAY_MS = 200


class CaseListPage(QWidget):
    open_case = Signal(str)  # case id
    new_case = Signal()

    def __init__(self, client: VaultClient, parent=None) -> None:
        super().__init__(parent)
        self.client = client
        self.model = CaseListModel(client, self)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("Search cases: names, places, words…"))
        self.search.setAccessibleName(_("Search cases"))
        self.search.setClearButtonEnabled(True)
        self.new_button = QPushButton(_("&New case"), self)
        self.new_button.setToolTip(_("New case (Ctrl+N)"))
        self.export_button = QPushButton(_("Export &dossiers…"), self)
        self.export_button.setToolTip(_("PDF dossiers of the selected cases"))
        top.addWidget(self.search, 1)
        top.addWidget(self.export_button)
        top.addWidget(self.new_button)
        self.filter_bar = FilterBar(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Cases"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COLUMNS.index("opened"), Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COLUMNS.index("title"), QHeaderView.ResizeMode.Stretch)
        header.resizeSection(COLUMNS.index("ref"), 150)
        self.status_line = QLabel("", self)
        layout.addLayout(top)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status_line)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(lambda: self.model.set_query(self.search.text()))
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._search_now)
        self.filter_bar.changed.connect(lambda: self.model.set_filters(self.filter_bar.filters()))
        self.table.activated.connect(self._activated)
        self.new_button.clicked.connect(self.new_case)
        self.export_button.clicked.connect(self.export_selected)
        self.dossier_dialog = None  # the export dialog, once opened
        self.model.counted.connect(self._show_count)
        self.model.failed.connect(self.status_line.setText)
        client.changed.connect(RefreshWhenVisible(self, self.model.refresh).request)

    def start(self) -> None:
        """Called once the vault is open: first rows, and the caseworkers for the filter."""
        self.model.refresh()
        self.client.call(users.list_users, done=self.filter_bar.set_users)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _search_now(self) -> None:
        self._search_timer.stop()
        self.model.set_query(self.search.text())
        if self.model.rowCount() > 0:
            self.table.setFocus()

    def _activated(self, index: QModelIndex) -> None:
        case_id = self.model.data(index, CASE_ID_ROLE)
        if case_id:
            self.open_case.emit(case_id)

    def selected_case_ids(self) -> list[str]:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        return [
            case_id
            for row in sorted(rows)
            if (case_id := self.model.data(self.model.index(row, 0), CASE_ID_ROLE))
        ]

    def export_selected(self) -> None:
        ids = self.selected_case_ids()
        if not ids:
            self.status_line.setText(_("Select the cases to export first."))
            return
        from hrdesk.gui.dossier_dialog import DossierDialog  # on first use, as in the case view

        self.dossier_dialog = DossierDialog(self.client, ids, None, self)
        self.dossier_dialog.open()

    def _show_count(self, count: int) -> None:
        if self.model.query:
            text = ngettext(
                "{count} case matches the search", "{count} cases match the search", count
            )
        else:
            text = ngettext("{count} case", "{count} cases", count)
        self.status_line.setText(text.format(count=format_number(count)))
