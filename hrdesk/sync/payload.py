"""What a sync file carries: whole commits of one device's op-log, in order.

Each commit keeps the hash its device computed when it was written (the op-log's
per-device hash chain), so a receiver re-checks every commit against its hash and
its predecessor before anything is applied: a payload is taken whole or not at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from hrdesk.core.errors import SyncFileRejected
from hrdesk.i18n import _
from hrdesk.store.entities import ENTITIES
from hrdesk.store.oplog import Commit, canonical

OpRow = tuple[str, str, str, str, str]  # entity, entity id, field, value (JSON), seen (JSON)


@dataclass(frozen=True)
class SyncedCommit:
    commit: Commit
    hash: str
    ops: list[OpRow]


def encode(commits: list[SyncedCommit]) -> bytes:
    items = [
        {
            "device": c.commit.device_id,
            "seq": c.commit.seq,
            "hlc": c.commit.hlc,
            "user": c.commit.user_id,
            "prev": c.commit.prev_hash,
            "hash": c.hash,
            "ops": [list(op) for op in c.ops],
        }
        for c in commits
    ]
    return canonical(items).encode("utf-8")


def decode(data: bytes, device_id: str, chain_head: str, next_seq: int) -> list[SyncedCommit]:
    """The commits of ``data``, checked: all by ``device_id``, numbered from ``next_seq``
    without gaps, each naming its predecessor's hash (the first: ``chain_head``) and
    matching its own hash."""
    try:
        items = json.loads(data)
        commits = [
            SyncedCommit(
                Commit(item["device"], item["seq"], item["hlc"], item["user"], item["prev"]),
                item["hash"],
                [tuple(op) for op in item["ops"]],
            )
            for item in items
        ]
    except (ValueError, KeyError, TypeError) as exc:
        raise SyncFileRejected(_("The sync file's contents are damaged.")) from exc
    previous, expected_seq = chain_head, next_seq
    for synced in commits:
        commit = synced.commit
        if commit.device_id != device_id:
            raise SyncFileRejected(_("The sync file holds changes of another device."))
        if commit.seq != expected_seq or commit.prev_hash != previous:
            raise SyncFileRejected(
                _(
                    "The sync file does not follow the device's previous changes "
                    "(some are missing, or it was replayed)."
                )
            )
        if not all(_well_formed(op) for op in synced.ops):
            raise SyncFileRejected(_("The sync file's contents are damaged."))
        if commit.digest(synced.ops) != synced.hash:
            raise SyncFileRejected(_("A change in the sync file does not match its hash."))
        previous, expected_seq = synced.hash, expected_seq + 1
    return commits


def _well_formed(op: tuple) -> bool:
    """Five strings naming a known record kind and field, a JSON value and a JSON list of
    operation ids: what the write path itself would have stored."""
    if len(op) != 5 or not all(isinstance(part, str) for part in op):
        return False
    entity, _entity_id, name, value, seen = op
    spec = ENTITIES.get(entity)
    if spec is None or name not in spec.fields:
        return False
    try:
        json.loads(value)
        listed = [] if seen == "[]" else json.loads(seen)  # "[]": most operations
    except ValueError:
        return False
    return isinstance(listed, list) and all(isinstance(item, str) for item in listed)
