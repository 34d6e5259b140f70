"""The case list model: pages rows from the vault on demand, never loads them all.

The model knows how many cases match (one count query) and fetches a page of
rows on the database worker the first time a row of that page is painted. At
most ``MAX_PAGES`` pages stay in memory; scrolling far away drops the oldest.
With a search text the model shows the ranked search results instead.

Cases with conflicting edits (sync) carry a warning sign on their reference. The
set of such cases comes with every page or search result (one query of a small
table), never row by row.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from hrdesk.core import vocab
from hrdesk.gui.client import VaultClient
from hrdesk.gui.errors import message_for
from hrdesk.i18n import _
from hrdesk.i18n.formatting import format_date
from hrdesk.services import cases, conflicts
from hrdesk.store.queries import CaseFilter

PAGE = 200
MAX_PAGES = 25
SEARCH_LIMIT = 500

COLUMNS = ("ref", "title", "status", "priority", "opened", "place")
_SORTABLE = {"ref", "title", "status", "priority", "opened"}
CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
CONFLICT_ROLE = Qt.ItemDataRole.UserRole + 2  # True when the case has conflicting edits

Index = QModelIndex | QPersistentModelIndex


def _headers() -> dict[str, str]:
    return {
        "ref": _("Reference"),
        "title": _("Title"),
        "status": _("Status"),
        "priority": _("Priority"),
        "opened": _("Opened"),
        "place": _("Place"),
    }


def _with_conflicts(fn: Callable[..., Any]) -> Callable[..., Any]:
    def run(session: Any, *args: Any) -> tuple[Any, set[str]]:
        return fn(session, *args), conflicts.conflicted_cases(session)

    return run


def conflict_text() -> str:
    return _("This case has conflicting edits from another device")


def _cell(row: dict[str, Any], key: str) -> str:
    if key == "ref":
        return row["ref"]
    if key == "title":
        return row["title"] or ""
    if key == "status":
        return vocab.label("case-status", row["status"])
    if key == "priority":
        return vocab.label("priority", row["priority"])
    if key == "opened":
        return format_date(row["opened_on"])
    return ", ".join(p for p in (row.get("locality"), row.get("region"), row.get("country")) if p)


class CaseListModel(QAbstractTableModel):
    loaded = Signal()  # a page or search result arrived (tests and the status line use it)
    counted = Signal(int)
    failed = Signal(str)

    def __init__(self, client: VaultClient, parent=None) -> None:
        super().__init__(parent)
        self.client = client
        self.filters = CaseFilter()
        self.query = ""
        self.sort_key = "opened"
        self.descending = True
        self._count = 0
        self._pages: OrderedDict[int, list[dict[str, Any]]] = OrderedDict()
        self._requested: set[int] = set()
        self._search: list[dict[str, Any]] | None = None
        self._conflicted: set[str] = set()
        self._warning: QIcon | None = None
        self._token = 0

    # -- what to show -----------------------------------------------------------

    def set_filters(self, filters: CaseFilter) -> None:
        self.filters = replace(filters)
        self.refresh()

    def set_query(self, text: str) -> None:
        self.query = text.strip()
        self.refresh()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column]
        if key not in _SORTABLE:
            return
        self.sort_key = key
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.refresh()

    def refresh(self) -> None:
        """Ask again (filters, search or data changed); old answers in flight are ignored."""
        self._token += 1
        token = self._token
        if self.query:
            self.client.call(
                self._unless_superseded(token, _with_conflicts(cases.search)),
                self.query,
                self.filters,
                SEARCH_LIMIT,
                done=lambda result: self._searched(token, result),
                failed=self._failed,
            )
        else:
            # The first page first: counting 100,000 cases reads a whole index, and the
            # user should see rows before that number is known.
            self.client.call(
                self._unless_superseded(token, _with_conflicts(cases.list_cases)),
                self.filters,
                PAGE,
                0,
                self.sort_key,
                self.descending,
                done=lambda result: self._first_page(token, result),
                failed=self._failed,
            )

    def _unless_superseded(self, token: int, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Run on the worker only if nothing newer was asked meanwhile: typing a name
        queues one search per pause, and only the last one is still wanted."""

        def run(session: Any, *args: Any) -> Any:
            if token != self._token:  # an int read from the worker: atomic under the GIL
                return None
            return fn(session, *args)

        return run

    def clear(self) -> None:
        self._token += 1
        self.beginResetModel()
        self._count = 0
        self._pages.clear()
        self._requested.clear()
        self._search = None
        self._conflicted = set()
        self.endResetModel()

    def _failed(self, error: BaseException) -> None:
        self.failed.emit(message_for(error))

    def _searched(self, token: int, result: tuple[list[dict[str, Any]], set[str]]) -> None:
        if token != self._token:
            return
        rows, conflicted = result
        if self.sort_key != "opened" or not self.descending:
            # A chosen column order applies to search results too (default: by rank).
            rows = sorted(rows, key=lambda r: _cell(r, self.sort_key), reverse=self.descending)
        self.beginResetModel()
        self._conflicted = conflicted
        self._search = rows
        self._count = len(rows)
        self._pages.clear()
        self._requested.clear()
        self.endResetModel()
        self.counted.emit(self._count)
        self.loaded.emit()

    def _first_page(self, token: int, result: tuple[list[dict[str, Any]], set[str]]) -> None:
        if token != self._token:
            return
        rows, conflicted = result
        self.beginResetModel()
        self._conflicted = conflicted
        self._search = None
        self._count = len(rows)
        self._pages.clear()
        self._pages[0] = rows
        self._requested = {0}
        self.endResetModel()
        self.loaded.emit()
        if len(rows) < PAGE:
            self.counted.emit(len(rows))
            return
        self.client.call(
            self._unless_superseded(token, cases.count_cases),
            self.filters,
            done=lambda count: self._counted(token, count),
            failed=self._failed,
        )

    def _counted(self, token: int, count: int) -> None:
        """The rest of the rows, now that their number is known (paged in as scrolled)."""
        if token != self._token:
            return
        if count > self._count:
            self.beginInsertRows(QModelIndex(), self._count, count - 1)
            self._count = count
            self.endInsertRows()
        self.counted.emit(self._count)

    def _request(self, page: int) -> None:
        if page in self._requested:
            return
        self._requested.add(page)
        token = self._token
        self.client.call(
            self._unless_superseded(token, _with_conflicts(cases.list_cases)),
            self.filters,
            PAGE,
            page * PAGE,
            self.sort_key,
            self.descending,
            done=lambda result: self._page_arrived(token, page, result),
            failed=self._failed,
        )

    def _page_arrived(
        self, token: int, page: int, result: tuple[list[dict[str, Any]], set[str]]
    ) -> None:
        if token != self._token:
            return
        rows, conflicted = result
        if conflicted != self._conflicted and self._count:
            self._conflicted = conflicted  # rows of other pages may gain or lose the sign
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, 0))
        self._pages[page] = rows
        while len(self._pages) > MAX_PAGES:
            dropped, _rows = self._pages.popitem(last=False)
            self._requested.discard(dropped)
        first = page * PAGE
        last = min(first + len(rows), self._count) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        self.loaded.emit()

    # -- rows -----------------------------------------------------------------------

    def row_data(self, row: int) -> dict[str, Any] | None:
        if self._search is not None:
            return self._search[row] if 0 <= row < len(self._search) else None
        page = self._pages.get(row // PAGE)
        if page is None:
            self._request(row // PAGE)
            return None
        self._pages.move_to_end(row // PAGE)
        offset = row % PAGE
        return page[offset] if offset < len(page) else None

    def is_loaded(self, row: int) -> bool:
        if self._search is not None:
            return 0 <= row < len(self._search)
        return row // PAGE in self._pages

    # -- Qt model interface ---------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row_data(index.row())
        key = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return "…" if row is None else _cell(row, key)
        if role == CASE_ID_ROLE:
            return None if row is None else row["id"]
        conflicted = row is not None and row["id"] in self._conflicted
        if role == CONFLICT_ROLE:
            return conflicted
        if conflicted and key == "ref":
            if role == Qt.ItemDataRole.DecorationRole:
                return self._warning_icon()
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
                return conflict_text()
        if role == Qt.ItemDataRole.ToolTipRole and row is not None and key == "title":
            return row["title"]
        return None

    def _warning_icon(self) -> QIcon:
        if self._warning is None:
            self._warning = QApplication.style().standardIcon(
                QStyle.StandardPixmap.SP_MessageBoxWarning
            )
        return self._warning

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return _headers()[COLUMNS[section]]
        return None
