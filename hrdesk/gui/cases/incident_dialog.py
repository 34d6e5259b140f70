"""Add or edit an incident: when (with its precision), where, what, who."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

from hrdesk.core.errors import ValidationError
from hrdesk.gui.cases.person_dialog import person_label
from hrdesk.gui.record_dialog import RecordDialog
from hrdesk.gui.widgets import Checklist, VocabChecklist, VocabCombo
from hrdesk.i18n import _


class IncidentDialog(RecordDialog):
    kind = "incident"

    def __init__(
        self,
        people: list[dict[str, Any]],
        incident: dict[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Edit incident") if incident else _("Add incident"), parent)
        self.original = incident or {}
        self.target_id = self.original.get("id")
        names = [person_label(p) for p in people]
        add = self.form.add
        self.date = add("date", _("&Date (YYYY-MM-DD, YYYY-MM or YYYY)"), QLineEdit(self))
        self.precision = add(
            "date_precision", _("Date &precision"), VocabCombo("date-precision", parent=self)
        )
        self.place = add("place", _("P&lace"), QLineEdit(self))
        self.description = add("description", _("&What happened"), QPlainTextEdit(self))
        self.description.setTabChangesFocus(True)
        self.violations = add("violations", _("&Violations"), VocabChecklist("violation", self))
        self.victims = add("victims", _("V&ictims"), Checklist(((n, n) for n in names), self))
        self.perpetrators = add(
            "perpetrators", _("Alleged pe&rpetrators"), Checklist(((n, n) for n in names), self)
        )
        self.set_values(self._values_of(self.original))

    @staticmethod
    def _values_of(incident: dict[str, Any]) -> dict[str, Any]:
        return {
            "date": incident.get("date") or "",
            "date_precision": incident.get("date_precision", "exact"),
            "place": incident.get("place") or "",
            "description": incident.get("description") or "",
            "violations": incident.get("violations", []),
            "victims": incident.get("victims", []),
            "perpetrators": incident.get("perpetrators", []),
        }

    def values(self) -> dict[str, Any]:
        return {
            "date": self.date.text().strip(),
            "date_precision": self.precision.slug(),
            "place": self.place.text().strip(),
            "description": self.description.toPlainText().strip(),
            "violations": self.violations.checked(),
            "victims": self.victims.checked(),
            "perpetrators": self.perpetrators.checked(),
        }

    def set_values(self, values: dict[str, Any]) -> None:
        self.date.setText(values.get("date") or "")
        self.precision.set_slug(values.get("date_precision") or "exact")
        self.place.setText(values.get("place") or "")
        self.description.setPlainText(values.get("description") or "")
        self.violations.set_checked(values.get("violations", []))
        self.victims.set_checked(values.get("victims", []))
        self.perpetrators.set_checked(values.get("perpetrators", []))

    def payload(self) -> dict[str, Any]:
        values = self.values()
        if not values["violations"]:
            raise ValidationError("violations", _("choose at least one violation"))
        values["date"] = values["date"] or None
        if not self.target_id:
            return {k: v for k, v in values.items() if v not in ("", None, [])}
        before = self._values_of(self.original)
        before["date"] = before["date"] or None
        changed = {k: v for k, v in values.items() if v != before.get(k)}
        return {"id": self.target_id, **changed}
