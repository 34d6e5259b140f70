"""Add or edit a person (or an actor: a police unit, an armed group) in a case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QCheckBox, QLineEdit, QWidget

from hrdesk.core import vocab
from hrdesk.core.errors import ValidationError
from hrdesk.gui.record_dialog import RecordDialog
from hrdesk.gui.widgets import VocabChecklist, VocabCombo
from hrdesk.i18n import _

_PERSON_TEXT = ("gender", "birth_date", "age_range", "nationality", "contact")
_NULLABLE = frozenset({"birth_date", "age_range", "nationality"})


def consents_in_force(person: dict[str, Any]) -> set[str]:
    return {
        c["scope"]
        for c in person.get("consents", [])
        if c.get("granted") and not c.get("withdrawn_on")
    }


class PersonDialog(RecordDialog):
    kind = "person"

    def __init__(self, person: dict[str, Any] | None = None, parent: QWidget | None = None):
        super().__init__(_("Edit person") if person else _("Add person"), parent)
        self.original = person or {}
        self.target_id = self.original.get("id")
        add = self.form.add
        self.name = add("name", _("&Name"), QLineEdit(self))
        self.alias = add("alias", _("&Alias (used in redacted dossiers)"), QLineEdit(self))
        self.role = add("role", _("&Role"), VocabCombo("role", parent=self))
        self.is_actor = add(
            "actor_type", _("A &group or institution, not a person"), QCheckBox(self)
        )
        self.actor_type = add("actor_type_value", _("Kind of &actor"), VocabCombo("actor-type"))
        self.sex = add("sex", _("&Sex"), VocabCombo("sex", _("Not recorded"), self))
        self.gender = add("gender", _("&Gender (self-described)"), QLineEdit(self))
        self.birth_date = add("birth_date", _("&Birth date (YYYY-MM-DD)"), QLineEdit(self))
        self.age_range = add("age_range", _("A&ge range (e.g. 30-39)"), QLineEdit(self))
        self.nationality = add("nationality", _("Na&tionality (2-letter code)"), QLineEdit(self))
        self.contact = add("contact", _("&Contact (phone, address)"), QLineEdit(self))
        self.vulnerabilities = add(
            "vulnerabilities", _("&Vulnerabilities"), VocabChecklist("vulnerability", self)
        )
        self.consents = add(
            "consents", _("Consent &given for"), VocabChecklist("consent-scope", self)
        )
        self.nationality.setMaxLength(2)
        self.is_actor.toggled.connect(self._kind_changed)
        if person:
            self.is_actor.setEnabled(False)  # a person cannot become an actor, nor back
        self.set_values(self._values_of(self.original))

    def _values_of(self, person: dict[str, Any]) -> dict[str, Any]:
        values = {key: person.get(key) or "" for key in ("name", "alias", *_PERSON_TEXT)}
        values |= {
            "role": person.get("role"),
            "is_actor": "actor_type" in person,
            "actor_type": person.get("actor_type"),
            "sex": person.get("sex"),
            "vulnerabilities": person.get("vulnerabilities", []),
            "consents": sorted(consents_in_force(person)),
        }
        return values

    def _kind_changed(self, actor: bool) -> None:
        self.actor_type.setEnabled(actor)
        for widget in (
            self.sex,
            self.gender,
            self.birth_date,
            self.age_range,
            self.nationality,
            self.contact,
            self.vulnerabilities,
            self.consents,
        ):
            widget.setEnabled(not actor)

    def values(self) -> dict[str, Any]:
        values = {key: getattr(self, key).text() for key in ("name", "alias", *_PERSON_TEXT)}
        return values | {
            "role": self.role.slug(),
            "is_actor": self.is_actor.isChecked(),
            "actor_type": self.actor_type.slug(),
            "sex": self.sex.slug(),
            "vulnerabilities": self.vulnerabilities.checked(),
            "consents": self.consents.checked(),
        }

    def set_values(self, values: dict[str, Any]) -> None:
        for key in ("name", "alias", *_PERSON_TEXT):
            getattr(self, key).setText(values.get(key) or "")
        self.role.set_slug(values.get("role"))
        self.is_actor.setChecked(bool(values.get("is_actor")))
        self.actor_type.set_slug(values.get("actor_type"))
        self.sex.set_slug(values.get("sex"))
        self.vulnerabilities.set_checked(values.get("vulnerabilities", []))
        self.consents.set_checked(values.get("consents", []))
        self._kind_changed(self.is_actor.isChecked())

    def payload(self) -> dict[str, Any]:
        """A ``people`` entry of a case update: new (no id) or the changed keys."""
        values = self.values()
        if not values["name"].strip() and not values["alias"].strip():
            raise ValidationError("name", _("a name or an alias is required"))
        before = self._values_of(self.original)
        keys = ["name", "alias", "role"]
        if values["is_actor"]:
            keys.append("actor_type")
        else:
            keys += [*_PERSON_TEXT, "sex", "vulnerabilities"]
        entry: dict[str, Any] = {}
        for key in keys:
            value = values[key]
            if isinstance(value, str):
                value = value.strip()
                if key == "nationality":
                    value = value.upper()
            if self.target_id and value == before.get(key):
                continue
            if value in ("", None, []) and not self.target_id:
                continue
            if value == "" and key in _NULLABLE:
                value = None
            if value is None and key not in _NULLABLE:
                continue  # a vocabulary value (sex) is changed, not emptied
            entry[key] = value
        if not values["is_actor"]:
            entry["consents"] = self._consent_changes(set(values["consents"]))
            if not entry["consents"]:
                del entry["consents"]
        if self.target_id:
            entry["id"] = self.target_id
        return entry

    def _consent_changes(self, wanted: set[str]) -> list[dict[str, Any]]:
        today = dt.date.today().isoformat()
        changes: list[dict[str, Any]] = []
        for consent in self.original.get("consents", []):
            in_force = consent.get("granted") and not consent.get("withdrawn_on")
            if in_force and consent["scope"] not in wanted:
                changes.append({"id": consent["id"], "withdrawn_on": today})
        for scope in sorted(wanted - consents_in_force(self.original)):
            changes.append({"scope": scope, "granted": True, "date": today})
        return changes


def person_label(person: dict[str, Any]) -> str:
    return person.get("name") or person.get("alias") or ""


def role_label(person: dict[str, Any]) -> str:
    return vocab.label("role", person["role"])
