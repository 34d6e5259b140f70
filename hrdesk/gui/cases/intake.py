"""Quick intake: a new case that needs only a title, and grows as the interview goes.

Everything is reachable with the keyboard: Tab through the fields, Alt+P adds a
person row, Ctrl+S saves and opens the new case.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hrdesk.core.errors import ValidationError
from hrdesk.gui.client import VaultClient
from hrdesk.gui.errors import message_for
from hrdesk.gui.widgets import Form, VocabChecklist, VocabCombo
from hrdesk.i18n import _
from hrdesk.services import cases


class PersonRow(QWidget):
    def __init__(self, number: int, parent=None) -> None:
        super().__init__(parent)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(_("Name or alias"))
        self.name.setAccessibleName(_("Person {number}: name").format(number=number))
        self.role = VocabCombo("role", parent=self)
        self.role.setAccessibleName(_("Person {number}: role").format(number=number))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.name, 2)
        layout.addWidget(self.role, 1)


class IntakePage(QWidget):
    created = Signal(str)  # the new case's id
    cancelled = Signal()

    def __init__(self, client: VaultClient, parent=None) -> None:
        super().__init__(parent)
        self.client = client
        self.form = Form(self)
        add = self.form.add
        self.title = add("title", _("&Title (all that is needed to start)"), QLineEdit(self))
        self.opened_on = add("opened_on", _("&Opened on"), QLineEdit(self))
        self.priority = add("priority", _("&Priority"), VocabCombo("priority", parent=self))
        self.summary = add("summary", _("&What happened"), QPlainTextEdit(self))
        self.summary.setTabChangesFocus(True)
        self.country = add("location", _("Co&untry (2-letter code)"), QLineEdit(self))
        self.country.setMaxLength(2)
        self.locality = add("location.locality", _("&Locality"), QLineEdit(self))
        self.incident_date = add("incidents", _("&Incident date (YYYY-MM-DD)"), QLineEdit(self))
        self.violations = add(
            "incidents.violations", _("&Violations"), VocabChecklist("violation", self)
        )
        self.people_box = QVBoxLayout()
        people_holder = QWidget(self)
        people_holder.setLayout(self.people_box)
        self.form.add("people", _("People"), people_holder)
        self.add_person_button = QPushButton(_("Add another &person"), self)
        self.form.layout_.addRow("", self.add_person_button)
        self.rows: list[PersonRow] = []
        self.save_button = QPushButton(_("&Save case"), self)
        self.save_button.setToolTip(_("Save (Ctrl+S)"))
        self.cancel_button = QPushButton(_("Cancel"), self)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        # The form follows the window's width; only a long form scrolls, downwards.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.form.setMinimumWidth(0)
        scroll.setWidget(self.form)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.add_person_button.clicked.connect(lambda: self.add_person_row(focus=True))
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.cancelled)
        self.reset()

    def add_person_row(self, focus: bool = False) -> PersonRow:
        row = PersonRow(len(self.rows) + 1, self)
        self.rows.append(row)
        self.people_box.addWidget(row)
        if focus:
            row.name.setFocus()
        return row

    def reset(self) -> None:
        self.set_values({"opened_on": dt.date.today().isoformat(), "priority": "normal"})
        self.form.clear_errors()

    @property
    def dirty(self) -> bool:
        values = self.values()
        return bool(
            values["title"]
            or values["summary"]
            or values["violations"]
            or any(p["name"] for p in values["people"])
        )

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title.text().strip(),
            "opened_on": self.opened_on.text().strip(),
            "priority": self.priority.slug(),
            "summary": self.summary.toPlainText().strip(),
            "country": self.country.text().strip().upper(),
            "locality": self.locality.text().strip(),
            "incident_date": self.incident_date.text().strip(),
            "violations": self.violations.checked(),
            "people": [{"name": r.name.text().strip(), "role": r.role.slug()} for r in self.rows],
        }

    def set_values(self, values: dict[str, Any]) -> None:
        self.title.setText(values.get("title", ""))
        self.opened_on.setText(values.get("opened_on", ""))
        self.priority.set_slug(values.get("priority") or "normal")
        self.summary.setPlainText(values.get("summary", ""))
        self.country.setText(values.get("country", ""))
        self.locality.setText(values.get("locality", ""))
        self.incident_date.setText(values.get("incident_date", ""))
        self.violations.set_checked(values.get("violations", []))
        for row in self.rows:
            row.deleteLater()
        self.rows = []
        people = values.get("people") or [{"name": "", "role": "victim"}]
        for person in people:
            row = self.add_person_row()
            row.name.setText(person.get("name", ""))
            row.role.set_slug(person.get("role"))

    def case_json(self) -> dict[str, Any]:
        values = self.values()
        data: dict[str, Any] = {"title": values["title"], "priority": values["priority"]}
        for key in ("opened_on", "summary"):
            if values[key]:
                data[key] = values[key]
        location = {k: values[k] for k in ("country", "locality") if values[k]}
        if location:
            data["location"] = location
        people = [p for p in values["people"] if p["name"]]
        if people:
            data["people"] = people
        if values["violations"] or values["incident_date"]:
            incident: dict[str, Any] = {"violations": values["violations"]}
            if values["incident_date"]:
                incident["date"] = values["incident_date"]
            victims = [p["name"] for p in people if p["role"] == "victim"]
            if victims:
                incident["victims"] = victims
            data["incidents"] = [incident]
        return data

    def save(self) -> None:
        self.form.clear_errors()
        if not self.title.text().strip():
            self.form.show_error(ValidationError("title", _("is required to start a case")))
            return
        self.save_button.setEnabled(False)
        self.client.call(
            cases.add_case, self.case_json(), done=self._saved, failed=self._failed, write=True
        )

    def _saved(self, case: dict[str, Any]) -> None:
        self.save_button.setEnabled(True)
        self.reset()
        self.created.emit(case["id"])

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationError):
            path = error.path.replace("incidents[0]", "incidents").split("[")[0]
            self.form.show_error(ValidationError(path, error.detail))
        else:
            self.form.general_error.show_message(message_for(error))
