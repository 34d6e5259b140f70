"""An interrupted sync resumes where it stopped and never leaves half a file applied."""

from __future__ import annotations

import pytest

from hrdesk.core.errors import HrdeskError
from hrdesk.services import cases, sync
from hrdesk.store import derived, sync_state
from hrdesk.sync import push
from hrdesk.sync.transport import FolderTransport, TransportError
from tests.sync_support import replica_state


@pytest.fixture
def pair(sync_pair):
    return sync_pair


def three_files(a) -> None:
    transport = sync.transport_of(a)
    for index in range(3):
        cases.add_case(
            a, {"title": f"Case {index}", "people": [{"name": f"P{index}", "role": "victim"}]}
        )
        assert push.push(a, transport) == 1


def counts(session):
    conn = session.conn
    return (
        conn.execute("SELECT count(*) FROM ops").fetchone()[0],
        conn.execute("SELECT count(*) FROM cases").fetchone()[0],
        sync_state.pulled_devices(conn),
    )


def test_a_connection_lost_mid_pull_keeps_whole_files_and_resumes(pair, monkeypatch):
    a, b, _shared = pair
    three_files(a)
    gets = []
    real_get = FolderTransport.get

    def flaky(self, name):
        if name.startswith("log/"):
            gets.append(name)
            if len(gets) == 2:
                raise TransportError("the connection dropped")
        return real_get(self, name)

    monkeypatch.setattr(FolderTransport, "get", flaky)
    with pytest.raises(HrdeskError, match="connection dropped"):
        sync.run(b)
    titles = {row[0] for row in b.conn.execute("SELECT title FROM cases")}
    assert titles == {"Case 0"}  # the first file whole, nothing of the second
    monkeypatch.setattr(FolderTransport, "get", real_get)
    assert sync.run(b).received_files == 2
    sync.run(a)
    assert replica_state(a) == replica_state(b)


def test_a_failure_while_applying_a_file_leaves_nothing_of_it(pair, monkeypatch):
    a, b, _shared = pair
    three_files(a)
    sync.run(b)  # b is up to date
    cases.add_case(
        a,
        {
            "title": "Big one",
            "people": [{"name": "Q", "role": "victim"}, {"name": "R", "role": "witness"}],
        },
    )
    sync.run(a)
    before = counts(b)
    real = derived.refresh_case

    def crash(conn, case_id, now):
        raise OSError("disk failure in the middle of a file")

    monkeypatch.setattr(derived, "refresh_case", crash)
    with pytest.raises(OSError):
        sync.run(b)
    assert counts(b) == before  # not one operation of the file, position unchanged
    monkeypatch.setattr(derived, "refresh_case", real)
    assert sync.run(b).received_files == 1
    assert "Big one" in {row[0] for row in b.conn.execute("SELECT title FROM cases")}
    sync.run(a)
    assert replica_state(a) == replica_state(b)


def test_a_cancel_between_files_is_safe_and_not_recorded_as_a_problem(pair):
    from hrdesk.core.errors import Cancelled

    a, b, _shared = pair
    three_files(a)
    calls = []

    def progress(done, total):
        calls.append((done, total))
        if done == 1 and total == 3:
            raise Cancelled("Cancelled.")

    with pytest.raises(Cancelled):
        sync.run(b, progress)
    assert {row[0] for row in b.conn.execute("SELECT title FROM cases")} == {"Case 0"}
    assert sync.status(b)["last_error"] is None
    assert calls[:3] == [(0, 1), (0, 1), (0, 1)]  # between refresh, push, upload and pull
    sync.run(b)
    assert len(b.conn.execute("SELECT id FROM cases").fetchall()) == 3


def test_closing_the_sync_sessions_connection_does_not_checkpoint(session, monkeypatch):
    """A TRUNCATE checkpoint waits for the main connection's readers and holds its
    writers meanwhile: measured 5 s (the busy timeout) behind one open read. Only the
    main session checkpoints when it closes."""
    from hrdesk.store import vault

    calls = []
    monkeypatch.setattr(vault, "checkpoint", lambda conn, truncate=False: calls.append(truncate))
    sibling = session.sibling()
    cases.add_case(sibling, {"title": "written on the sibling"})
    sibling.lock()
    assert calls == []
    assert "written on the sibling" in {c["title"] for c in cases.search(session, "sibling")}
    session.lock()
    assert calls == [True]


def test_a_change_made_after_a_sync_on_another_connection_comes_after_what_it_received(pair):
    import time

    from hrdesk.core.hlc import HybridClock, Timestamp

    a, b, _shared = pair
    ref = cases.add_case(a, {"title": "Start"})["ref"]
    sync.run(a)
    sync.run(b)
    ahead = time.time_ns() // 1_000_000 + 3_600_000  # an hour ahead: within the limit
    b.writer._clock = HybridClock(b.writer._clock.last, lambda: ahead)
    cases.update_case(b, ref, {"summary": "from b"})
    sync.run(b)
    background = a.sibling()  # as the app syncs: another connection to a's vault
    sync.run(background)
    background.lock()
    cases.update_case(a, ref, {"title": "after the sync"})
    times = {
        entry["field"]: Timestamp.decode(entry["hlc"]).wall_ms for entry in cases.history(a, ref)
    }
    assert times["title"] >= times["summary"] >= ahead
