"""Plan a follow-up: when, what, who."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from hrdesk.gui.record_dialog import RecordDialog
from hrdesk.i18n import _


class FollowupDialog(RecordDialog):
    kind = "followup"

    def __init__(self, user_names: list[str], me: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Plan a follow-up"), parent)
        add = self.form.add
        self.due_on = add("due_on", _("&Due on (YYYY-MM-DD)"), QLineEdit(self))
        self.text = add("text", _("&What to do"), QLineEdit(self))
        self.assignee = add("assignee", _("&Assigned to"), QComboBox(self))
        self.assignee.addItems(user_names)
        self.set_values(
            {"due_on": (dt.date.today() + dt.timedelta(days=7)).isoformat(), "assignee": me}
        )

    def values(self) -> dict[str, Any]:
        return {
            "due_on": self.due_on.text().strip(),
            "text": self.text.text().strip(),
            "assignee": self.assignee.currentText(),
        }

    def set_values(self, values: dict[str, Any]) -> None:
        self.due_on.setText(values.get("due_on") or "")
        self.text.setText(values.get("text") or "")
        if values.get("assignee"):
            self.assignee.setCurrentText(values["assignee"])

    def payload(self) -> dict[str, Any]:
        return self.values()
