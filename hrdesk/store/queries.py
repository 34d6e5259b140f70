"""Reading cases: one case in full, filtered lists, full-text search."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from hrdesk.core.textfold import fold_key, match_expression
from hrdesk.store import oplog
from hrdesk.store.connection import Connection
from hrdesk.store.entities import ENTITIES

_CASE_COLUMNS = (
    "id",
    "ref",
    "title",
    "status",
    "priority",
    "sensitivity",
    "opened_on",
    "closed_on",
    "country",
    "region",
    "locality",
    "updated_at",
)


@dataclass
class CaseFilter:
    status: list[str] = field(default_factory=list)
    priority: list[str] = field(default_factory=list)
    violation: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    tag: list[str] = field(default_factory=list)
    assigned: list[str] = field(default_factory=list)  # user ids
    opened_from: str | None = None
    opened_to: str | None = None
    include_deleted: bool = False

    def term_filters(self) -> list[tuple[str, list[str]]]:
        return [
            (kind, values)
            for kind, values in (
                ("violation", self.violation),
                ("tag", [fold_key(t) for t in self.tag]),
                ("assigned", self.assigned),
            )
            if values
        ]

    def where(self, rare: frozenset[str] = frozenset()) -> tuple[str, list[Any]]:
        """SQL condition on ``cases c``; ``rare`` names term kinds matching few cases."""
        clauses: list[str] = []
        params: list[Any] = []
        if not self.include_deleted:
            clauses.append("c.deleted = 0")
        for column, values in (
            ("status", self.status),
            ("priority", self.priority),
            ("country", [v.upper() for v in self.country]),
        ):
            if values:
                # Several statuses (open + active) match most cases: reading them all through
                # the status index and sorting costs far more than walking the newest-first
                # index (cases_list) until a page is full. Unary + keeps that index unused.
                unindexed = "+" if len(values) > 1 and column != "country" else ""
                clauses.append(f"{unindexed}c.{column} IN ({', '.join('?' * len(values))})")
                params += values
        for kind, values in self.term_filters():
            terms = ", ".join("?" * len(values))
            if kind in rare:
                # Few matching cases: fetch them from the term index, then sort them.
                clauses.append(
                    f"c.id IN (SELECT case_id FROM case_terms WHERE kind = ? AND term IN ({terms}))"
                )
            else:
                # Many: walk the newest-first index, one key probe per case, stop when full.
                clauses.append(
                    f"EXISTS (SELECT 1 FROM case_terms t WHERE t.kind = ? AND t.term IN ({terms})"
                    " AND t.case_id = c.id)"
                )
            params += [kind, *values]
        if self.opened_from:
            clauses.append("c.opened_on >= ?")
            params.append(self.opened_from)
        if self.opened_to:
            clauses.append("c.opened_on <= ?")
            params.append(self.opened_to)
        return (" AND ".join(clauses) or "1"), params


RARE_TERM_CASES = 2_000


def _where(conn: Connection, filters: CaseFilter) -> tuple[str, list[Any]]:
    """The filter's condition, with each term filter in the form that suits how many
    cases it matches (a capped count over one index range decides)."""
    rare = set()
    for kind, values in filters.term_filters():
        (count,) = conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM case_terms WHERE kind = ? AND term IN "
            f"({', '.join('?' * len(values))}) LIMIT ?)",
            (kind, *values, RARE_TERM_CASES),
        ).fetchone()
        if count < RARE_TERM_CASES:
            rare.add(kind)
    return filters.where(frozenset(rare))


def _summary(row: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(_CASE_COLUMNS, row, strict=True))


# What a case list can be sorted by; each has an index that walks it in order
# (priority excepted: four values, read through the status-free list index).
SORT_KEYS = {
    "opened": "c.opened_on {d}, c.ref {d}",
    "ref": "c.ref {d}",
    "title": "c.title {d}, c.ref {d}",
    "updated": "c.updated_at {d}, c.ref {d}",
    "status": "c.status {d}, c.opened_on {d}, c.ref {d}",
    "priority": (
        "CASE c.priority WHEN 'urgent' THEN 3 WHEN 'high' THEN 2 WHEN 'normal' THEN 1 "
        "ELSE 0 END {d}, c.opened_on {d}, c.ref {d}"
    ),
}


def list_cases(
    conn: Connection,
    filters: CaseFilter,
    limit: int = 50,
    offset: int = 0,
    sort: str = "opened",
    descending: bool = True,
) -> list[dict[str, Any]]:
    where, params = _where(conn, filters)
    order = SORT_KEYS[sort].format(d="DESC" if descending else "ASC")
    rows = conn.execute(
        f"SELECT {', '.join('c.' + c for c in _CASE_COLUMNS)} FROM cases c WHERE {where} "
        f"ORDER BY {order} LIMIT ? OFFSET ?",
        (*params, limit, offset),
    ).fetchall()
    return [_summary(row) for row in rows]


def count_cases(conn: Connection, filters: CaseFilter) -> int:
    where, params = _where(conn, filters)
    return conn.execute(f"SELECT count(*) FROM cases c WHERE {where}", params).fetchone()[0]


def search_cases(
    conn: Connection, query: str, filters: CaseFilter, limit: int = 50
) -> list[dict[str, Any]]:
    """Ranked by BM25: a word in the title weighs most, then names, places, text."""
    expression = match_expression(query)
    if expression is None:
        return []
    where, params = _where(conn, filters)
    rows = conn.execute(
        f"SELECT {', '.join('c.' + c for c in _CASE_COLUMNS)}, "
        "bm25(case_search, 10.0, 3.0, 6.0, 4.0, 2.0) AS rank "
        "FROM case_search JOIN cases c ON c.num = case_search.rowid "
        f"WHERE case_search MATCH ? AND {where} ORDER BY rank LIMIT ?",
        (expression, *params, limit),
    ).fetchall()
    return [_summary(row[:-1]) | {"rank": round(-row[-1], 3)} for row in rows]


def case_id_by_ref(conn: Connection, ref: str) -> str | None:
    row = conn.execute(
        "SELECT id FROM cases WHERE ref = ? AND deleted = 0", (ref.strip().upper(),)
    ).fetchone()
    return row[0] if row else None


def _record(entity: str, row: tuple[Any, ...], columns: tuple[str, ...]) -> dict[str, Any]:
    spec = ENTITIES[entity]
    return {name: spec.python_value(name, value) for name, value in zip(columns, row, strict=True)}


def _select(
    conn: Connection, entity: str, columns: tuple[str, ...], where: str, params: tuple[Any, ...]
):
    table = ENTITIES[entity].table
    rows = conn.execute(
        f"SELECT {', '.join(columns)} FROM {table} WHERE {where}", params
    ).fetchall()
    return [_record(entity, row, columns) for row in rows]


def user_names(conn: Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT id, name FROM users").fetchall())


def get_case(conn: Connection, case_id: str) -> dict[str, Any] | None:
    """The case in the documented JSON shape (docs/case-json.md), with ids."""
    case_fields = ("id", *ENTITIES["case"].fields, "created_at", "updated_at")
    found = _select(conn, "case", case_fields, "id = ? AND deleted = 0", (case_id,))
    if not found:
        return None
    row = found[0]
    names = user_names(conn)
    case: dict[str, Any] = {
        key: row[key]
        for key in (
            "id",
            "ref",
            "title",
            "status",
            "priority",
            "sensitivity",
            "summary",
            "opened_on",
            "closed_on",
        )
        if row[key] is not None
    }
    location = {k: row[k] for k in ("country", "region", "locality") if row[k]}
    if location:
        case["location"] = location
    case["tags"] = row["tags"]
    case["assigned"] = [names.get(user_id, user_id) for user_id in row["assigned"]]
    case["people"] = _people(conn, case_id)
    case["incidents"] = _incidents(conn, case_id, case["people"])
    case["notes"] = [
        {k: v for k, v in note.items() if k not in ("author_id",)}
        | {"author": names.get(note["author_id"], note["author_id"])}
        for note in _select(
            conn,
            "note",
            ("id", "date", "text", "confidential", "author_id"),
            "case_id = ? AND deleted = 0 ORDER BY date, rowid",
            (case_id,),
        )
    ]
    case["created_at"] = row["created_at"]
    case["updated_at"] = row["updated_at"]
    return case


def _people(conn: Connection, case_id: str) -> list[dict[str, Any]]:
    people: list[dict[str, Any]] = []
    involvements = conn.execute(
        "SELECT id, person_id, actor_id, role FROM involvements "
        "WHERE case_id = ? AND deleted = 0 ORDER BY rowid",
        (case_id,),
    ).fetchall()
    person_fields = tuple(f for f in ENTITIES["person"].fields if f != "deleted")
    for involvement_id, person_id, actor_id, role in involvements:
        entry: dict[str, Any] = {"id": involvement_id, "role": role}
        if actor_id:
            actor = _select(conn, "actor", ("name", "alias", "actor_type"), "id = ?", (actor_id,))
            entry |= {k: v for k, v in actor[0].items() if v}
        else:
            person = _select(conn, "person", person_fields, "id = ?", (person_id,))[0]
            entry |= {k: v for k, v in person.items() if v not in (None, "", [])}
            consents = _select(
                conn,
                "consent",
                ("id", "scope", "granted", "date", "withdrawn_on", "note"),
                "person_id = ? AND deleted = 0 ORDER BY date, rowid",
                (person_id,),
            )
            if consents:
                entry["consents"] = [
                    {k: v for k, v in c.items() if v is not None and v != ""} for c in consents
                ]
        people.append(entry)
    return people


def _incidents(
    conn: Connection, case_id: str, people: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    label = {p["id"]: p.get("name") or p.get("alias") for p in people}
    incidents = _select(
        conn,
        "incident",
        (
            "id",
            "date",
            "date_precision",
            "place",
            "description",
            "violations",
            "victims",
            "perpetrators",
        ),
        "case_id = ? AND deleted = 0 ORDER BY date, rowid",
        (case_id,),
    )
    for incident in incidents:
        for key in ("victims", "perpetrators"):
            incident[key] = [label.get(i, i) for i in incident[key]]
    return [{k: v for k, v in i.items() if v not in (None, "")} for i in incidents]


def involvement_labels(conn: Connection, case_id: str) -> dict[str, str]:
    """name (or alias) -> involvement id, for incidents naming people of a case."""
    rows = conn.execute(
        "SELECT i.id, coalesce(p.name, a.name), coalesce(p.alias, a.alias) FROM involvements i "
        "LEFT JOIN people p ON p.id = i.person_id LEFT JOIN actors a ON a.id = i.actor_id "
        "WHERE i.case_id = ? AND i.deleted = 0",
        (case_id,),
    ).fetchall()
    labels: dict[str, str] = {}
    for involvement_id, name, alias in rows:
        for text in (alias, name):
            if text:
                labels[text] = involvement_id
    return labels


def linkable(conn: Connection, target_id: str, case_id: str) -> str | None:
    """'person' or 'actor' if ``target_id`` is one not yet involved in this case."""
    for entity, table, column in (
        ("person", "people", "person_id"),
        ("actor", "actors", "actor_id"),
    ):
        if conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (target_id,)).fetchone():
            taken = conn.execute(
                f"SELECT 1 FROM involvements WHERE case_id = ? AND {column} = ? AND deleted = 0",
                (case_id, target_id),
            ).fetchone()
            return None if taken else entity
    return None


def involvement_target(
    conn: Connection, involvement_id: str, case_id: str
) -> tuple[str, str] | None:
    """(entity, id) of the person or actor behind an involvement of this case."""
    row = conn.execute(
        "SELECT person_id, actor_id FROM involvements WHERE id = ? AND case_id = ? AND deleted = 0",
        (involvement_id, case_id),
    ).fetchone()
    if row is None:
        return None
    return ("person", row[0]) if row[0] else ("actor", row[1])


def child_exists(conn: Connection, entity: str, entity_id: str, case_id: str) -> bool:
    table = ENTITIES[entity].table
    return (
        conn.execute(
            f"SELECT 1 FROM {table} WHERE id = ? AND case_id = ? AND deleted = 0",
            (entity_id, case_id),
        ).fetchone()
        is not None
    )


def consent_of(conn: Connection, consent_id: str, person_id: str) -> bool:
    """Is this consent record one of this person's?"""
    row = conn.execute(
        "SELECT 1 FROM consents WHERE id = ? AND person_id = ? AND deleted = 0",
        (consent_id, person_id),
    ).fetchone()
    return row is not None


