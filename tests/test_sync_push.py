"""Pushing a device's changes into numbered, chained files in a shared folder."""

from __future__ import annotations

import pytest

from hrdesk.core.errors import HrdeskError
from hrdesk.services import cases
from hrdesk.store import oplog, sync_state, vault
from hrdesk.sync import envelope, payload, push
from hrdesk.sync.transport import FolderTransport

CANARY = "Canary-Push-Ibis-40"


def open_own(session, data, seq):
    me = sync_state.identity(session.conn)
    return envelope.open_file(
        data,
        vault.vault_meta(session)["vault_id"],
        lambda device: me.signing_key.verify_key,
        lambda epoch: sync_state.sync_key(session.conn, epoch),
        99,
        (me.device_id, seq),
    )


def test_push_needs_sync_set_up(session, tmp_path):
    with pytest.raises(HrdeskError, match="not set up"):
        push.push(session, FolderTransport(tmp_path))


def test_push_writes_chained_files_and_only_what_is_new(session, tmp_path):
    remote = FolderTransport(tmp_path / "remote")
    (tmp_path / "remote").mkdir()
    sync_state.new_epoch(session.conn)
    cases.add_case(session, {"title": CANARY})
    me = sync_state.identity(session.conn).device_id
    assert push.push(session, remote) == 1
    assert push.push(session, remote) == 0  # nothing new: no file
    cases.add_case(session, {"title": "Second"})
    assert push.push(session, remote) == 1
    names = remote.list("log")
    assert names == [f"log/{me}/1.hrd", f"log/{me}/2.hrd"]
    first, second = (remote.get(name) for name in names)
    for path in (tmp_path / "remote").rglob("*"):
        if path.is_file():
            assert CANARY.encode() not in path.read_bytes()
    header1, body1 = open_own(session, first, 1)
    header2, body2 = open_own(session, second, 2)
    assert header1.prev == envelope.GENESIS and header2.prev == envelope.file_digest(first)
    commits1 = payload.decode(body1, me, oplog.GENESIS, 1)
    commits2 = payload.decode(body2, me, commits1[-1].hash, commits1[-1].commit.seq + 1)
    every = [c.commit.seq for c in commits1 + commits2]
    assert every == list(range(1, len(every) + 1))


def test_a_push_cut_off_before_recording_continues_from_what_the_storage_has(session, tmp_path):
    remote = FolderTransport(tmp_path / "remote")
    (tmp_path / "remote").mkdir()
    sync_state.new_epoch(session.conn)
    cases.add_case(session, {"title": "Before the cut"})
    saved = sync_state.pushed(session.conn)
    assert push.push(session, remote) == 1
    sync_state.set_pushed(session.conn, saved)  # as if the record never made it to disk
    cases.add_case(session, {"title": "After the cut"})
    assert push.push(session, remote) == 1  # file 1 recognised, file 2 written
    me = sync_state.identity(session.conn).device_id
    assert remote.list("log") == [f"log/{me}/1.hrd", f"log/{me}/2.hrd"]
    _header, body = open_own(session, remote.get(f"log/{me}/2.hrd"), 2)
    first = payload.decode(
        open_own(session, remote.get(f"log/{me}/1.hrd"), 1)[1], me, oplog.GENESIS, 1
    )
    second = payload.decode(body, me, first[-1].hash, first[-1].commit.seq + 1)
    assert second  # continues the chain exactly after what file 1 holds
