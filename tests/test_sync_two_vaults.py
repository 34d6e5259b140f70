"""Two (or three) real vaults on disk syncing through a shared folder: enrollment,
concurrent edits of one field, deletes crossing edits, settling, revocation."""

from __future__ import annotations

import pytest

from hrdesk.core.errors import HrdeskError, PermissionDenied, SyncFileRejected
from hrdesk.services import cases, conflicts, sync, users
from hrdesk.store import blobs, sync_state, vault
from tests.conftest import PASSPHRASE, cheap_params
from tests.sync_support import join, new_vault, replica_state, set_up

CANARY = "Canary-Sync-Heron-77"


@pytest.fixture
def pair(sync_pair):
    return sync_pair


def both_sync(a, b):
    for session in (a, b, a):
        sync.run(session)


def test_a_joined_vault_receives_the_cases_and_both_show_the_same(pair):
    a, b, _shared = pair
    case = cases.add_case(
        a,
        {
            "title": "Detention at the checkpoint",
            "people": [{"name": "Rania", "role": "victim"}],
            "notes": [{"text": "first contact"}],
        },
    )
    cases.add_case(b, {"title": "Eviction in the old town"})
    both_sync(a, b)
    seen_by_b = cases.show_case(b, case["ref"])
    assert seen_by_b["title"] == "Detention at the checkpoint"
    assert [p["name"] for p in seen_by_b["people"]] == ["Rania"]
    assert [c["title"] for c in cases.search(b, "Rania")] == ["Detention at the checkpoint"]
    assert len(cases.list_cases(a, sync_filters())) == 2
    assert replica_state(a) == replica_state(b)
    # Each side shows the other's user as the author in the history.
    authors = {entry["user"] for entry in cases.history(b, case["ref"])}
    assert authors == {"amina"}


def sync_filters():
    from hrdesk.store.queries import CaseFilter

    return CaseFilter()


def test_the_same_field_edited_on_both_sides_is_a_conflict_on_both_then_settled(pair):
    a, b, _shared = pair
    ref = cases.add_case(a, {"title": "Original"})["ref"]
    both_sync(a, b)
    cases.update_case(a, ref, {"title": "Amina's title", "notes": [{"text": "note from A"}]})
    cases.update_case(b, ref, {"title": "Bilal's title", "notes": [{"text": "note from B"}]})
    both_sync(a, b)
    listed_a, listed_b = conflicts.list_conflicts(a), conflicts.list_conflicts(b)
    assert listed_a == listed_b
    (conflict,) = listed_a
    assert conflict["field"] == "title" and conflict["case_ref"] == ref
    values = [v["value"] for v in conflict["versions"]]
    assert sorted(values) == ["Amina's title", "Bilal's title"]
    # The newest is displayed; both sides display the same one.
    assert cases.show_case(a, ref)["title"] == values[0] == cases.show_case(b, ref)["title"]
    # Notes are append-only: both kept, no conflict.
    assert sorted(n["text"] for n in cases.show_case(a, ref)["notes"]) == [
        "note from A",
        "note from B",
    ]
    # Saving the form with the displayed value (another field changed) settles nothing.
    cases.update_case(b, ref, {"title": values[0], "summary": "more"})
    assert len(conflicts.list_conflicts(b)) == 1
    # Bilal keeps Amina's version; after sync, Amina's vault agrees.
    keep = next(v for v in conflict["versions"] if v["value"] == "Amina's title")
    conflicts.resolve(b, conflict["entity_id"], "title", keep=keep["op_id"])
    assert conflicts.list_conflicts(b) == []
    both_sync(a, b)
    assert conflicts.list_conflicts(a) == []
    assert cases.show_case(a, ref)["title"] == "Amina's title" == cases.show_case(b, ref)["title"]
    assert replica_state(a) == replica_state(b)


def case_with_an_incident(a, b) -> tuple[str, str]:
    """A case with one incident, made on a and synced to b: (its ref, the incident id)."""
    incident = {"date": "2026-05-01", "description": "Raid", "violations": ["arbitrary-detention"]}
    ref = cases.add_case(a, {"title": "Case", "incidents": [incident]})["ref"]
    both_sync(a, b)
    return ref, cases.show_case(a, ref)["incidents"][0]["id"]


