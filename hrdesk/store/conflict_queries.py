"""Reading conflicts: which records have them, and the competing values of each."""

from __future__ import annotations

import json
from typing import Any

from hrdesk.store import merge
from hrdesk.store.connection import Connection
from hrdesk.store.oplog import Op, entity_ops, heads, newest
from hrdesk.store.queries import user_names


def count(conn: Connection) -> int:
    return conn.execute("SELECT count(*) FROM conflicts").fetchone()[0]


def case_ids(conn: Connection) -> set[str]:
    """Cases with a conflict in themselves or one of their records (for badges)."""
    rows = conn.execute("SELECT DISTINCT case_id FROM conflicts WHERE case_id IS NOT NULL")
    return {row[0] for row in rows}


def _version(op: Op, names: dict[str, str]) -> dict[str, Any]:
    return {
        "op_id": op.op_id,
        "value": json.loads(op.value),
        "user": names.get(op.user_id, op.user_id),
        "device_id": op.device_id,
        "hlc": op.hlc,
    }


def list_conflicts(conn: Connection, case_id: str | None = None) -> list[dict[str, Any]]:
    """Each conflict with its versions, the displayed one first. A delete that crossed an
    edit lists the deletes, then the edits it did not know of (with their field)."""
    sql = "SELECT c.entity_id, c.field, c.entity, c.case_id, k.ref FROM conflicts c "
    sql += "LEFT JOIN cases k ON k.id = c.case_id"
    params: tuple[Any, ...] = ()
    if case_id is not None:
        sql += " WHERE c.case_id = ?"
        params = (case_id,)
    rows = conn.execute(sql + " ORDER BY k.ref, c.entity, c.entity_id, c.field", params).fetchall()
    names = user_names(conn)
    found = []
    for entity_id, name, entity, owner, ref in rows:
        ops = entity_ops(conn, entity_id)
        current = heads([op for op in ops if op.field == name])
        shown = newest(current)
        ordered = sorted(current, key=lambda op: (op.hlc, op.device_id, op.idx), reverse=True)
        versions = [_version(op, names) for op in ordered]
        assert versions[0]["op_id"] == shown.op_id
        item = {
            "entity": entity,
            "entity_id": entity_id,
            "field": name,
            "case_id": owner,
            "case_ref": ref,
            "versions": versions,
        }
        if name == merge.DELETED:
            item["edits"] = [
                {"field": op.field, **_version(op, names)} for op in merge.crossing_edits(ops)
            ]
        found.append(item)
    return found
