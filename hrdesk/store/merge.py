"""Field-level merge: what a record shows, and what is in conflict, from its op-log alone.

Per field, the *heads* are the operations no later operation on that field has
seen. One head gives the value. Several heads holding different values are a
conflict: the newest (hybrid clock, then device) is displayed and all are kept
until someone resolves it, which writes an operation that has seen every head.
A delete (``deleted`` set true) that did not see an edit made on another device
is a conflict too, kept on the ``deleted`` field. Clocks only choose what is
displayed first; nothing here depends on the order operations arrived in, so
replicas holding the same operations show the same records and conflicts.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from hrdesk.core.hlc import iso_time
from hrdesk.store.connection import Connection
from hrdesk.store.entities import ENTITIES, Entity
from hrdesk.store.oplog import Op, heads, newest, ops_of_many

DELETED = "deleted"
CHUNK = 500  # records rewritten per round of queries


@dataclass
class Merged:
    """One record as its operations say it is."""

    entity: str
    values: dict[str, Any] = field(default_factory=dict)
    conflicts: set[str] = field(default_factory=set)
    first: Op | None = None  # the earliest operation: who created the record, and when


def field_heads(ops: list[Op]) -> dict[str, list[Op]]:
    """Each field of a record with its heads."""
    by_field: dict[str, list[Op]] = defaultdict(list)
    for op in ops:
        by_field[op.field].append(op)
    return {name: heads(field_ops) for name, field_ops in by_field.items()}


def merge(ops: list[Op]) -> Merged:
    """The state of one record from every operation on it (in any order)."""
    merged = Merged(ops[0].entity, first=min(ops, key=_order))
    current_heads = field_heads(ops)
    for name, current in current_heads.items():
        merged.values[name] = json.loads(newest(current).value)
        if len({op.value for op in current}) > 1:
            merged.conflicts.add(name)
    if merged.values.get(DELETED) and _crossing(current_heads):
        merged.conflicts.add(DELETED)
    return merged


def _order(op: Op) -> tuple[str, str, int]:
    return (op.hlc, op.device_id, op.idx)


def crossing_edits(ops: list[Op]) -> list[Op]:
    """The edits (heads of their field) that a delete of the record did not know of."""
    return _crossing(field_heads(ops))


def _crossing(field_heads: dict[str, list[Op]]) -> list[Op]:
    """A delete lists every head of the record it saw (writer.Batch.put). An edit on
    another device that is a head of its field and that no delete saw was made
    without knowing of the delete. Edits from the deleting device itself came
    before the delete (a deleted record is not edited), so they are never counted."""
    deletes = [op for op in field_heads.get(DELETED, []) if json.loads(op.value)]
    known = {op.op_id for op in deletes}
    for op in deletes:
        known.update(json.loads(op.seen))
    devices = {op.device_id for op in deletes}
    return [
        op
        for name, current in sorted(field_heads.items())
        if name != DELETED
        for op in current
        if op.op_id not in known and op.device_id not in devices
    ]


def row_of(spec: Entity, merged: Merged) -> dict[str, Any]:
    """Every column of the record's table, as the writer would have stored it: the
    fields in ``spec.fields`` order, then the columns filled at creation."""
    row = {name: None for name in spec.fields}
    row[DELETED] = 0
    for name, value in merged.values.items():
        if name in spec.fields:
            row[name] = spec.column_value(name, value)
    first = merged.first
    created = {"user": first.user_id, "time": iso_time(first.hlc)} if first else {}
    for column, source in spec.created:
        row[column] = created.get(source)
    return row


def rematerialize(
    conn: Connection, entity_ids: list[str]
) -> Iterator[tuple[str, Entity, dict[str, Any]]]:
    """Rewrite records' rows and conflicts from the op-log; yields (id, table spec,
    columns) for each record that operations name."""
    conflicted = {row[0] for row in conn.execute("SELECT DISTINCT entity_id FROM conflicts")}
    for start in range(0, len(entity_ids), CHUNK):
        rows: dict[str, list[tuple]] = defaultdict(list)
        done = []
        for ops in ops_of_many(conn, entity_ids[start : start + CHUNK], CHUNK):
            if not ops:
                continue
            entity_id = ops[0].entity_id
            merged = merge(ops)
            spec = ENTITIES[merged.entity]
            row = row_of(spec, merged)
            rows[spec.name].append((entity_id, *row.values()))
            if merged.conflicts or entity_id in conflicted:
                set_conflicts(conn, spec, entity_id, row, merged.conflicts)
            done.append((entity_id, spec, row))
        for name, values in rows.items():
            spec = ENTITIES[name]
            columns = [*spec.fields, *(column for column, _source in spec.created)]
            conn.executemany(
                f"INSERT INTO {spec.table} (id, {', '.join(columns)}) "
                f"VALUES (?, {', '.join('?' * len(columns))}) ON CONFLICT (id) DO UPDATE SET "
                + ", ".join(f"{column} = excluded.{column}" for column in columns),
                values,
            )
        yield from done


def set_conflicts(
    conn: Connection, spec: Entity, entity_id: str, row: dict[str, Any], fields: set[str]
) -> None:
    conn.execute("DELETE FROM conflicts WHERE entity_id = ?", (entity_id,))
    if not fields:
        return
    case_id = entity_id if spec.name == "case" else row.get("case_id")
    conn.executemany(
        "INSERT INTO conflicts (entity_id, field, entity, case_id) VALUES (?, ?, ?, ?)",
        [(entity_id, name, spec.name, case_id) for name in sorted(fields)],
    )


def clear_conflict(conn: Connection, entity_id: str, name: str) -> None:
    """A local write saw every head of this field: its conflict is settled."""
    conn.execute("DELETE FROM conflicts WHERE entity_id = ? AND field = ?", (entity_id, name))
