"""The single write path.

Every change, from the GUI, the CLI, an import or (later) sync, goes through
``Writer.batch()``. In one transaction a batch:

1. appends one field-level operation per changed field to ``oplog``, each
   listing the operations it supersedes (the field's current heads), hash-linked
   to the previous operation of this device;
2. updates the materialized tables the app reads from;
3. refreshes the derived filter terms and the full-text index of every case it
   touched.

A crash at any point leaves either all of a batch or none of it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from hrdesk.core.hlc import HybridClock, Timestamp
from hrdesk.core.ids import case_reference, new_id
from hrdesk.store import derived
from hrdesk.store.entities import ENTITIES
from hrdesk.store.oplog import COLUMNS, Op, canonical


@dataclass
class DeviceState:
    device_id: str
    device_tag: str
    seq: int
    hlc: str
    chain_head: str
    next_case_number: int

    @classmethod
    def load(cls, conn) -> DeviceState:
        row = conn.execute(
            "SELECT device_id, device_tag, seq, hlc, chain_head, next_case_number FROM local_device"
        ).fetchone()
        return cls(*row)

    def save(self, conn) -> None:
        conn.execute(
            "UPDATE local_device SET seq = ?, hlc = ?, chain_head = ?, next_case_number = ?",
            (self.seq, self.hlc, self.chain_head, self.next_case_number),
        )


@dataclass
class Changes:
    """What a batch changed, so that each screen can decide whether to refresh."""

    entities: dict[str, set[str]] = field(default_factory=dict)
    case_ids: set[str] = field(default_factory=set)
    op_count: int = 0


class Batch:
    def __init__(self, conn, state: DeviceState, clock: HybridClock, user_id: str) -> None:
        self._conn = conn
        self._state = state
        self._clock = clock
        self._user_id = user_id
        self.changes = Changes()
        self._cases_to_refresh: set[str] = set()

    @property
    def user_id(self) -> str:
        return self._user_id

    def next_case_ref(self, opened_on: dt.date) -> str:
        number = self._state.next_case_number
        self._state.next_case_number += 1
        return case_reference(opened_on.year, self._state.device_tag, number)

    def put(self, entity: str, entity_id: str, values: dict[str, Any], new: bool = False) -> int:
        """Set fields of one record; returns how many operations were written.

        ``new=True`` promises the record does not exist yet (saves a lookup per field).
        Fields whose value does not change write nothing.
        """
        spec = ENTITIES[entity]
        columns: dict[str, Any] = {}
        written = 0
        for name, value in values.items():
            if name not in spec.fields:
                raise KeyError(f"{entity}.{name} is not a stored field")
            if new and (value is None or value == []):
                continue  # absent is already the stored state of a new record
            encoded = canonical(value)
            heads: list[str] = []
            if not new:
                rows = self._conn.execute(
                    "SELECT h.op_id, o.value FROM heads h JOIN oplog o ON o.op_id = h.op_id "
                    "WHERE h.entity_id = ? AND h.field = ?",
                    (entity_id, name),
                ).fetchall()
                if len(rows) == 1 and rows[0][1] == encoded:
                    continue
                heads = sorted(row[0] for row in rows)
            self._append(entity, entity_id, name, encoded, heads)
            columns[name] = spec.column_value(name, value)
            written += 1
        if columns:
            self._materialize(spec.table, entity_id, columns)
            self.changes.entities.setdefault(entity, set()).add(entity_id)
            self._cases_to_refresh.update(derived.cases_of(self._conn, entity, entity_id, columns))
        return written

    def touch_case(self, case_id: str) -> None:
        """Ask for a case's derived data to be refreshed (e.g. a person's name changed)."""
        self._cases_to_refresh.add(case_id)

    def _append(self, entity: str, entity_id: str, name: str, value: str, heads: list[str]) -> None:
        state = self._state
        state.seq += 1
        op = Op(
            op_id=new_id(),
            device_id=state.device_id,
            seq=state.seq,
            hlc=self._clock.tick().encode(),
            user_id=self._user_id,
            entity=entity,
            entity_id=entity_id,
            field=name,
            value=value,
            seen=canonical(heads),
            prev_hash=state.chain_head,
        )
        row = op.row()
        self._conn.execute(f"INSERT INTO oplog ({COLUMNS}) VALUES ({', '.join('?' * 12)})", row)
        if heads:
            self._conn.executemany(
                "DELETE FROM heads WHERE entity_id = ? AND field = ? AND op_id = ?",
                [(entity_id, name, head) for head in heads],
            )
        self._conn.execute(
            "INSERT INTO heads (entity, entity_id, field, op_id) VALUES (?, ?, ?, ?)",
            (entity, entity_id, name, op.op_id),
        )
        state.chain_head = row[-1]
        state.hlc = op.hlc
        self.changes.op_count += 1

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
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        for case_id in sorted(self._cases_to_refresh):
            derived.refresh_case(self._conn, case_id, now)
        self.changes.case_ids |= self._cases_to_refresh
        self._state.save(self._conn)


class Writer:
    def __init__(self, conn, user_id: str) -> None:
        self._conn = conn
        self._user_id = user_id
        self._state = DeviceState.load(conn)
        self._clock = HybridClock(Timestamp.decode(self._state.hlc))

    @property
    def device(self) -> DeviceState:
        return self._state

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        saved = dataclasses.replace(self._state)
        saved_clock = self._clock.last
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            batch = Batch(self._conn, self._state, self._clock, self._user_id)
            yield batch
            batch.finish()
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            # The in-memory counters must match what is on disk again.
            self._state = saved
            self._clock = HybridClock(saved_clock)
            raise
