"""The op-log: commits of field-level operations, hash-chained per device.

A *commit* is what one write transaction appended: its device, its number on
that device (``seq``), a hybrid-logical-clock time, the author, and the hash
of the previous commit of the same device. Its operations carry only what
differs between them (entity, id, field, new value, the operations it
supersedes). An operation's identity is ``<device>:<seq>:<index>``, so no
random identifier is stored per operation, and the table grows append-only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hrdesk.store.connection import Connection

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def op_id(device_id: str, seq: int, idx: int) -> str:
    return f"{device_id}:{seq}:{idx}"


@dataclass(frozen=True)
class Commit:
    device_id: str
    seq: int
    hlc: str
    user_id: str
    prev_hash: str

    def digest(self, ops: list[tuple[str, str, str, str, str]]) -> str:
        """SHA-256 of canonical JSON [device, seq, hlc, user, prev_hash, [op, ...]], each
        op being [entity, id, field, value, seen]."""
        hasher = self.hasher()
        for op in ops:
            hasher.add(op)
        return hasher.hexdigest()

    def hasher(self) -> CommitHasher:
        return CommitHasher(self)


class CommitHasher:
    """``Commit.digest`` fed one op at a time: a commit of a million operations (a big
    import) is hashed without holding them. The bytes hashed are exactly the
    canonical JSON of the whole list, which is its parts joined by commas."""

    def __init__(self, commit: Commit) -> None:
        header = [commit.device_id, commit.seq, commit.hlc, commit.user_id, commit.prev_hash]
        self._sha = hashlib.sha256((canonical(header)[:-1] + ",[").encode("utf-8"))
        self._first = True

    def add(self, op: tuple[str, str, str, str, str]) -> None:
        text = canonical(list(op))
        self._sha.update((text if self._first else "," + text).encode("utf-8"))
        self._first = False

    def hexdigest(self) -> str:
        final = self._sha.copy()
        final.update(b"]]")
        return final.hexdigest()


@dataclass(frozen=True)
class Op:
    op_id: str
    device_id: str
    seq: int
    idx: int
    hlc: str
    user_id: str
    entity: str
    entity_id: str
    field: str
    value: str  # canonical JSON
    seen: str  # canonical JSON list of the op ids this one supersedes


_OP_SELECT = (
    "SELECT c.device_id, c.seq, o.idx, c.hlc, c.user_id, o.entity, o.entity_id, o.field, "
    "o.value, o.seen FROM ops o JOIN commits c ON c.id = o.commit_id"
)


def _op(row: tuple[Any, ...]) -> Op:
    device_id, seq, idx = row[0], row[1], row[2]
    return Op(op_id(device_id, seq, idx), *row)


def field_ops(conn: Connection, entity_id: str, field: str) -> list[Op]:
    rows = conn.execute(f"{_OP_SELECT} WHERE o.entity_id = ? AND o.field = ?", (entity_id, field))
    return [_op(row) for row in rows]


def entity_ops(conn: Connection, entity_id: str) -> list[Op]:
    """Every operation on one record (through the ops_field index)."""
    return [_op(row) for row in conn.execute(f"{_OP_SELECT} WHERE o.entity_id = ?", (entity_id,))]


def ops_of_many(conn: Connection, entity_ids: list[str], chunk: int = 500) -> Iterator[list[Op]]:
    """Every operation on each of these records, record by record (fewer queries than
    ``entity_ops`` in a loop: one per ``chunk`` records)."""
    for start in range(0, len(entity_ids), chunk):
        part = entity_ids[start : start + chunk]
        grouped: dict[str, list[Op]] = {entity_id: [] for entity_id in part}
        marks = ", ".join("?" * len(part))
        for row in conn.execute(f"{_OP_SELECT} WHERE o.entity_id IN ({marks})", tuple(part)):
            op = _op(row)
            grouped[op.entity_id].append(op)
        yield from grouped.values()


def ops_of(conn: Connection, entity_ids: set[str]) -> list[Op]:
    """Every operation on these records, in causal order (HLC, then device)."""
    placeholders = ", ".join("?" * len(entity_ids))
    rows = conn.execute(
        f"{_OP_SELECT} WHERE o.entity_id IN ({placeholders}) ORDER BY c.hlc, c.device_id, o.idx",
        tuple(entity_ids),
    )
    return [_op(row) for row in rows]


def all_ops(conn: Connection) -> Iterator[Op]:
    for row in conn.execute(f"{_OP_SELECT} ORDER BY o.commit_id, o.idx"):
        yield _op(row)


def ops_by_field(conn: Connection) -> Iterator[Op]:
    """Every operation, grouped by (record, field) through the ops_field index."""
    for row in conn.execute(f"{_OP_SELECT} ORDER BY o.entity_id, o.field"):
        yield _op(row)


def heads(ops: list[Op]) -> list[Op]:
    """The operations on one field that no other operation lists as seen."""
    if len(ops) == 1:
        return ops
    superseded = {seen for op in ops if op.seen != "[]" for seen in json.loads(op.seen)}
    return [op for op in ops if op.op_id not in superseded]


def newest(ops: list[Op]) -> Op:
    return max(ops, key=lambda op: (op.hlc, op.device_id, op.idx))


def commit_digests(conn: Connection) -> Iterator[tuple[Commit, str, str, int]]:
    """(commit, stored hash, hash recomputed from its ops, op count) in insertion order:
    a merge of two ordered scans that holds one op at a time."""
    op_rows = conn.execute(
        "SELECT commit_id, entity, entity_id, field, value, seen FROM ops ORDER BY commit_id, idx"
    )
    pending = next(op_rows, None)
    for row in conn.execute(
        "SELECT id, device_id, seq, hlc, user_id, prev_hash, hash FROM commits ORDER BY id"
    ):
        commit_id, commit = row[0], Commit(*row[1:6])
        hasher, count = commit.hasher(), 0
        while pending is not None and pending[0] == commit_id:
            hasher.add(tuple(pending[1:]))
            count += 1
            pending = next(op_rows, None)
        yield commit, row[6], hasher.hexdigest(), count


def commits_of_device(
    conn: Connection, device_id: str, after_seq: int, limit: int = 1000, max_ops: int = 0
) -> list[tuple[Commit, str, list[tuple[str, str, str, str, str]]]]:
    """A device's commits after ``after_seq`` (at most ``limit``, and once ``max_ops``
    operations are reached no more, but always one), each with its stored hash and its
    operations [entity, id, field, value, seen]: what sync sends."""
    commits = conn.execute(
        "SELECT id, device_id, seq, hlc, user_id, prev_hash, hash FROM commits "
        "WHERE device_id = ? AND seq > ? ORDER BY seq LIMIT ?",
        (device_id, after_seq, limit),
    ).fetchall()
    out = []
    total = 0
    for row in commits:
        if out and max_ops and total >= max_ops:
            break
        ops = conn.execute(
            "SELECT entity, entity_id, field, value, seen FROM ops "
            "WHERE commit_id = ? ORDER BY idx",
            (row[0],),
        ).fetchall()
        total += len(ops)
        out.append((Commit(*row[1:6]), row[6], [tuple(op) for op in ops]))
    return out
