"""The single write path.

Every change, from the GUI, the CLI, an import or (later) sync, goes through
``Writer.batch()``. In one transaction a batch:

1. appends one commit to the op-log (oplog.py) holding one field-level
   operation per changed field, each listing the operations it supersedes (the
   field's current heads); the commit is hash-linked to this device's previous;
2. updates the materialized tables the app reads from;
3. refreshes the derived filter terms and the full-text index of every case it
   touched.

A crash at any point leaves either all of a batch or none of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from hrdesk.core.hlc import HybridClock, Timestamp, iso_time
from hrdesk.core.ids import case_reference
from hrdesk.store import derived, merge, remote_apply
from hrdesk.store.connection import Connection, begin_write, checkpoint
from hrdesk.store.entities import ENTITIES
from hrdesk.store.oplog import (
    Commit,
    CommitHasher,
    canonical,
    entity_ops,
    field_ops,
    heads,
    newest,
)
from hrdesk.store.sync_state import Progress

# About 30-60 MB of WAL: bounds its growth during bulk work such as demo data or imports.
CHECKPOINT_OPS = 50_000


@dataclass
class DeviceState:
    device_id: str
    device_tag: str
    seq: int
    hlc: str
    chain_head: str
    next_case_number: int

    @classmethod
    def load(cls, conn: Connection) -> DeviceState:
        row = conn.execute(
            "SELECT device_id, device_tag, seq, hlc, chain_head, next_case_number FROM local_device"
        ).fetchone()
        return cls(*row)

    def save(self, conn: Connection) -> None:
        # max(): another session on the vault (sync) may have moved the clock past ours.
        conn.execute(
            "UPDATE local_device SET seq = ?, hlc = max(hlc, ?), chain_head = ?, "
            "next_case_number = ?",
            (self.seq, self.hlc, self.chain_head, self.next_case_number),
        )


@dataclass
class Changes:
    """What a batch changed, so that each screen can decide whether to refresh."""

    entities: dict[str, set[str]] = field(default_factory=dict)
    case_ids: set[str] = field(default_factory=set)
    op_count: int = 0


class Batch:
    """One write transaction: becomes one commit of the op-log (if anything changed)."""

    def __init__(
        self, conn: Connection, state: DeviceState, clock: HybridClock, user_id: str
    ) -> None:
        self._conn = conn
        self._state = state
        self._clock = clock
        self._user_id = user_id
        self.changes = Changes()
        self._cases_to_refresh: set[str] = set()
        self._commit: Commit | None = None
        self._commit_row = 0
        self._hasher: CommitHasher | None = None
        self._op_count = 0

    @property
    def user_id(self) -> str:
        return self._user_id

    def next_case_ref(self, opened_on: dt.date) -> str:
        number = self._state.next_case_number
        self._state.next_case_number += 1
        return case_reference(opened_on.year, self._state.device_tag, number)

    def put(
        self,
        entity: str,
        entity_id: str,
        values: dict[str, Any],
        new: bool = False,
        resolve: bool = False,
    ) -> int:
        """Set fields of one record; returns how many operations were written.

        ``new=True`` promises the record does not exist yet: no lookups, and absent
        (None or empty) values are not logged, since absent is a new record's state.
        Fields whose value does not change write nothing. A field in conflict (several
        heads, after a sync) is not settled by writing back the value it displays, as
        a form saved for another field would: only a different value, or
        ``resolve=True`` (the user chose), writes an operation that supersedes them all.
        """
        spec = ENTITIES[entity]
        columns: dict[str, Any] = {}
        rows = []
        for name, value in values.items():
            if name not in spec.fields:
                raise KeyError(f"{entity}.{name} is not a stored field")
            if new and (value is None or value == []):
                continue
            encoded = canonical(value)
            seen: list[str] = []
            if not new:
                current = heads(field_ops(self._conn, entity_id, name))
                if current and not resolve and newest(current).value == encoded:
                    continue
                seen = [op.op_id for op in current]
                if name == merge.DELETED:
                    seen += self._other_heads(entity_id)
                seen.sort()
                if len(current) > 1 or name == merge.DELETED:
                    merge.clear_conflict(self._conn, entity_id, name)
            rows.append(self._append(entity, entity_id, name, encoded, canonical(seen)))
            columns[name] = spec.column_value(name, value)
        if not columns:
            return 0
        self._conn.executemany(
            "INSERT INTO ops (commit_id, idx, entity, entity_id, field, value, seen) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        if new:
            commit = self._commit
            assert commit is not None
            derived_values = {"user": commit.user_id, "time": iso_time(commit.hlc)}
            columns |= {column: derived_values[source] for column, source in spec.created}
        self._materialize(spec.table, entity_id, columns)
        self.changes.entities.setdefault(entity, set()).add(entity_id)
        self._cases_to_refresh.update(derived.cases_of(self._conn, entity, entity_id, columns))
        return len(rows)

    def _other_heads(self, entity_id: str) -> list[str]:
        """A delete or restore supersedes the whole record as this device knows it, so
        that an edit it did not know of can be told apart (merge.py)."""
        current = merge.field_heads(entity_ops(self._conn, entity_id))
        return [op.op_id for name, ops in current.items() if name != merge.DELETED for op in ops]

    def touch_case(self, case_id: str) -> None:
        """Ask for a case's derived data to be refreshed (e.g. a person's name changed)."""
        self._cases_to_refresh.add(case_id)

    def _append(
        self, entity: str, entity_id: str, name: str, value: str, seen: str
    ) -> tuple[Any, ...]:
        if self._commit is None:
            state = self._state
            self._commit = Commit(
                state.device_id,
                state.seq + 1,
                self._clock.tick().encode(),
                self._user_id,
                state.chain_head,
            )
            self._hasher = self._commit.hasher()
            # The hash is known only when the batch ends; the row reserves the id.
            self._commit_row = self._conn.execute(
                "INSERT INTO commits (device_id, seq, hlc, user_id, prev_hash, hash) "
                "VALUES (?, ?, ?, ?, ?, '')",
                (
                    state.device_id,
                    self._commit.seq,
                    self._commit.hlc,
                    self._user_id,
                    state.chain_head,
                ),
            ).lastrowid
        op = (entity, entity_id, name, value, seen)
        self._hasher.add(op)  # type: ignore[union-attr]
        self._op_count += 1
        self.changes.op_count += 1
        return (self._commit_row, self._op_count - 1, *op)

    def _materialize(self, table: str, entity_id: str, columns: dict[str, Any]) -> None:
        names = list(columns)
        self._conn.execute(
            f"INSERT INTO {table} (id, {', '.join(names)}) "
            f"VALUES (?, {', '.join('?' * len(names))}) "
            f"ON CONFLICT (id) DO UPDATE SET "
            + ", ".join(f"{name} = excluded.{name}" for name in names),
            (entity_id, *columns.values()),
        )

    def finish(self) -> None:
        commit = self._commit
        if commit is None:
            return  # nothing changed: no commit, counters untouched except references
        digest = self._hasher.hexdigest()  # type: ignore[union-attr]
        self._conn.execute("UPDATE commits SET hash = ? WHERE id = ?", (digest, self._commit_row))
        now = iso_time(commit.hlc)
        for case_id in sorted(self._cases_to_refresh):
            derived.refresh_case(self._conn, case_id, now)
        self.changes.case_ids |= self._cases_to_refresh
        self._state.seq = commit.seq
        self._state.hlc = commit.hlc
        self._state.chain_head = digest


class Writer:
    """Writes of one session. It keeps no copy of the device's counters (sequence
    number, chain head, next case number) between batches: each batch reads them
    inside its own write transaction, so any number of programs on the vault (the
    desktop app, the command line, sync) can write in turn."""

    def __init__(self, conn: Connection, user_id: str) -> None:
        self._conn = conn
        self._user_id = user_id
        self._clock = HybridClock(Timestamp.decode(DeviceState.load(conn).hlc))
        self._ops_since_checkpoint = 0

    @property
    def device(self) -> DeviceState:
        """This device's counters as stored now (another program may have moved them)."""
        return DeviceState.load(self._conn)

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        begin_write(self._conn)
        try:
            state = DeviceState.load(self._conn)
            # Another program (sync, the command line) may have written since our last
            # batch and moved the stored clock: this device's next change comes after.
            self._clock.observe(Timestamp.decode(state.hlc))
            batch = Batch(self._conn, state, self._clock, self._user_id)
            yield batch
            batch.finish()
            state.save(self._conn)
            self._conn.execute("COMMIT")
            self._ops_since_checkpoint += batch.changes.op_count
        except BaseException:
            # The clock only moves forward, so it is not wound back.
            self._conn.execute("ROLLBACK")
            raise
        if self._ops_since_checkpoint >= CHECKPOINT_OPS:
            # A safety valve for long bulk work; interactive use checkpoints when idle.
            self.checkpoint()

    def apply_remote(
        self,
        device_id: str,
        commits: list[tuple[Commit, str, list[tuple[str, str, str, str, str]]]],
        state: Progress,
    ) -> Changes:
        """Apply another device's commits received by sync (remote_apply.py), in one
        transaction with ``state``, the record of how far its files were applied."""
        entities, case_ids, added, newest_hlc = remote_apply.apply(
            self._conn, device_id, commits, state
        )
        if newest_hlc is not None:
            self._clock.observe(Timestamp.decode(newest_hlc))
        self._ops_since_checkpoint += added
        if self._ops_since_checkpoint >= CHECKPOINT_OPS:
            self.checkpoint()
        return Changes(entities, case_ids, added)

    def checkpoint(self) -> None:
        checkpoint(self._conn)
        self._ops_since_checkpoint = 0
