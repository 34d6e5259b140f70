"""Hostile storage: every kind of bad file in the shared place is refused with a clear
message, nothing of it is applied, and good files around it still are."""

from __future__ import annotations

import shutil

import pytest
from nacl.signing import SigningKey

from hrdesk.services import cases, sync
from hrdesk.store import sync_state
from hrdesk.store.migrations import LATEST
from hrdesk.sync import envelope, payload, push
from tests.sync_support import new_vault


@pytest.fixture
def pair(sync_pair):
    a, b, shared = sync_pair
    sync.run(a)
    sync.run(b)
    sync.run(a)
    return a, b, shared


def op_count(session) -> int:
    return session.conn.execute("SELECT count(*) FROM ops").fetchone()[0]


def b_writes_a_file(b, title: str):
    """One new case on b, pushed as b's next file; returns the file's path."""
    cases.add_case(b, {"title": title})
    assert push.push(b, sync.transport_of(b)) == 1
    device = sync_state.identity(b.conn).device_id
    return device, sync_state.pushed(b.conn).file_seq


def path_of(shared, device, seq):
    return shared / "log" / device / f"{seq}.hrd"


def titles(session) -> set[str]:
    return {row[0] for row in session.conn.execute("SELECT title FROM cases")}


def refused(a, match: str) -> None:
    before = op_count(a)
    result = sync.run(a)
    assert any(match in problem for problem in result.problems), result.problems
    assert op_count(a) == before


def opened(session, path):
    """The header and operations of a sync file, read with ``session``'s keys."""
    return envelope.open_file(
        path.read_bytes(),
        sync_state.shared_vault_id(session.conn),
        lambda d: sync_state.verify_key_of(session.conn, d),
        lambda e: sync_state.sync_key(session.conn, e),
        LATEST,
    )


def resealed(session, header, body, signing_key=None) -> bytes:
    """A file sealed with the vault's key and signed by ``session``'s device (or another
    key): what only a device holding both could write."""
    key = signing_key or sync_state.identity(session.conn).signing_key
    return envelope.seal(header, body, sync_state.sync_key(session.conn, 1), key)


def test_a_truncated_file(pair):
    a, b, shared = pair
    path = path_of(shared, *b_writes_a_file(b, "Cut short"))
    path.write_bytes(path.read_bytes()[:-100])
    refused(a, "signature is not valid")
    assert "Cut short" not in titles(a)


def test_a_file_cut_inside_its_header(pair):
    a, b, shared = pair
    path = path_of(shared, *b_writes_a_file(b, "Cut short"))
    path.write_bytes(path.read_bytes()[:20])
    refused(a, "truncated")


def test_a_flipped_bit(pair):
    a, b, shared = pair
    path = path_of(shared, *b_writes_a_file(b, "Flipped"))
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    refused(a, "altered or forged")


def test_a_forged_signature(pair):
    """Storage (or anyone with the sync key) cannot sign as b without b's key."""
    a, b, shared = pair
    device, seq = b_writes_a_file(b, "Genuine")
    path = path_of(shared, device, seq)
    header, body = opened(a, path)
    path.write_bytes(resealed(a, header, body, SigningKey.generate()))
    refused(a, "altered or forged")


def test_a_replayed_old_file_under_a_new_name_and_then_the_real_next_file(pair):
    a, b, shared = pair
    device, first = b_writes_a_file(b, "First")
    sync.run(a)
    assert "First" in titles(a)
    # The storage copies b's old file under b's next name before b writes it.
    shutil.copy(path_of(shared, device, first), path_of(shared, device, first + 1))
    refused(a, "name does not match")
    # b's next push passes over the taken name; a applies the real file.
    _device, second = b_writes_a_file(b, "Second")
    assert second == first + 2
    result = sync.run(a)
    assert "Second" in titles(a)
    assert any("name does not match" in p for p in result.problems)  # still reported


def test_a_renamed_file(pair):
    a, b, shared = pair
    device, seq = b_writes_a_file(b, "Renamed")
    path_of(shared, device, seq).rename(path_of(shared, device, seq + 3))
    refused(a, "name does not match")
    assert "Renamed" not in titles(a)


def test_a_file_from_a_future_schema_version(pair):
    a, b, shared = pair
    device, seq = b_writes_a_file(b, "From the future")
    path = path_of(shared, device, seq)
    header, body = opened(b, path)
    future = envelope.Header(**{**header.__dict__, "schema": LATEST + 1})
    path.write_bytes(resealed(b, future, body))
    refused(a, "newer version of hrdesk")


def test_a_file_of_an_unknown_device(pair, tmp_path):
    a, _b, shared = pair
    stranger = new_vault(tmp_path / "s", "sam")
    me = sync_state.identity(stranger.conn)
    header = envelope.Header(
        envelope.FORMAT, sync_state.shared_vault_id(a.conn), 1, me.device_id, 1, "0" * 64, LATEST
    )
    (shared / "log" / me.device_id).mkdir(parents=True)
    data = envelope.seal(header, payload.encode([]), sync_state.sync_key(a.conn, 1), me.signing_key)
    path_of(shared, me.device_id, 1).write_bytes(data)
    refused(a, "unknown or has been revoked")
    stranger.lock()


def test_a_file_with_an_unknown_kind_of_record(pair):
    """Even a correctly signed file must hold operations the write path would store."""
    a, b, shared = pair
    device, seq = b_writes_a_file(b, "Odd")
    path = path_of(shared, device, seq)
    header, body = opened(b, path)
    path.write_bytes(resealed(b, header, body.decode().replace('"case"', '"weapon"', 1).encode()))
    refused(a, "damaged")


def test_a_forged_device_list_is_refused(pair):
    """A device list signed by a non-admin device (b) does not add anyone."""
    a, b, shared = pair
    version = sync_state.config(a.conn).list_version
    me = sync_state.identity(b.conn)
    header = envelope.Header(
        envelope.FORMAT,
        sync_state.shared_vault_id(b.conn),
        1,
        me.device_id,
        version + 1,
        sync_state.config(b.conn).list_digest,
        LATEST,
    )
    entries = [
        {
            "device": "intruder",
            "label": "x",
            "verify": "00" * 32,
            "box": "00" * 32,
            "admin": True,
            "added_at": "2026-01-01",
            "revoked_at": None,
        }
    ]
    doc = ('{"devices":' + __import__("json").dumps(entries) + "}").encode()
    data = envelope.seal(header, doc, sync_state.sync_key(b.conn, 1), me.signing_key)
    (shared / "admin" / "devices" / f"{version + 1}.hrd").write_bytes(data)
    result = sync.run(a)
    assert any("unknown or has been revoked" in p for p in result.problems)
    assert sync_state.config(a.conn).list_version == version
    assert "intruder" not in {d["device_id"] for d in sync.list_devices(a)}
