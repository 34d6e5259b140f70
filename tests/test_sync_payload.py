"""Sync payloads: a device's commits, re-checked against their hash chain on arrival."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from hrdesk.core.errors import SyncFileRejected
from hrdesk.services import cases
from hrdesk.store import oplog, sync_state
from hrdesk.sync.payload import SyncedCommit, decode, encode


@pytest.fixture
def commits(session):
    for title in ("First case", "Second case", "Third case"):
        cases.add_case(session, {"title": title})
    device = sync_state.identity(session.conn).device_id
    rows = oplog.commits_of_device(session.conn, device, 0)
    return device, [SyncedCommit(commit, digest, ops) for commit, digest, ops in rows]


def test_a_devices_commits_travel_and_check_out(commits):
    device, items = commits
    assert [c.commit.seq for c in items] == list(range(1, len(items) + 1))
    back = decode(encode(items), device, oplog.GENESIS, 1)
    assert back == items
    # The second half alone continues from the first half's last hash.
    half = len(items) // 2
    tail = decode(encode(items[half:]), device, items[half - 1].hash, half + 1)
    assert tail == items[half:]


def test_a_changed_value_breaks_its_commit_hash(commits):
    device, items = commits
    data = json.loads(encode(items))
    data[-1]["ops"][0][3] = json.dumps("A title the author never wrote")
    with pytest.raises(SyncFileRejected, match="does not match its hash"):
        decode(json.dumps(data).encode(), device, oplog.GENESIS, 1)


def test_gaps_replays_and_other_devices_are_refused(commits):
    device, items = commits
    with pytest.raises(SyncFileRejected, match="missing, or it was replayed"):
        decode(encode(items[1:]), device, oplog.GENESIS, 1)  # the first commit is missing
    with pytest.raises(SyncFileRejected, match="missing, or it was replayed"):
        decode(encode(items), device, items[-1].hash, len(items) + 1)  # already applied
    other = [replace(items[0], commit=replace(items[0].commit, device_id="someone-else"))]
    with pytest.raises(SyncFileRejected, match="another device"):
        decode(encode(other), device, oplog.GENESIS, 1)
    with pytest.raises(SyncFileRejected, match="damaged"):
        decode(b'[{"device": 1}]', device, oplog.GENESIS, 1)