def case_history(conn: Connection, case_id: str) -> list[dict[str, Any]]:
    """Every operation on the case and its records, oldest first, with the old value."""
    ids = {case_id}
    for table in (
        "involvements",
        "incidents",
        "notes",
        "consents",
        "services",
        "followups",
        "attachments",
        "custody",
    ):
        ids |= {r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE case_id = ?", (case_id,))}
    for column in ("person_id", "actor_id"):
        ids |= {
            r[0]
            for r in conn.execute(
                f"SELECT {column} FROM involvements WHERE case_id = ? AND {column} IS NOT NULL",
                (case_id,),
            )
        }
    names = user_names(conn)
    ops = oplog.ops_of(conn, ids)
    values = {op.op_id: (op.field, op.value) for op in ops}
    history = []
    for op in ops:
        # A delete also lists the other fields' heads it saw; the old value is its field's.
        previous = [
            json.loads(values[s][1])
            for s in json.loads(op.seen)
            if s in values and values[s][0] == op.field
        ]
        history.append(
            {
                "op_id": op.op_id,
                "hlc": op.hlc,
                "device_id": op.device_id,
                "user": names.get(op.user_id, op.user_id),
                "entity": op.entity,
                "entity_id": op.entity_id,
                "field": op.field,
                "old": previous[0] if len(previous) == 1 else (previous or None),
                "new": json.loads(op.value),
            }
        )
    return history


def list_users(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT id, name, role FROM users WHERE deleted = 0 ORDER BY name"
    ).fetchall()
    return [{"id": row[0], "name": row[1], "role": row[2]} for row in rows]
