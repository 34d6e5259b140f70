"""A read-only table of records with a row of action buttons above it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hrdesk.gui.records_model import Column, RecordsModel


class RecordTable(QWidget):
    activated = Signal(dict)  # a record was opened (Enter or double-click)

    def __init__(self, columns: Sequence[Column], accessible_name: str, parent=None) -> None:
        super().__init__(parent)
        self.model = RecordsModel(columns, self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName(accessible_name)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setAlternatingRowColors(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.buttons = QHBoxLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.buttons)
        layout.addWidget(self.view, 1)
        self.view.activated.connect(
            lambda index: self.activated.emit(self.model.record(index.row()) or {})
        )

    def add_button(self, text: str, slot, needs_selection: bool = False) -> QPushButton:
        button = QPushButton(text, self)
        button.clicked.connect(lambda _checked=False: slot())
        self.buttons.addWidget(button)
        if needs_selection:
            button.setEnabled(False)
            self.view.selectionModel().selectionChanged.connect(
                lambda *_args: button.setEnabled(self.selected() is not None)
            )
            self.model.modelReset.connect(lambda: button.setEnabled(False))
        return button

    def finish_buttons(self) -> None:
        self.buttons.addStretch(1)

    def set_records(self, records: list[dict[str, Any]]) -> None:
        self.model.set_records(records)

    def selected(self) -> dict[str, Any] | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None
