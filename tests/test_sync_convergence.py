"""Property: replicas that edit independently and sync in any order end up the same,
and no concurrent value is lost (it is displayed or listed as a conflict).

Three vaults enrolled in one shared folder. Hypothesis draws a program of steps:
edits of the same few fields on the same records (so concurrent edits of one
field are common), deletes and restores, new notes, clocks skewed by up to a day
either way, and syncs in which a replica sees only a random subset of the
shared files (as a folder synchronized with delays delivers them), plus replayed
old files dropped under new names and whole histories delivered again. In the
end every replica syncs until nothing moves, and then:

- every replica shows the same records, the same derived data and the same
  conflicts (``replica_state``);
- per field, the values displayed or listed among a conflict's versions are
  exactly those of the writes no other write knew of, computed by the test from
  which commits each replica held when it wrote (not from the op-log's own
  bookkeeping): no concurrent value lost, no superseded value brought back.
"""

from __future__ import annotations

import random
import shutil
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hrdesk.core.hlc import HybridClock
from hrdesk.core.ids import new_id
from hrdesk.services import sync
from hrdesk.store import conflict_queries, sync_state
from hrdesk.sync.transport import FolderTransport
from tests.sync_support import join, new_vault, replica_state, set_up

REPLICAS = 3
FIELDS = [("case", "title"), ("case", "status"), ("person", "name"), ("case", "deleted")]
DAY_MS = 86_400_000


class PartialView(FolderTransport):
    """The shared folder as one replica sees it now: only some of the files."""

    def __init__(self, root: Path, visible: random.Random) -> None:
        super().__init__(root)
        self._rng = visible

    def list(self, prefix: str) -> list[str]:
        names = super().list(prefix)
        if prefix.startswith("admin"):
            return names
        return [name for name in names if self._rng.random() < 0.7]


edit = st.tuples(
    st.just("edit"),
    st.integers(0, REPLICAS - 1),
    st.integers(0, len(FIELDS) - 1),
    st.integers(0, 3),
)
step = st.one_of(
    edit,
    edit,
    edit,
    st.tuples(st.just("note"), st.integers(0, REPLICAS - 1), st.just(0), st.just(0)),
    st.tuples(st.just("sync"), st.integers(0, REPLICAS - 1), st.integers(0, 2**16), st.just(0)),
    st.tuples(
        st.just("skew"), st.integers(0, REPLICAS - 1), st.integers(-DAY_MS, DAY_MS), st.just(0)
    ),
    st.tuples(st.just("replay"), st.integers(0, REPLICAS - 1), st.just(0), st.just(0)),
    st.tuples(st.just("redeliver"), st.integers(0, REPLICAS - 1), st.just(0), st.just(0)),
)


def _skew(session, offset_ms: int) -> None:
    writer = session.writer
    writer._clock = HybridClock(writer._clock.last, lambda: time.time_ns() // 10**6 + offset_ms)


def _held(session) -> set[tuple[str, int]]:
    return {tuple(row) for row in session.conn.execute("SELECT device_id, seq FROM commits")}


def _replay(root: Path, rng: random.Random) -> None:
    """Copy an old file of some device under that device's next free number."""
    logs = [p for p in (root / "log").rglob("*.hrd")] if (root / "log").exists() else []
    if not logs:
        return
    old = rng.choice(sorted(logs))
    numbers = [int(p.stem) for p in old.parent.glob("*.hrd")]
    shutil.copy(old, old.parent / f"{max(numbers) + 1}.hrd")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(program=st.lists(step, min_size=12, max_size=40), seed=st.integers(0, 2**32))
def test_replicas_converge_and_lose_no_concurrent_value(tmp_path_factory, program, seed):
    tmp = tmp_path_factory.mktemp("converge")
    root = tmp / "shared"
    root.mkdir()
    replicas = [new_vault(tmp / f"r{i}", f"user{i}") for i in range(REPLICAS)]
    rng = random.Random(seed)
    try:
        set_up(replicas[0], f"folder://{root}")
        for index in range(1, REPLICAS):
            join(replicas[0], replicas[index], f"laptop {index}")
        case_id, person_id = new_id(), new_id()
        with replicas[0].writer.batch() as batch:
            batch.put("case", case_id, {"ref": "2026-TEST-0001", "title": "start"}, new=True)
            batch.put("person", person_id, {"name": "start"}, new=True)
            batch.put(
                "involvement",
                new_id(),
                {"case_id": case_id, "person_id": person_id, "role": "victim"},
                new=True,
            )
        for session in replicas:
            sync.run(session)
        for session in replicas:
            sync.run(session)
        writes: dict[tuple[str, str], list[tuple[tuple[str, int], str, set]]] = {}
        ids = {"case": case_id, "person": person_id}
        replayed = False
        for kind, who, a, b in program:
            session = replicas[who]
            if kind == "edit":
                entity, name = FIELDS[a]
                value = (b % 2 == 0) if name == "deleted" else f"{name}-{who}-{b}"
                known = _held(session)
                with session.writer.batch() as batch:
                    written = batch.put(entity, ids[entity], {name: value})
                if written:
                    device = sync_state.identity(session.conn).device_id
                    commit = (device, session.writer.device.seq)
                    writes.setdefault((ids[entity], name), []).append((commit, value, known))
            elif kind == "note":
                with session.writer.batch() as batch:
                    batch.put("note", new_id(), {"case_id": case_id, "text": f"n{who}"}, new=True)
            elif kind == "sync":
                view = PartialView(root, random.Random(a))
                _run_with(session, view)
            elif kind == "skew":
                _skew(session, a)
            elif kind == "replay" and not replayed:
                _replay(root, rng)
                replayed = True
            elif kind == "redeliver":
                # The replica forgets how far it read: every file comes again (duplicates).
                session.conn.execute("DELETE FROM sync_pulled")
        for _round in range(3):
            for session in replicas:
                _run_with(session, FolderTransport(root))
        states = [replica_state(session) for session in replicas]
        assert states[0] == states[1] == states[2]
        _assert_nothing_lost(replicas[0], writes)
    finally:
        for session in replicas:
            session.lock()


def _run_with(session, transport) -> None:
    from hrdesk.sync import devices, pull, push

    devices.refresh(session, transport)
    push.push(session, transport)
    pull.pull(session, transport)


def _assert_nothing_lost(session, writes) -> None:
    conflicts = {
        (c["entity_id"], c["field"]): c for c in conflict_queries.list_conflicts(session.conn)
    }
    for (entity_id, name), history in writes.items():
        # Survivors: writes whose commit no later write of the same field had seen.
        survivors = {
            value
            for commit, value, _known in history
            if not any(commit in known for _c, _v, known in history)
        }
        entity = "case" if name in ("title", "status", "deleted") else "person"
        table = "cases" if entity == "case" else "people"
        shown = session.conn.execute(
            f"SELECT {name} FROM {table} WHERE id = ?", (entity_id,)
        ).fetchone()[0]
        if name == "deleted":
            shown = bool(shown)
        listed = {shown}
        if (entity_id, name) in conflicts:
            listed |= {v["value"] for v in conflicts[(entity_id, name)]["versions"]}
        # Nothing concurrent lost, nothing superseded brought back.
        assert survivors == listed, (name, survivors, listed)
