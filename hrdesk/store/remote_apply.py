"""Applying other devices' commits, received by sync, through the write path.

A received batch is applied in one transaction together with the record of how
far that device's files were applied, so a crash leaves all of it or none.
Commits keep their own device, number, clock and hash (the op-log is the same
on every replica); each record they touch is rewritten from all of its
operations (merge.py), so the result does not depend on arrival order.

Records may arrive before a record they point to (a link to a person whose
device has not synced yet): foreign keys are not enforced while applying, and
such a link resolves once the other device's changes arrive.
"""

from __future__ import annotations

import time

from hrdesk.core.hlc import Timestamp, iso_time
from hrdesk.store import derived, merge
from hrdesk.store.connection import Connection, transaction
from hrdesk.store.oplog import Commit
from hrdesk.store.sync_state import START, Progress

OpRow = tuple[str, str, str, str, str]
MAX_CLOCK_LEAD_MS = 24 * 3600 * 1000


class CommitClash(Exception):
    """A received commit has the number of one already here but another hash."""


def pulled(conn: Connection, device_id: str) -> Progress:
    """How far another device's files were applied here."""
    row = conn.execute(
        "SELECT file_seq, file_digest, commit_seq, commit_hash FROM sync_pulled "
        "WHERE device_id = ?",
        (device_id,),
    ).fetchone()
    return Progress(*row) if row else START


def apply(
    conn: Connection,
    device_id: str,
    commits: list[tuple[Commit, str, list[OpRow]]],
    state: Progress,
) -> tuple[dict[str, set[str]], set[str], int, str | None]:
    """Insert the commits, rewrite what they touch, record ``state``; one transaction.

    Returns (entities touched by kind, cases touched, operations added, newest clock)."""
    conn.execute("PRAGMA foreign_keys = OFF")  # cannot change inside a transaction
    try:
        with transaction(conn):
            result = _apply(conn, device_id, commits, state)
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
    return result


def _apply(
    conn: Connection,
    device_id: str,
    commits: list[tuple[Commit, str, list[OpRow]]],
    state: Progress,
) -> tuple[dict[str, set[str]], set[str], int, str | None]:
    touched: dict[str, str] = {}  # entity id -> entity kind
    times: dict[str, str] = {}  # entity id -> newest commit time applied to it
    added = 0
    newest_hlc = None
    for commit, digest, ops in commits:
        if not _insert_commit(conn, commit, digest, ops):
            continue
        added += len(ops)
        newest_hlc = max(newest_hlc or commit.hlc, commit.hlc)
        when = iso_time(commit.hlc)
        for entity, entity_id, *_rest in ops:
            touched[entity_id] = entity
            times[entity_id] = max(times.get(entity_id, when), when)
    entities: dict[str, set[str]] = {}
    case_times: dict[str, str] = {}
    for entity_id, spec, row in merge.rematerialize(conn, sorted(touched)):
        entities.setdefault(spec.name, set()).add(entity_id)
        for case_id in derived.cases_of(conn, spec.name, entity_id, row):
            case_times[case_id] = max(case_times.get(case_id, ""), times[entity_id])
    for case_id in sorted(case_times):
        derived.refresh_case(conn, case_id, case_times[case_id])
    if newest_hlc is not None:
        newest_hlc = min(newest_hlc, clock_limit())
        conn.execute("UPDATE local_device SET hlc = max(hlc, ?)", (newest_hlc,))
    conn.execute(
        "INSERT INTO sync_pulled (device_id, file_seq, file_digest, commit_seq, commit_hash) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET "
        "file_seq = excluded.file_seq, file_digest = excluded.file_digest, "
        "commit_seq = excluded.commit_seq, commit_hash = excluded.commit_hash",
        (device_id, state.file_seq, state.file_digest, state.commit_seq, state.commit_hash),
    )
    return entities, set(case_times), added, newest_hlc


def clock_limit(now_ms: int | None = None) -> str:
    """How far another device's clock may move this one: a day past this computer's.
    A laptop whose date is years ahead would otherwise drag every device's clock (and
    every later change's date) into its future. Order between changes does not depend
    on it: what an edit replaces is in its ``seen`` list, not in its time."""
    now = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    return Timestamp(now + MAX_CLOCK_LEAD_MS, 0).encode()


def _insert_commit(conn: Connection, commit: Commit, digest: str, ops: list[OpRow]) -> bool:
    """False when this very commit is already here (a repeated delivery)."""
    row = conn.execute(
        "SELECT hash FROM commits WHERE device_id = ? AND seq = ?", (commit.device_id, commit.seq)
    ).fetchone()
    if row is not None:
        if row[0] != digest:
            raise CommitClash(commit.device_id)
        return False
    commit_row = conn.execute(
        "INSERT INTO commits (device_id, seq, hlc, user_id, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (commit.device_id, commit.seq, commit.hlc, commit.user_id, commit.prev_hash, digest),
    ).lastrowid
    conn.executemany(
        "INSERT INTO ops (commit_id, idx, entity, entity_id, field, value, seen) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(commit_row, idx, *op) for idx, op in enumerate(ops)],
    )
    return True
