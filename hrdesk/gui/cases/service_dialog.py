"""Record a service for a person of the case, or move one along its workflow."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from hrdesk.core import vocab
from hrdesk.core.workflow import TRANSITIONS
from hrdesk.gui.record_dialog import RecordDialog
from hrdesk.gui.widgets import VocabCombo
from hrdesk.i18n import _


class ServiceDialog(RecordDialog):
    kind = "service"

    def __init__(
        self,
        person_names: list[str],
        providers: list[dict[str, Any]],
        service: dict[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Update service") if service else _("Record a service"), parent)
        self.original = service or {}
        self.target_id = self.original.get("id")
        add = self.form.add
        self.type = add("type", _("&Service"), VocabCombo("service-type", parent=self))
        self.person = add("person", _("For &whom"), QComboBox(self))
        self.person.addItems(person_names)
        self.provider = add("provider", _("&Provider"), QComboBox(self))
        self.provider.addItem(_("Our organization"), None)
        for provider in providers:
            self.provider.addItem(provider["name"], provider["name"])
        self.status = add("status", _("S&tatus"), QComboBox(self))
        current = self.original.get("status", "planned")
        allowed = [current, *sorted(TRANSITIONS[current])] if service else list(TRANSITIONS)
        for slug in allowed:
            self.status.addItem(vocab.label("service-status", slug), slug)
        self.outcome = add("outcome", _("&Outcome"), QPlainTextEdit(self))
        self.outcome.setTabChangesFocus(True)
        self.follow_up_on = add("follow_up_on", _("&Follow up on (YYYY-MM-DD)"), QLineEdit(self))
        self.override = add(
            "consent_override",
            _("Reason to refer &without consent (only if needed)"),
            QLineEdit(self),
        )
        if service:
            self.type.setEnabled(False)
            self.person.setEnabled(False)
        self.set_values(self._values_of(self.original))

    @staticmethod
    def _values_of(service: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": service.get("type"),
            "person": service.get("person"),
            "provider": service.get("provider"),
            "status": service.get("status", "planned"),
            "outcome": service.get("outcome") or "",
            "follow_up_on": service.get("follow_up_on") or "",
            "consent_override": "",
        }

    def values(self) -> dict[str, Any]:
        return {
            "type": self.type.slug(),
            "person": self.person.currentText(),
            "provider": self.provider.currentData(),
            "status": self.status.currentData(),
            "outcome": self.outcome.toPlainText().strip(),
            "follow_up_on": self.follow_up_on.text().strip(),
            "consent_override": self.override.text().strip(),
        }

    def set_values(self, values: dict[str, Any]) -> None:
        self.type.set_slug(values.get("type"))
        if values.get("person"):
            self.person.setCurrentText(values["person"])
        self.provider.setCurrentIndex(max(self.provider.findData(values.get("provider")), 0))
        self.status.setCurrentIndex(max(self.status.findData(values.get("status")), 0))
        self.outcome.setPlainText(values.get("outcome") or "")
        self.follow_up_on.setText(values.get("follow_up_on") or "")
        self.override.setText(values.get("consent_override") or "")

    def payload(self) -> dict[str, Any]:
        values = self.values()
        if self.target_id:
            before = self._values_of(self.original)
            keys = ("status", "provider", "outcome", "follow_up_on", "consent_override")
            return {k: values[k] for k in keys if values[k] != before[k] and values[k] != ""}
        return {k: v for k, v in values.items() if v not in ("", None)}
