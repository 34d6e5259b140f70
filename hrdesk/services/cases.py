"""Case use cases: create, partially update, read, list, search, history.

Plain data in (the case JSON of docs/case-json.md), plain data out. Every
change goes through the store's single write path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from hrdesk.core import casejson
from hrdesk.core.errors import NotFound, ValidationError
from hrdesk.core.ids import new_id
from hrdesk.i18n import _
from hrdesk.services import evidence, support
from hrdesk.services.lookup import require_case, user_ids
from hrdesk.store import queries
from hrdesk.store.entities import ENTITIES
from hrdesk.store.queries import CaseFilter
from hrdesk.store.vault import Session
from hrdesk.store.writer import Batch

_CASE_SCALARS = ("title", "status", "priority", "sensitivity", "summary", "opened_on", "closed_on")
# A person's own fields are what the store keeps for a person (its registry).
_PERSON_FIELDS = tuple(name for name in ENTITIES["person"].fields if name != "deleted")
_INCIDENT_FIELDS = ("date", "date_precision", "place", "description", "violations")


def add_case(session: Session, data: Any, today: dt.date | None = None) -> dict[str, Any]:
    """Create a case; returns it as JSON-ready data, including its ``ref``."""
    case_id = add_cases(session, [data], today, number_errors=False)[0]
    return get_case(session, case_id)


def add_cases(
    session: Session, items: Iterable[Any], today: dt.date | None = None, number_errors: bool = True
) -> list[str]:
    """Create cases in one transaction (all or none); returns their ids.

    Items are checked and written one at a time, so any number of them can be
    streamed in (an import) without holding them all; a bad one rolls back all.
    """
    today = today or dt.date.today()
    ids = []
    with session.writer.batch() as batch:
        for index, data in enumerate(items):
            try:
                case = casejson.parse_new_case(data, today)
                case["assigned"] = user_ids(session, case.get("assigned", []), "assigned")
            except ValidationError as err:
                if not number_errors:
                    raise
                raise ValidationError(f"[{index}].{err.path}", err.detail) from None
            ids.append(_write_new_case(session, batch, case, today))
    return ids


def _write_new_case(session: Session, batch: Batch, case: dict[str, Any], today: dt.date) -> str:
    case_id = new_id()
    ref = batch.next_case_ref(dt.date.fromisoformat(case["opened_on"]))
    location = case.get("location", {})
    values = {key: case.get(key) for key in _CASE_SCALARS}
    values |= {key: location.get(key) for key in ("country", "region", "locality")}
    values |= {
        "ref": ref,
        "tags": case.get("tags", []),
        "assigned": case["assigned"],
    }
    batch.put("case", case_id, values, new=True)
    labels: dict[str, str] = {}
    for person in case.get("people", []):
        involvement_id = _write_new_person(batch, case_id, person)
        for text in (person.get("alias"), person.get("name")):
            if text:
                labels[text] = involvement_id
    for incident in case.get("incidents", []):
        _write_new_incident(batch, case_id, incident, labels)
    for note in case.get("notes", []):
        _write_new_note(batch, case_id, note)
    for service in case.get("services", []):
        provider_id = support.provider_for_import(session, batch, service.get("provider"))
        support.write_new_service(
            batch, case_id, labels[service["person"]], provider_id, service, today
        )
    return case_id


def _write_new_person(batch: Batch, case_id: str, person: dict[str, Any]) -> str:
    involvement_id = new_id()
    target_id = new_id()
    if "actor_type" in person:
        batch.put(
            "actor",
            target_id,
            {k: person.get(k) for k in ("name", "alias", "actor_type")},
            new=True,
        )
        link = {"actor_id": target_id, "person_id": None}
    else:
        values = {k: person[k] for k in _PERSON_FIELDS if k in person}
        batch.put("person", target_id, values, new=True)
        link = {"person_id": target_id, "actor_id": None}
    batch.put(
        "involvement",
        involvement_id,
        {"case_id": case_id, **link, "role": person["role"]},
        new=True,
    )
    for consent in person.get("consents", []):
        _write_new_consent(batch, case_id, target_id, consent)
    return involvement_id


def _write_new_consent(batch: Batch, case_id: str, person_id: str, consent: dict[str, Any]) -> None:
    values = {k: consent.get(k) for k in ("scope", "granted", "date", "withdrawn_on", "note")}
    values |= {
        "person_id": person_id,
        "case_id": case_id,
    }
    batch.put("consent", new_id(), values, new=True)


def _write_new_incident(
    batch: Batch, case_id: str, incident: dict[str, Any], labels: dict[str, str]
) -> None:
    values = {k: incident.get(k) for k in _INCIDENT_FIELDS}
    values |= {
        "case_id": case_id,
        "victims": [labels[name] for name in incident.get("victims", [])],
        "perpetrators": [labels[name] for name in incident.get("perpetrators", [])],
    }
    batch.put("incident", new_id(), values, new=True)


def _write_new_note(batch: Batch, case_id: str, note: dict[str, Any]) -> None:
    batch.put(
        "note",
        new_id(),
        {
            "case_id": case_id,
            "date": note["date"],
            "text": note["text"],
            "confidential": note["confidential"],
        },
        new=True,
    )


def update_case(
    session: Session, ref: str, data: Any, today: dt.date | None = None
) -> dict[str, Any]:
    """Apply a partial update (docs/case-json.md); returns the updated case."""
    today = today or dt.date.today()
    case_id = require_case(session, ref)
    conn = session.conn
    update = casejson.parse_case_update(data, today)
    stored = queries.get_case(conn, case_id) or {}
    labels = queries.involvement_labels(conn, case_id)
    casejson.check_update_references(update, set(labels), stored.get("opened_on", ""))
    if "assigned" in update:
        update["assigned"] = user_ids(session, update["assigned"], "assigned")
    _check_children_exist(session, case_id, update)

    with session.writer.batch() as batch:
        values = {key: update[key] for key in (*_CASE_SCALARS, "tags", "assigned") if key in update}
        values |= update.get("location", {})
        if values:
            batch.put("case", case_id, values)
        for person in update.get("people", []):
            if "id" in person:
                _update_person(session, batch, case_id, person)
            elif "link" in person:
                entity = "person_id" if person["entity"] == "person" else "actor_id"
                other = "actor_id" if entity == "person_id" else "person_id"
                batch.put(
                    "involvement",
                    new_id(),
                    {
                        "case_id": case_id,
                        entity: person["link"],
                        other: None,
                        "role": person["role"],
                    },
                    new=True,
                )
            else:
                involvement_id = _write_new_person(batch, case_id, person)
                for text in (person.get("alias"), person.get("name")):
                    if text:
                        labels[text] = involvement_id
        for incident in update.get("incidents", []):
            if "id" in incident:
                changed = {k: incident[k] for k in (*_INCIDENT_FIELDS, "deleted") if k in incident}
                for key in ("victims", "perpetrators"):
                    if key in incident:
                        changed[key] = [labels[name] for name in incident[key]]
                batch.put("incident", incident["id"], changed)
            else:
                _write_new_incident(batch, case_id, incident, labels)
        for note in update.get("notes", []):
            _write_new_note(batch, case_id, note)
        batch.touch_case(case_id)
    return get_case(session, case_id)


def _check_children_exist(session: Session, case_id: str, update: dict[str, Any]) -> None:
    conn = session.conn
    for index, person in enumerate(update.get("people", [])):
        if "id" not in person:
            continue
        target = queries.involvement_target(conn, person["id"], case_id)
        if target is None:
            raise ValidationError(f"people[{index}].id", _("is not a person of this case"))
        if target[0] == "actor":
            for key in casejson.PERSON_ONLY:
                if key in person:
                    raise ValidationError(
                        f"people[{index}].{key}",
                        _("does not apply to a group or institution (actor_type)"),
                    )
        elif "actor_type" in person:
            raise ValidationError(
                f"people[{index}].actor_type", _("a person cannot be turned into an actor")
            )
        for c_index, consent in enumerate(person.get("consents", [])):
            if "id" in consent and not queries.consent_of(conn, consent["id"], target[1]):
                raise ValidationError(
                    f"people[{index}].consents[{c_index}].id", _("is not a consent of this person")
                )
    for index, person in enumerate(update.get("people", [])):
        if "link" in person:
            entity = queries.linkable(conn, person["link"], case_id)
            if entity is None:
                raise ValidationError(
                    f"people[{index}].link",
                    _("is not a recorded person or actor, or is already in this case"),
                )
            person["entity"] = entity
    for index, incident in enumerate(update.get("incidents", [])):
        if "id" in incident and not queries.child_exists(conn, "incident", incident["id"], case_id):
            raise ValidationError(f"incidents[{index}].id", _("is not an incident of this case"))


def _update_person(session: Session, batch: Batch, case_id: str, person: dict[str, Any]) -> None:
    involvement_id = person["id"]
    entity, target_id = queries.involvement_target(session.conn, involvement_id, case_id)  # type: ignore[misc]
    link = {k: person[k] for k in ("role", "deleted") if k in person}
    if link:
        batch.put("involvement", involvement_id, link)
    fields = ("name", "alias", "actor_type") if entity == "actor" else _PERSON_FIELDS
    changed = {k: person[k] for k in fields if k in person}
    if changed:
        batch.put(entity, target_id, changed)
    for consent in person.get("consents", []):
        if "id" in consent:
            batch.put(
                "consent",
                consent["id"],
                {k: consent[k] for k in ("withdrawn_on", "note") if k in consent},
            )
        else:
            _write_new_consent(batch, case_id, target_id, consent)


def get_case(session: Session, case_id: str) -> dict[str, Any]:
    case = queries.get_case(session.conn, case_id)
    if case is None:
        raise NotFound(_("No such case."))
    services = support.services_of_case(session, case_id)
    if services:
        case["services"] = services
    followups = support.followups_of_case(session, case_id)
    if followups:
        case["followups"] = followups
    attachments = evidence.of_case(session, case_id)
    if attachments:
        case["attachments"] = attachments
    return case


def show_case(session: Session, ref: str) -> dict[str, Any]:
    return get_case(session, require_case(session, ref))


def resolve_filter(session: Session, filters: CaseFilter, assigned_names: list[str]) -> CaseFilter:
    """Assigned caseworkers are given by name; the store filters by id."""
    if assigned_names:
        filters.assigned = user_ids(session, assigned_names, "assigned")
    return filters


def list_cases(
    session: Session,
    filters: CaseFilter,
    limit: int = 50,
    offset: int = 0,
    sort: str = "opened",
    descending: bool = True,
) -> list[dict[str, Any]]:
    return queries.list_cases(session.conn, filters, limit, offset, sort, descending)


def count_cases(session: Session, filters: CaseFilter) -> int:
    return queries.count_cases(session.conn, filters)


def case_id(session: Session, ref: str) -> str:
    return require_case(session, ref)


def search(
    session: Session, query: str, filters: CaseFilter | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    return queries.search_cases(session.conn, query, filters or CaseFilter(), limit)


def history(session: Session, ref: str) -> list[dict[str, Any]]:
    return queries.case_history(session.conn, require_case(session, ref))
