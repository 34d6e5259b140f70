"""The case JSON shape (docs/case-json.md): validation for add and partial update.

The result is the same dict shape, normalized (trimmed text, upper-case country
codes, defaults applied on add), ready for the case service to turn into
write operations. Cross-field rules (incident victims must be people of the
case, closed_on not before opened_on) are checked here too.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from hrdesk.core import supportjson, workflow
from hrdesk.core import validate as v
from hrdesk.core.errors import ValidationError
from hrdesk.i18n import _

PERSON_ONLY = (
    "sex",
    "gender",
    "birth_date",
    "birth_year",
    "age_range",
    "nationality",
    "languages",
    "contact",
    "vulnerabilities",
    "consents",
)


def _age_range(value: Any, path: str) -> str:
    match = re.fullmatch(r"(\d{1,3})-(\d{1,3})", value) if isinstance(value, str) else None
    if not match or int(match[1]) > int(match[2]):
        raise ValidationError(path, _("expected an age range such as 30-39"))
    return value


def _incident_date(value: Any, path: str) -> str:
    if isinstance(value, str):
        for pattern, fmt in (
            (r"\d{4}", "%Y"),
            (r"\d{4}-\d{2}", "%Y-%m"),
            (r"\d{4}-\d{2}-\d{2}", "%Y-%m-%d"),
        ):
            if re.fullmatch(pattern, value):
                try:
                    dt.datetime.strptime(value, fmt)
                except ValueError:
                    break
                return value
    raise ValidationError(path, _("expected a date as YYYY-MM-DD, YYYY-MM or YYYY"))


_PRECISION_LENGTHS = {
    "exact": (10,),
    "month": (7, 10),
    "year": (4, 7, 10),
    "approximate": (4, 7, 10),
}

_LOCATION = {"country": v.optional(v.country), "region": v.text(200), "locality": v.text(200)}

_CONSENT = {
    "id": v.text(64),
    "scope": v.slug("consent-scope"),
    "granted": v.boolean,
    "date": v.date,
    "withdrawn_on": v.optional(v.date),
    "note": v.text(2_000),
}

_PERSON = {
    "id": v.text(64),
    # A person or actor already recorded in another case, joined to this one (update only).
    "link": v.text(64, allow_empty=False),
    "deleted": v.boolean,
    "name": v.text(300),
    "alias": v.text(100),
    "role": v.slug("role"),
    "actor_type": v.slug("actor-type"),
    "sex": v.slug("sex"),
    "gender": v.text(100),
    "birth_date": v.optional(v.date),
    "birth_year": v.optional(v.integer(1900, dt.date.today().year)),
    "age_range": v.optional(_age_range),
    "nationality": v.optional(v.country),
    "languages": v.list_of(v.language_code, unique=True),
    "contact": v.text(2_000),
    "vulnerabilities": v.list_of(v.slug("vulnerability"), unique=True),
    "consents": v.list_of(lambda item, path: v.fields(item, path, _CONSENT, ("scope", "granted"))),
}

_INCIDENT = {
    "id": v.text(64),
    "deleted": v.boolean,
    "date": v.optional(_incident_date),
    "date_precision": v.slug("date-precision"),
    "place": v.text(300),
    "description": v.text(),
    "violations": v.list_of(v.slug("violation"), unique=True, min_items=1),
    "victims": v.list_of(v.text(300, allow_empty=False), unique=True),
    "perpetrators": v.list_of(v.text(300, allow_empty=False), unique=True),
}

_NOTE = {
    "id": v.text(64),
    "date": v.date,
    "text": v.text(allow_empty=False),
    "confidential": v.boolean,
}

_CASE = {
    "title": v.text(300, allow_empty=False),
    "status": v.slug("case-status"),
    "priority": v.slug("priority"),
    "sensitivity": v.slug("sensitivity"),
    "summary": v.text(),
    "opened_on": v.date,
    "closed_on": v.optional(v.date),
    "location": lambda value, path: v.fields(value, path, _LOCATION),
    "tags": v.list_of(v.text(60, allow_empty=False), unique=True),
    "assigned": v.list_of(v.text(100, allow_empty=False), unique=True),
    "people": v.list_of(lambda item, path: v.fields(item, path, _PERSON)),
    "incidents": v.list_of(lambda item, path: v.fields(item, path, _INCIDENT)),
    "notes": v.list_of(lambda item, path: v.fields(item, path, _NOTE)),
    # Validated with their defaults in parse_new_case (they need today's date).
    "services": v.list_of(lambda item, path: item),
}

CASE_KEYS = frozenset(_CASE)


def parse_new_case(data: Any, today: dt.date) -> dict[str, Any]:
    """Validate a case to be created; apply defaults."""
    if isinstance(data, dict):
        for assigned_key in ("id", "ref"):
            if assigned_key in data:
                raise ValidationError(assigned_key, _("is assigned by hrdesk and cannot be given"))
    case = v.fields(data, "", _CASE, required=("title",))
    case.setdefault("status", "open")
    case.setdefault("priority", "normal")
    case.setdefault("sensitivity", "standard")
    case.setdefault("opened_on", today.isoformat())
    for index, person in enumerate(case.get("people", [])):
        _check_new_child(person, f"people[{index}]")
        if "link" in person:
            raise ValidationError(
                f"people[{index}].link", _("is only allowed when updating a case")
            )
        _check_person(person, f"people[{index}]", new=True)
        for c_index, consent in enumerate(person.get("consents", [])):
            _check_new_child(consent, f"people[{index}].consents[{c_index}]")
            consent.setdefault("date", today.isoformat())
    for index, incident in enumerate(case.get("incidents", [])):
        _check_new_child(incident, f"incidents[{index}]")
        _check_incident(incident, f"incidents[{index}]", new=True)
    for index, note in enumerate(case.get("notes", [])):
        _check_new_child(note, f"notes[{index}]")
        note.setdefault("date", today.isoformat())
        note.setdefault("confidential", False)
    _check_dates(case, case["opened_on"])
    _check_references(case, known_names=set())
    case["services"] = [
        _check_service(
            case,
            supportjson.parse_new_service(item, today, f"services[{index}]"),
            f"services[{index}]",
            today,
        )
        for index, item in enumerate(case.get("services", []))
    ]
    return case


def _check_service(
    case: dict[str, Any], service: dict[str, Any], path: str, today: dt.date
) -> dict[str, Any]:
    """The person must be a person (not an actor) of this case; handing the service to
    a provider needs that person's consent given here, or an override."""
    person = next(
        (p for p in case.get("people", []) if service["person"] in (p.get("name"), p.get("alias"))),
        None,
    )
    if person is None or "actor_type" in person:
        raise ValidationError(
            f"{path}.person", _("is not the name or alias of a person in this case")
        )
    if service.get("provider") and service["status"] in workflow.HANDED_OVER:
        records = [
            workflow.ConsentRecord(c["scope"], c["granted"], c["date"], c.get("withdrawn_on"))
            for c in person.get("consents", [])
        ]
        workflow.check_referral_allowed(
            records, today.isoformat(), service.get("consent_override"), f"{path}.status"
        )
    return service