def test_a_delete_that_crossed_an_edit_is_a_conflict_and_can_be_restored(pair):
    a, b, _shared = pair
    ref, incident_id = case_with_an_incident(a, b)
    cases.update_case(a, ref, {"incidents": [{"id": incident_id, "deleted": True}]})
    cases.update_case(b, ref, {"incidents": [{"id": incident_id, "description": "Night raid"}]})
    both_sync(a, b)
    (conflict,) = conflicts.list_conflicts(a)
    assert conflict["field"] == "deleted" and conflict["entity"] == "incident"
    assert [(e["field"], e["value"]) for e in conflict["edits"]] == [("description", "Night raid")]
    assert conflicts.list_conflicts(b) == [conflict]
    assert cases.show_case(b, ref)["incidents"] == []  # deleted is what shows meanwhile
    conflicts.resolve(a, incident_id, "deleted", value=False)
    both_sync(a, b)
    for session in (a, b):
        assert conflicts.list_conflicts(session) == []
        (incident,) = cases.show_case(session, ref)["incidents"]
        assert incident["description"] == "Night raid"


def test_an_edit_before_the_delete_on_the_same_device_is_no_conflict(pair):
    a, b, _shared = pair
    ref, incident_id = case_with_an_incident(a, b)
    cases.update_case(b, ref, {"incidents": [{"id": incident_id, "description": "Night raid"}]})
    both_sync(a, b)
    cases.update_case(a, ref, {"incidents": [{"id": incident_id, "deleted": True}]})
    both_sync(a, b)
    assert conflicts.list_conflicts(a) == conflicts.list_conflicts(b) == []


def test_only_an_administrator_enrolls_and_a_request_is_checked(pair, tmp_path):
    a, b, _shared = pair
    users.add_user(a, "worker", "caseworker", PASSPHRASE + " w", cheap_params())
    worker = vault.unlock(tmp_path / "a", PASSPHRASE + " w")
    c = new_vault(tmp_path / "c", "chen")
    request, _code = sync.join_request(c, "third")
    with pytest.raises(PermissionDenied):
        sync.enroll(worker, request)
    worker.lock()
    with pytest.raises(SyncFileRejected, match="join request"):
        sync.enroll(a, request[:-1] + bytes([request[-1] ^ 1]))
    # An enrollment made for one device does not open on another.
    enrollment, _info = sync.enroll(a, request)
    other = new_vault(tmp_path / "d", "dana")
    with pytest.raises(SyncFileRejected, match="another device"):
        sync.join(other, enrollment)
    with pytest.raises(HrdeskError, match="only once"):
        sync.join(b, enrollment)
    # An enrollment file lost on the way is made again, without a second list entry.
    again, _info = sync.enroll(a, request)
    version = sync_state.config(a.conn).list_version
    assert sync.join(c, again)["devices"] == 3
    assert sync_state.config(a.conn).list_version == version
    # A non-admin device cannot change the device list.
    with pytest.raises(HrdeskError, match="administrator's device"):
        sync.enroll(b, sync.join_request(other, "x")[0])
    c.lock()
    other.lock()


def test_a_revoked_device_is_shut_out_and_the_key_rotated(pair, tmp_path):
    a, b, _shared = pair
    c = new_vault(tmp_path / "c", "chen")
    join(a, c, "stolen laptop")
    ref = cases.add_case(a, {"title": "Before"})["ref"]
    for session in (a, b, c):
        sync.run(session)
    c_id = sync_state.identity(c.conn).device_id
    assert sync.revoke(a, c_id) == 2
    cases.update_case(a, ref, {"title": CANARY})
    cases.update_case(c, ref, {"summary": "written by the thief"})
    sync.run(a)
    thief = sync.run(c)
    assert any("revoked" in p or "key" in p for p in thief.problems)
    assert cases.show_case(c, ref)["title"] == "Before"  # new changes unreadable to it
    result = sync.run(b)
    assert sync_state.current_epoch(b.conn) == 2  # b received the new key
    assert cases.show_case(b, ref)["title"] == CANARY
    assert cases.show_case(b, ref).get("summary") in (None, "")
    assert any("revoked" in p for p in result.problems)
    revoked = {d["device_id"]: d["revoked_at"] for d in sync.list_devices(b)}
    assert revoked[c_id] is not None
    c.lock()


