"""Conflicts left by sync: listing them, and settling one with the value a user chose.

Settling writes an ordinary operation that has seen every competing value, so it
travels to the other devices like any edit and settles the conflict there too.
A delete that crossed an edit is settled by keeping the record deleted or by
restoring it (with the edits).
"""

from __future__ import annotations

from typing import Any

from hrdesk.core.errors import NotFound
from hrdesk.i18n import _
from hrdesk.store import conflict_queries, merge, queries
from hrdesk.store.vault import Session
from hrdesk.store.writer import Changes


def list_conflicts(session: Session, ref: str | None = None) -> list[dict[str, Any]]:
    case_id = None
    if ref is not None:
        case_id = queries.case_id_by_ref(session.conn, ref)
        if case_id is None:
            raise NotFound(_("No case with reference {ref}.").format(ref=ref))
    return conflict_queries.list_conflicts(session.conn, case_id)


def conflicted_cases(session: Session) -> set[str]:
    return conflict_queries.case_ids(session.conn)


def resolve(
    session: Session, entity_id: str, field: str, keep: str | None = None, value: Any = None
) -> Changes:
    """Settle the conflict on ``field`` of a record with the version ``keep`` (an op id
    from ``list_conflicts``) or with ``value``. For ``deleted``: True keeps the record
    deleted, False restores it."""
    found = next(
        (
            c
            for c in conflict_queries.list_conflicts(session.conn)
            if c["entity_id"] == entity_id and c["field"] == field
        ),
        None,
    )
    if found is None:
        raise NotFound(_("There is no such conflict (it may be settled already)."))
    if keep is not None:
        version = next((v for v in found["versions"] if v["op_id"] == keep), None)
        if version is None:
            raise NotFound(_("That version is not one of the conflict's versions."))
        value = version["value"]
    if field == merge.DELETED:
        value = bool(value)
    with session.writer.batch() as batch:
        batch.put(found["entity"], entity_id, {field: value}, resolve=True)
    return batch.changes
