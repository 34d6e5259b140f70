"""Per-case data derived from the materialized tables: filter terms and the
full-text index. Refreshed by the write path for every case a batch touched."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from hrdesk.core.textfold import fold, fold_key
from hrdesk.store.connection import Connection

_OWN_CASE = {
    "involvement",
    "incident",
    "note",
    "consent",
    "service",
    "followup",
    "attachment",
    "custody",
}


def cases_of(
    conn: Connection, entity: str, entity_id: str, columns: dict[str, Any]
) -> Iterable[str]:
    """The cases whose derived data may change when this record changes."""
    if entity == "case":
        return (entity_id,)
    if entity in _OWN_CASE:
        case_id = columns.get("case_id")
        if case_id is None:
            row = conn.execute(
                f"SELECT case_id FROM {_TABLES[entity]} WHERE id = ?", (entity_id,)
            ).fetchone()
            case_id = row[0] if row else None
        return (case_id,) if case_id else ()
    if entity in ("person", "actor"):
        column = "person_id" if entity == "person" else "actor_id"
        rows = conn.execute(
            f"SELECT DISTINCT case_id FROM involvements WHERE {column} = ?", (entity_id,)
        ).fetchall()
        return [row[0] for row in rows]
    return ()


_TABLES = {
    "involvement": "involvements",
    "incident": "incidents",
    "note": "notes",
    "consent": "consents",
    "service": "services",
    "followup": "followups",
    "attachment": "attachments",
    "custody": "custody",
}


def refresh_case(conn: Connection, case_id: str, now: str) -> None:
    row = conn.execute(
        "SELECT num, title, summary, region, locality, tags, assigned, deleted "
        "FROM cases WHERE id = ?",
        (case_id,),
    ).fetchone()
    if row is None:
        return
    num, title, summary, region, locality, tags, assigned, deleted = row
    # The latest change wins whatever order changes arrived in (sync applies older ones late).
    conn.execute(
        "UPDATE cases SET updated_at = max(coalesce(updated_at, ''), ?) WHERE id = ?",
        (now, case_id),
    )
    conn.execute("DELETE FROM case_terms WHERE case_id = ?", (case_id,))
    conn.execute("DELETE FROM case_search WHERE rowid = ?", (num,))
    if deleted:
        return

    incidents = conn.execute(
        "SELECT place, description, violations FROM incidents WHERE case_id = ? AND deleted = 0",
        (case_id,),
    ).fetchall()
    violations = {v for _, _, listed in incidents for v in json.loads(listed or "[]")}
    terms = [("violation", v) for v in violations]
    terms += [("tag", fold_key(t)) for t in json.loads(tags or "[]")]
    terms += [("assigned", u) for u in json.loads(assigned or "[]")]
    conn.executemany(
        "INSERT OR IGNORE INTO case_terms (case_id, kind, term) VALUES (?, ?, ?)",
        [(case_id, kind, term) for kind, term in terms],
    )

    names = conn.execute(
        "SELECT p.name, p.alias FROM involvements i JOIN people p ON p.id = i.person_id "
        "WHERE i.case_id = ? AND i.deleted = 0 "
        "UNION ALL SELECT a.name, a.alias FROM involvements i JOIN actors a ON a.id = i.actor_id "
        "WHERE i.case_id = ? AND i.deleted = 0",
        (case_id, case_id),
    ).fetchall()
    notes = conn.execute(
        "SELECT text FROM notes WHERE case_id = ? AND deleted = 0", (case_id,)
    ).fetchall()
    places = [region, locality] + [place for place, _, _ in incidents]
    conn.execute(
        "INSERT INTO case_search (rowid, title, summary, people, places, notes) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            num,
            fold(title or ""),
            fold(" ".join([summary or ""] + [d or "" for _, d, _ in incidents])),
            fold(" ".join(part for pair in names for part in pair if part)),
            fold(" ".join(p for p in places if p)),
            fold(" ".join(text for (text,) in notes)),
        ),
    )
