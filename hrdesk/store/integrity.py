"""``hrdesk check``: is the vault sound? Pages, schema, op-log chain, materialized data."""

from __future__ import annotations

import json
from collections import defaultdict

from hrdesk.i18n import _, ngettext
from hrdesk.store.connection import DatabaseError
from hrdesk.store.entities import ENTITIES
from hrdesk.store.oplog import COLUMNS, GENESIS, from_row
from hrdesk.store.vault import Session


def check(session: Session) -> list[str]:
    """A list of problems found, translated; empty when the vault is sound."""
    conn = session.conn
    problems: list[str] = []
    if conn.execute("PRAGMA cipher_integrity_check").fetchall():
        problems.append(
            _("Some encrypted pages fail their authentication check (tampering or damage).")
        )
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
        if result != ["ok"]:
            problems.append(_("The database structure is damaged (SQLite integrity check failed)."))
        if conn.execute("PRAGMA foreign_key_check").fetchall():
            problems.append(_("Some records point to records that do not exist."))
        problems += _check_chains(conn)
        problems += _check_materialized(conn)
    except DatabaseError:
        # Damaged pages make the deeper checks fail: that is itself the finding.
        problems.append(_("The database structure is damaged (SQLite integrity check failed)."))
        return problems
    try:
        conn.execute("INSERT INTO case_search (case_search) VALUES ('integrity-check')")
    except Exception:
        problems.append(_("The search index is damaged; it can be rebuilt."))
    return problems


def _check_chains(conn) -> list[str]:
    problems = []
    expected: dict[str, tuple[int, str]] = {}
    broken: set[str] = set()
    for row in conn.execute(f"SELECT {COLUMNS} FROM oplog ORDER BY device_id, seq"):
        op, stored_hash = from_row(row)
        seq, prev = expected.get(op.device_id, (0, GENESIS))
        if op.device_id in broken:
            continue
        if op.seq != seq + 1 or op.prev_hash != prev or op.digest() != stored_hash:
            broken.add(op.device_id)
            continue
        expected[op.device_id] = (op.seq, stored_hash)
    if broken:
        problems.append(
            ngettext(
                "The change history of {count} device has been altered or damaged.",
                "The change history of {count} devices has been altered or damaged.",
                len(broken),
            ).format(count=len(broken))
        )
    device_id, seq, chain_head = conn.execute(
        "SELECT device_id, seq, chain_head FROM local_device"
    ).fetchone()
    if expected.get(device_id, (0, GENESIS)) != (seq, chain_head) and device_id not in broken:
        problems.append(_("This device's change history does not end where it should."))
    return problems


def _check_materialized(conn) -> list[str]:
    """Each stored field must equal the newest of its op-log heads."""
    newest: dict[tuple[str, str, str], tuple[str, str]] = {}
    for entity, entity_id, name, hlc, device, value in conn.execute(
        "SELECT h.entity, h.entity_id, h.field, o.hlc, o.device_id, o.value "
        "FROM heads h JOIN oplog o ON o.op_id = h.op_id"
    ):
        key = (entity, entity_id, name)
        if key not in newest or (hlc, device) > newest[key][0]:
            newest[key] = ((hlc, device), value)  # type: ignore[assignment]
    by_entity: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for (entity, entity_id, name), (_order, value) in newest.items():
        by_entity[entity][entity_id][name] = value
    mismatches = 0
    for entity, records in by_entity.items():
        spec = ENTITIES[entity]
        columns = spec.fields
        stored = {
            row[0]: row[1:]
            for row in conn.execute(f"SELECT id, {', '.join(columns)} FROM {spec.table}")
        }
        for entity_id, fields in records.items():
            row = stored.get(entity_id)
            if row is None:
                mismatches += 1
                continue
            for index, name in enumerate(columns):
                if name in fields:
                    expected = spec.column_value(name, json.loads(fields[name]))
                    if row[index] != expected:
                        mismatches += 1
    if mismatches:
        return [
            ngettext(
                "{count} stored value differs from the change history.",
                "{count} stored values differ from the change history.",
                mismatches,
            ).format(count=mismatches)
        ]
    return []
