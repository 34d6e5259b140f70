"""Support services, the provider directory and follow-ups.

A service is help given or arranged for a person of a case. Its status follows
core.workflow; handing it to an external provider (a referral) needs the
person's consent to be referred, or an override whose reason is recorded (the
op-log records who gave it and when). Every change goes through the write path,
so every status change is in the case's history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hrdesk.core import supportjson, vocab, workflow
from hrdesk.core.errors import NotFound, ValidationError
from hrdesk.core.ids import new_id
from hrdesk.i18n import _
from hrdesk.services.lookup import require_case, user_ids
from hrdesk.store import queries, support_queries
from hrdesk.store.vault import Session
from hrdesk.store.writer import Batch

OWN_ORGANIZATION = None  # provider_id of services our organization gives itself


# -- providers ----------------------------------------------------------------------------


def add_provider(session: Session, data: Any) -> dict[str, Any]:
    provider = supportjson.parse_provider(data)
    if support_queries.provider_by_name(session.conn, provider["name"]):
        raise ValidationError("name", _("a provider with this name already exists"))
    provider_id = new_id()
    with session.writer.batch() as batch:
        batch.put("provider", provider_id, provider, new=True)
    return next(p for p in list_providers(session) if p["id"] == provider_id)


def list_providers(session: Session) -> list[dict[str, Any]]:
    return support_queries.list_providers(session.conn)


def _provider_id(session: Session, name: str | None) -> str | None:
    if name is None:
        return OWN_ORGANIZATION
    provider_id = support_queries.provider_by_name(session.conn, name)
    if provider_id is None:
        raise ValidationError(
            "provider", _("is not in the provider directory (add it with “hrdesk provider add”)")
        )
    return provider_id


# -- services -----------------------------------------------------------------------------


def provider_for_import(session: Session, batch: Batch, name: str | None) -> str | None:
    """The provider of that name, added to the directory if it is not there yet."""
    if name is None:
        return OWN_ORGANIZATION
    provider_id = support_queries.provider_by_name(session.conn, name)
    if provider_id is None:
        provider_id = new_id()
        batch.put("provider", provider_id, {"name": name}, new=True)
    return provider_id


def write_new_service(
    batch: Batch,
    case_id: str,
    involvement_id: str,
    provider_id: str | None,
    service: dict[str, Any],
    today: dt.date,
) -> str:
    """Write a validated new service (and its follow-up, if dated) in ``batch``."""
    service_id = new_id()
    values = {
        "case_id": case_id,
        "involvement_id": involvement_id,
        "type": service["type"],
        "provider_id": provider_id,
        "status": service["status"],
        "requested_on": service["requested_on"],
        "started_on": service.get("started_on"),
        "completed_on": service.get("completed_on"),
        "outcome": service.get("outcome"),
        "consent_override": service.get("consent_override"),
    }
    _date_status(values, service["status"], today)
    batch.put("service", service_id, values, new=True)
    if service.get("follow_up_on"):
        _new_followup(
            batch,
            case_id,
            service_id,
            service["follow_up_on"],
            _follow_up_text(service["type"]),
            batch.user_id,
        )
    return service_id


def add_service(
    session: Session, ref: str, data: Any, today: dt.date | None = None
) -> dict[str, Any]:
    """A new service for a person of case ``ref``; returns it as JSON-ready data."""
    today = today or dt.date.today()
    case_id = require_case(session, ref)
    service = supportjson.parse_new_service(data, today)
    labels = queries.involvement_labels(session.conn, case_id)
    involvement_id = labels.get(service["person"])
    person_id = involvement_id and support_queries.person_of_involvement(
        session.conn, involvement_id
    )
    if not person_id:
        raise ValidationError("person", _("is not the name or alias of a person in this case"))
    provider_id = _provider_id(session, service.get("provider"))
    status = service["status"]
    _check_handover(session, person_id, provider_id, status, service, today)
    with session.writer.batch() as batch:
        service_id = write_new_service(batch, case_id, involvement_id, provider_id, service, today)
    return get_service(session, service_id)


def update_service(
    session: Session, service_id: str, data: Any, today: dt.date | None = None
) -> dict[str, Any]:
    today = today or dt.date.today()
    current = support_queries.get_service(session.conn, service_id)
    if current is None:
        raise NotFound(_("No service with id {id}.").format(id=service_id))
    update = supportjson.parse_service_update(data)
    changes: dict[str, Any] = {
        key: update[key]
        for key in ("started_on", "completed_on", "outcome", "consent_override")
        if key in update
    }
    status = update.get("status", current["status"])
    workflow.check_transition(current["status"], status)
    provider_id = (
        _provider_id(session, update["provider"])
        if "provider" in update
        else current["provider_id"]
    )
    if status != current["status"] or provider_id != current["provider_id"]:
        person_id = support_queries.person_of_involvement(session.conn, current["involvement_id"])
        override = update.get("consent_override", current["consent_override"])
        _check_handover(
            session, person_id or "", provider_id, status, {"consent_override": override}, today
        )
        changes |= {"status": status, "provider_id": provider_id}
        _date_status(changes, status, today, current)
    with session.writer.batch() as batch:
        batch.put("service", service_id, changes)
        if update.get("follow_up_on"):
            _new_followup(
                batch,
                current["case_id"],
                service_id,
                update["follow_up_on"],
                _follow_up_text(current["type"]),
                batch.user_id,
            )
    return get_service(session, service_id)


def _check_handover(
    session: Session,
    person_id: str,
    provider_id: str | None,
    status: str,
    service: dict[str, Any],
    today: dt.date,
) -> None:
    """Handing a service to an external provider is a referral: consent or override."""
    if provider_id is OWN_ORGANIZATION or status not in workflow.HANDED_OVER:
        return
    records = support_queries.consents_of_person(session.conn, person_id)
    workflow.check_referral_allowed(records, today.isoformat(), service.get("consent_override"))


def _date_status(
    values: dict[str, Any], status: str, today: dt.date, current: dict[str, Any] | None = None
) -> None:
    """Starting or completing a service dates it, unless a date was given."""
    current = current or {}
    if status in ("in-progress", "completed") and not (
        values.get("started_on") or current.get("started_on")
    ):
        values["started_on"] = today.isoformat()
    if status == "completed" and not (values.get("completed_on") or current.get("completed_on")):
        values["completed_on"] = today.isoformat()


def get_service(session: Session, service_id: str) -> dict[str, Any]:
    row = support_queries.get_service(session.conn, service_id)
    if row is None:
        raise NotFound(_("No service with id {id}.").format(id=service_id))
    return _services_json(session, [row])[0]


def _services_json(session: Session, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Services as JSON-ready data; names, providers and follow-up dates are looked up
    once for all of them, not once per service."""
    conn = session.conn
    providers = support_queries.provider_names(conn)
    names = queries.user_names(conn)
    next_due = support_queries.next_followup_dates(conn, [row["id"] for row in rows])
    labels: dict[str, dict[str, str]] = {}
    result = []
    for row in rows:
        if row["case_id"] not in labels:
            by_label = queries.involvement_labels(conn, row["case_id"])
            labels[row["case_id"]] = {v: k for k, v in by_label.items()}
        service = {
            "id": row["id"],
            "type": row["type"],
            "person": labels[row["case_id"]].get(row["involvement_id"], row["involvement_id"]),
            "provider": providers.get(row["provider_id"]) if row["provider_id"] else None,
            "status": row["status"],
            "requested_on": row["requested_on"],
            "started_on": row["started_on"],
            "completed_on": row["completed_on"],
            "outcome": row["outcome"],
            "consent_override": row["consent_override"],
            "created_by": names.get(row["created_by"], row["created_by"]),
            "follow_up_on": next_due.get(row["id"]),
        }
        result.append({key: value for key, value in service.items() if value is not None})
    return result


