"""Filters above the case list: status, priority, violation, assigned, dates."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from hrdesk.gui.widgets import VocabCombo
from hrdesk.i18n import _
from hrdesk.store.queries import CaseFilter


def _date_or_none(text: str) -> str | None:
    text = text.strip()
    try:
        return dt.date.fromisoformat(text).isoformat() if text else None
    except ValueError:
        return None


class FilterBar(QWidget):
    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.status = VocabCombo("case-status", _("Any status"), self)
        self.priority = VocabCombo("priority", _("Any priority"), self)
        self.violation = VocabCombo("violation", _("Any violation"), self)
        self.assigned = QComboBox(self)
        self.assigned.addItem(_("Anyone assigned"), None)
        self.opened_from = QLineEdit(self)
        self.opened_to = QLineEdit(self)
        for widget, name in (
            (self.status, _("Filter by status")),
            (self.priority, _("Filter by priority")),
            (self.violation, _("Filter by violation")),
            (self.assigned, _("Filter by assigned caseworker")),
            (self.opened_from, _("Opened on or after (YYYY-MM-DD)")),
            (self.opened_to, _("Opened on or before (YYYY-MM-DD)")),
        ):
            widget.setAccessibleName(name)
            widget.setToolTip(name)
        self.opened_from.setPlaceholderText(_("from YYYY-MM-DD"))
        self.opened_to.setPlaceholderText(_("to YYYY-MM-DD"))
        for widget in (self.status, self.priority, self.violation, self.assigned):
            widget.currentIndexChanged.connect(self.changed)
            layout.addWidget(widget)
        layout.addWidget(QLabel(_("Opened:"), self))
        for widget in (self.opened_from, self.opened_to):
            widget.editingFinished.connect(self.changed)
            widget.setMaximumWidth(130)
            layout.addWidget(widget)
        layout.addStretch(1)

    def set_users(self, users: list[dict]) -> None:
        current = self.assigned.currentData()
        self.assigned.blockSignals(True)
        while self.assigned.count() > 1:
            self.assigned.removeItem(1)
        for user in users:
            self.assigned.addItem(user["name"], user["id"])
        self.assigned.setCurrentIndex(max(self.assigned.findData(current), 0))
        self.assigned.blockSignals(False)

    def filters(self) -> CaseFilter:
        def one(value: str | None) -> list[str]:
            return [value] if value else []

        return CaseFilter(
            status=one(self.status.slug()),
            priority=one(self.priority.slug()),
            violation=one(self.violation.slug()),
            assigned=one(self.assigned.currentData()),
            opened_from=_date_or_none(self.opened_from.text()),
            opened_to=_date_or_none(self.opened_to.text()),
        )