def test_the_shared_place_holds_no_plaintext(pair):
    a, b, shared = pair
    cases.add_case(
        a,
        {
            "title": CANARY,
            "people": [{"name": CANARY + " person", "role": "victim"}],
            "notes": [{"text": CANARY + " note"}],
        },
    )
    both_sync(a, b)
    files = [p for p in shared.rglob("*") if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        for secret in (CANARY, "field laptop", "first laptop", "amina", "bilal"):
            assert secret.encode() not in data, (path, secret)


def test_sync_status_and_an_unreachable_place(pair, tmp_path):
    a, _b, shared = pair
    status = sync.status(a)
    assert status["set_up"] and status["devices"] == 2 and status["unsent_changes"] >= 1
    sync.run(a)
    assert sync.status(a)["unsent_changes"] == 0
    assert sync.status(a)["last_sync"] is not None
    shared.rename(tmp_path / "unplugged")
    with pytest.raises(HrdeskError, match="not there"):
        sync.run(a)
    assert "not there" in sync.status(a)["last_error"]


def test_evidence_travels_encrypted_once_and_is_fetched_when_opened(pair, tmp_path):
    from hrdesk.services import evidence
    from hrdesk.store.blobs import BlobDamaged

    a, b, shared = pair
    ref = cases.add_case(a, {"title": "With evidence"})["ref"]
    photo = tmp_path / "photo.jpg"
    content = (CANARY + " image bytes ").encode() * 5000
    photo.write_bytes(content)
    attachment = evidence.attach(a, ref, photo, description="wound")
    assert sync.run(a).sent_attachments == 1
    assert sync.run(a).sent_attachments == 0  # uploaded once
    sync.run(b)
    (blob_id,) = blobs.stored_files(tmp_path / "a" / "attachments")
    blob = tmp_path / "b" / "attachments" / blob_id
    assert not blob.exists()  # not fetched until needed
    assert evidence.read_for_preview(b, attachment["id"]) == content
    assert blob.exists()
    for path in shared.rglob("*"):
        if path.is_file():
            assert CANARY.encode() not in path.read_bytes()
    # A damaged copy in the shared place is refused and nothing is kept.
    kept = blob.with_name("kept")
    blob.rename(kept)
    remote_blob = shared / "blobs" / blob_id
    good = remote_blob.read_bytes()
    damaged = bytearray(good)
    damaged[-20] ^= 1
    remote_blob.write_bytes(bytes(damaged))
    with pytest.raises(BlobDamaged):
        evidence.read_for_preview(b, attachment["id"])
    assert not blob.exists()
    kept.rename(blob)
    remote_blob.write_bytes(good)
    # Deleted on one device: gone from the shared place, and erased on the other.
    evidence.delete(a, attachment["id"], "uploaded by mistake")
    sync.run(a)
    assert not remote_blob.exists()
    sync.run(b)
    assert not blob.exists()


def test_a_set_up_cut_off_before_the_device_list_is_written_can_be_run_again(tmp_path, monkeypatch):
    from hrdesk.sync import devices
    from hrdesk.sync.transport import TransportError

    shared = tmp_path / "shared"
    shared.mkdir()
    a = new_vault(tmp_path / "a", "amina")
    real = devices.publish

    def cut(*args, **kwargs):
        raise TransportError("the network went away")

    monkeypatch.setattr(devices, "publish", cut)
    with pytest.raises(TransportError):
        set_up(a, f"folder://{shared}")
    assert not sync.is_set_up(a)
    monkeypatch.setattr(devices, "publish", real)
    set_up(a, f"folder://{shared}")
    assert sync.is_set_up(a) and sync.status(a)["devices"] == 1
    a.lock()


def test_a_device_with_its_clock_years_ahead_does_not_drag_the_others(pair):
    import time

    from hrdesk.core.hlc import HybridClock, Timestamp

    a, b, _shared = pair
    ref = cases.add_case(a, {"title": "Clock"})["ref"]
    both_sync(a, b)
    ahead = time.time_ns() // 1_000_000 + 3 * 365 * 86_400_000  # three years ahead
    b.writer._clock = HybridClock(b.writer._clock.last, lambda: ahead)
    cases.update_case(b, ref, {"summary": "from the future"})
    both_sync(a, b)
    assert cases.show_case(a, ref)["summary"] == "from the future"
    cases.update_case(a, ref, {"summary": "later, with a right clock"})
    own = Timestamp.decode(a.writer.device.hlc).wall_ms
    assert own < time.time_ns() // 1_000_000 + 2 * 86_400_000
    both_sync(a, b)
    # The later edit had seen the future one: it wins on both sides, whatever the clocks.
    for session in (a, b):
        assert cases.show_case(session, ref)["summary"] == "later, with a right clock"
    assert conflicts.list_conflicts(a) == conflicts.list_conflicts(b) == []