def parse_case_update(data: Any, today: dt.date) -> dict[str, Any]:
    """Validate a partial update; entries with ``id`` change, without ``id`` are added."""
    if isinstance(data, dict):
        for assigned_key in ("id", "ref"):
            if assigned_key in data:
                raise ValidationError(
                    assigned_key, _("is assigned by hrdesk and cannot be changed")
                )
    case = v.fields(data, "", _CASE)
    if "services" in case:
        raise ValidationError(
            "services",
            _("services are changed with “hrdesk service add” and “hrdesk service update”"),
        )
    for index, person in enumerate(case.get("people", [])):
        path = f"people[{index}]"
        if "id" not in person and person.get("deleted"):
            raise ValidationError(f"{path}.deleted", _("needs the id of the entry to remove"))
        _check_person(person, path, new="id" not in person)
        for c_index, consent in enumerate(person.get("consents", [])):
            if "id" not in consent:
                consent.setdefault("date", today.isoformat())
            elif set(consent) - {"id", "withdrawn_on", "note"}:
                raise ValidationError(
                    f"{path}.consents[{c_index}]",
                    _("a recorded consent can only be withdrawn or annotated; record a new one"),
                )
    for index, incident in enumerate(case.get("incidents", [])):
        path = f"incidents[{index}]"
        if "id" not in incident and incident.get("deleted"):
            raise ValidationError(f"{path}.deleted", _("needs the id of the entry to remove"))
        _check_incident(incident, path, new="id" not in incident)
    for index, note in enumerate(case.get("notes", [])):
        if "id" in note:
            raise ValidationError(
                f"notes[{index}].id", _("notes cannot be changed once written; add a new note")
            )
        note.setdefault("date", today.isoformat())
        note.setdefault("confidential", False)
    return case


def _check_new_child(item: dict[str, Any], path: str) -> None:
    for key in ("id", "deleted"):
        if key in item:
            raise ValidationError(f"{path}.{key}", _("is only allowed when updating a case"))


def _check_person(person: dict[str, Any], path: str, new: bool) -> None:
    if new and "role" not in person:
        raise ValidationError(f"{path}.role", _("is required"))
    if "link" in person:
        if not new:
            raise ValidationError(f"{path}.link", _("cannot be combined with id"))
        for key in person:
            if key not in ("link", "role"):
                raise ValidationError(
                    f"{path}.{key}",
                    _("a linked person is changed in their own entry, not when linking"),
                )
        return
    if new and not person.get("name") and not person.get("alias"):
        raise ValidationError(f"{path}.name", _("a name or an alias is required"))
    if "actor_type" in person:
        for key in PERSON_ONLY:
            if key in person:
                raise ValidationError(
                    f"{path}.{key}", _("does not apply to a group or institution (actor_type)")
                )


def _check_incident(incident: dict[str, Any], path: str, new: bool) -> None:
    if new:
        incident.setdefault("date_precision", "exact")
        if "violations" not in incident:
            raise ValidationError(f"{path}.violations", _("is required"))
    date_value = incident.get("date")
    precision = incident.get("date_precision")
    if date_value and precision and len(date_value) not in _PRECISION_LENGTHS[precision]:
        raise ValidationError(
            f"{path}.date",
            _("“{value}” does not match the date precision “{precision}”").format(
                value=date_value, precision=precision
            ),
        )


def _check_dates(case: dict[str, Any], opened_on: str) -> None:
    closed = case.get("closed_on")
    if closed and closed < opened_on:
        raise ValidationError("closed_on", _("cannot be before opened_on"))


def _check_references(case: dict[str, Any], known_names: set[str]) -> None:
    """Incident victims/perpetrators must name people of this case."""
    names = set(known_names)
    for person in case.get("people", []):
        names.update(filter(None, (person.get("name"), person.get("alias"))))
    for index, incident in enumerate(case.get("incidents", [])):
        for key in ("victims", "perpetrators"):
            for p_index, name in enumerate(incident.get(key, [])):
                if name not in names:
                    raise ValidationError(
                        f"incidents[{index}].{key}[{p_index}]",
                        _("is not the name or alias of a person in this case"),
                    )


def check_update_references(case: dict[str, Any], known_names: set[str], opened_on: str) -> None:
    """Cross-field checks of an update against the stored case."""
    _check_references(case, known_names)
    _check_dates(case, case.get("opened_on", opened_on))