def services_of_case(session: Session, case_id: str) -> list[dict[str, Any]]:
    return _services_json(session, support_queries.services_of_case(session.conn, case_id))


def list_services(
    session: Session,
    statuses: list[str] | None = None,
    types: list[str] | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    rows = support_queries.list_services(session.conn, statuses or [], types or [], limit)
    return [
        service | {"case_ref": row["case_ref"]}
        for row, service in zip(rows, _services_json(session, rows), strict=True)
    ]


# -- follow-ups ---------------------------------------------------------------------------


def _new_followup(
    batch: Batch, case_id: str, service_id: str | None, due_on: str, text: str, assignee_id: str
) -> str:
    followup_id = new_id()
    batch.put(
        "followup",
        followup_id,
        {
            "case_id": case_id,
            "service_id": service_id,
            "due_on": due_on,
            "text": text,
            "assignee_id": assignee_id,
        },
        new=True,
    )
    return followup_id


def _follow_up_text(service_type: str) -> str:
    return _("Follow up: {service}").format(service=vocab.label("service-type", service_type))


def add_followup(session: Session, ref: str, data: Any) -> dict[str, Any]:
    case_id = require_case(session, ref)
    followup = supportjson.parse_followup(data)
    assignee = session.user_id
    if "assignee" in followup:
        assignee = user_ids(session, [followup["assignee"]], "assignee")[0]
    service_id = followup.get("service")
    if service_id is not None:
        service = support_queries.get_service(session.conn, service_id)
        if service is None or service["case_id"] != case_id:
            raise ValidationError("service", _("is not a service of this case"))
    with session.writer.batch() as batch:
        followup_id = _new_followup(
            batch, case_id, service_id, followup["due_on"], followup["text"], assignee
        )
    return _followup_json(session, support_queries.get_followup(session.conn, followup_id))


def complete_followup(
    session: Session, followup_id: str, today: dt.date | None = None
) -> dict[str, Any]:
    followup = support_queries.get_followup(session.conn, followup_id)
    if followup is None:
        raise NotFound(_("No follow-up with id {id}.").format(id=followup_id))
    if followup["done_on"] is None:
        with session.writer.batch() as batch:
            batch.put("followup", followup_id, {"done_on": (today or dt.date.today()).isoformat()})
    return _followup_json(session, support_queries.get_followup(session.conn, followup_id))


def followups(
    session: Session,
    window: str | None = None,
    assignee: str | None = None,
    today: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Open follow-ups: ``window`` is overdue, today, week (today + 6 days) or None (all)."""
    today = today or dt.date.today()
    bounds = {
        None: (None, None),
        "overdue": (None, (today - dt.timedelta(days=1)).isoformat()),
        "today": (today.isoformat(), today.isoformat()),
        "week": (today.isoformat(), (today + dt.timedelta(days=6)).isoformat()),
    }[window]
    assignee_id = user_ids(session, [assignee], "assignee")[0] if assignee else None
    rows = support_queries.open_followups(session.conn, *bounds, assignee_id)
    return [_followup_json(session, row) for row in rows]


def followups_of_case(session: Session, case_id: str) -> list[dict[str, Any]]:
    return [
        _followup_json(session, row)
        for row in support_queries.followups_of_case(session.conn, case_id)
    ]


def _followup_json(session: Session, row: dict[str, Any] | None) -> dict[str, Any]:
    assert row is not None
    names = queries.user_names(session.conn)
    data = {
        "id": row["id"],
        "due_on": row["due_on"],
        "text": row["text"],
        "assignee": names.get(row["assignee_id"], row["assignee_id"]),
        "service": row["service_id"],
        "done_on": row["done_on"],
        "case_ref": row.get("case_ref"),
    }
    return {key: value for key, value in data.items() if value is not None}
