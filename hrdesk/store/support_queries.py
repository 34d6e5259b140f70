"""Reading support services, providers, consents and follow-ups."""

from __future__ import annotations

from typing import Any

from hrdesk.core.textfold import fold_key
from hrdesk.core.workflow import ConsentRecord
from hrdesk.store.connection import Connection
from hrdesk.store.entities import ENTITIES

_SERVICE_COLUMNS = (
    "id",
    "case_id",
    "involvement_id",
    "type",
    "provider_id",
    "status",
    "requested_on",
    "started_on",
    "completed_on",
    "outcome",
    "consent_override",
    "created_by",
    "created_at",
)


def _service_row(row: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(_SERVICE_COLUMNS, row, strict=True))


def get_service(conn: Connection, service_id: str) -> dict[str, Any] | None:
    row = conn.execute(
        f"SELECT {', '.join(_SERVICE_COLUMNS)} FROM services WHERE id = ? AND deleted = 0",
        (service_id,),
    ).fetchone()
    return _service_row(row) if row else None


def services_of_case(conn: Connection, case_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        f"SELECT {', '.join(_SERVICE_COLUMNS)} FROM services WHERE case_id = ? AND deleted = 0 "
        "ORDER BY requested_on, rowid",
        (case_id,),
    ).fetchall()
    return [_service_row(row) for row in rows]


def list_services(
    conn: Connection, statuses: list[str], types: list[str], limit: int
) -> list[dict[str, Any]]:
    clauses, params = ["s.deleted = 0", "c.deleted = 0"], []
    for column, values in (("s.status", statuses), ("s.type", types)):
        if values:
            clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
            params += values
    rows = conn.execute(
        f"SELECT {', '.join('s.' + c for c in _SERVICE_COLUMNS)}, c.ref FROM services s "
        f"JOIN cases c ON c.id = s.case_id WHERE {' AND '.join(clauses)} "
        "ORDER BY s.requested_on DESC, s.id LIMIT ?",
        (*params, limit),
    ).fetchall()
    return [_service_row(row[:-1]) | {"case_ref": row[-1]} for row in rows]


def person_of_involvement(conn: Connection, involvement_id: str) -> str | None:
    """The person (not actor) behind an involvement, who can receive services."""
    row = conn.execute(
        "SELECT person_id FROM involvements WHERE id = ? AND deleted = 0", (involvement_id,)
    ).fetchone()
    return row[0] if row else None


def consents_of_person(conn: Connection, person_id: str) -> list[ConsentRecord]:
    rows = conn.execute(
        "SELECT scope, granted, date, withdrawn_on FROM consents "
        "WHERE person_id = ? AND deleted = 0",
        (person_id,),
    ).fetchall()
    return [
        ConsentRecord(scope, bool(granted), date, withdrawn)
        for scope, granted, date, withdrawn in rows
    ]


def consent_exists(conn: Connection, consent_id: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM consents WHERE id = ? AND deleted = 0", (consent_id,)
    ).fetchone()
    return row is not None


_PROVIDER_COLUMNS = ("id", "name", "services", "area", "languages", "contact", "notes")


def list_providers(conn: Connection) -> list[dict[str, Any]]:
    spec = ENTITIES["provider"]
    rows = conn.execute(
        f"SELECT {', '.join(_PROVIDER_COLUMNS)} FROM providers WHERE deleted = 0 ORDER BY name"
    ).fetchall()
    return [
        {
            name: spec.python_value(name, value)
            for name, value in zip(_PROVIDER_COLUMNS, row, strict=True)
        }
        for row in rows
    ]


def provider_by_name(conn: Connection, name: str) -> str | None:
    """Providers are matched however their name is capitalized or accented."""
    wanted = fold_key(name)
    for provider_id, stored in conn.execute("SELECT id, name FROM providers WHERE deleted = 0"):
        if fold_key(stored) == wanted:
            return provider_id
    return None


def provider_names(conn: Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT id, name FROM providers").fetchall())


_FOLLOWUP_COLUMNS = ("id", "case_id", "service_id", "due_on", "text", "assignee_id", "done_on")


def followups_of_case(conn: Connection, case_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        f"SELECT {', '.join(_FOLLOWUP_COLUMNS)} FROM followups WHERE case_id = ? AND deleted = 0 "
        "ORDER BY due_on, rowid",
        (case_id,),
    ).fetchall()
    return [dict(zip(_FOLLOWUP_COLUMNS, row, strict=True)) for row in rows]


def open_followups(
    conn: Connection, due_from: str | None, due_to: str | None, assignee_id: str | None
) -> list[dict[str, Any]]:
    """Follow-ups not done yet, due in [due_from, due_to] (either end open), soonest first."""
    clauses = ["f.done_on IS NULL", "f.deleted = 0", "c.deleted = 0"]
    params: list[Any] = []
    if due_from:
        clauses.append("f.due_on >= ?")
        params.append(due_from)
    if due_to:
        clauses.append("f.due_on <= ?")
        params.append(due_to)
    if assignee_id:
        clauses.append("f.assignee_id = ?")
        params.append(assignee_id)
    rows = conn.execute(
        f"SELECT {', '.join('f.' + c for c in _FOLLOWUP_COLUMNS)}, c.ref, c.title "
        f"FROM followups f JOIN cases c ON c.id = f.case_id WHERE {' AND '.join(clauses)} "
        "ORDER BY f.due_on, c.ref",
        params,
    ).fetchall()
    return [
        dict(zip(_FOLLOWUP_COLUMNS, row[:-2], strict=True))
        | {"case_ref": row[-2], "case_title": row[-1]}
        for row in rows
    ]


def next_followup_dates(conn: Connection, service_ids: list[str]) -> dict[str, str]:
    """service id -> due date of its earliest open follow-up (services that have one)."""
    if not service_ids:
        return {}
    rows = conn.execute(
        "SELECT service_id, min(due_on) FROM followups WHERE done_on IS NULL AND deleted = 0 "
        f"AND service_id IN ({', '.join('?' * len(service_ids))}) GROUP BY service_id",
        service_ids,
    ).fetchall()
    return dict(rows)


def get_followup(conn: Connection, followup_id: str) -> dict[str, Any] | None:
    row = conn.execute(
        f"SELECT {', '.join(_FOLLOWUP_COLUMNS)} FROM followups WHERE id = ? AND deleted = 0",
        (followup_id,),
    ).fetchone()
    return dict(zip(_FOLLOWUP_COLUMNS, row, strict=True)) if row else None
