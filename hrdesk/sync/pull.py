"""Pulling: every other device's new files, checked, then applied one file at a time.

For each device folder under ``log/``, files after the last one applied here are
read in order. A file is applied only when it opens (signature of an enrolled,
not revoked device; the vault's key; its name matching its header), follows the
previous file of its device (``prev`` digest), and its commits continue that
device's hash chain. Each file is applied in one transaction with the record of
how far that device has been read, so an interrupted pull resumes at the next
file and never leaves a half-applied one.

A file that does not open (damaged, forged, an old file copied under a new name)
is reported and passed over: it can never be part of the chain, and the device
that owns the name writes its next file under the next number (push.py). A file
that opens but names a previous file not applied yet is waited for: the file
before it has not arrived. Commits that contradict ones already here (a device
whose history forked) stop that device's pull, reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from hrdesk.core.errors import SyncFileRejected
from hrdesk.i18n import _
from hrdesk.store import sync_state
from hrdesk.store.migrations import LATEST
from hrdesk.store.remote_apply import CommitClash
from hrdesk.store.vault import Session
from hrdesk.store.writer import Changes
from hrdesk.sync import envelope, payload
from hrdesk.sync.transport import Transport

Report = Callable[[int, int], None]


@dataclass
class Pulled:
    files: int = 0
    operations: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (file name, problem)
    changes: Changes = field(default_factory=Changes)


def pending_files(
    transport: Transport, me: str, done: dict[str, sync_state.Progress]
) -> list[tuple[str, int, str]]:
    """(device, seq, name) of every other device's file numbered after the last one
    applied here (``done``), device by device, in order."""
    pending = []
    for name in transport.list("log"):
        found = envelope.number_of(name)
        if found is None or found[0].count("/") != 1:
            continue
        device, seq = found[0].split("/")[1], found[1]
        if device != me and seq > done.get(device, sync_state.START).file_seq:
            pending.append((device, seq, name))
    return sorted(pending)


def pull(session: Session, transport: Transport, report: Report | None = None) -> Pulled:
    conn = session.conn
    vault_id = sync_state.shared_vault_id(conn)
    result = Pulled()
    done = sync_state.pulled_devices(conn)
    pending = pending_files(transport, sync_state.identity(conn).device_id, done)
    blocked: set[str] = set()
    for number, (device, seq, name) in enumerate(pending):
        if report is not None:
            report(number, len(pending))
        if device in blocked:
            continue
        state = done.get(device, sync_state.START)
        data = transport.get(name)
        try:
            header, body = envelope.open_file(
                data,
                vault_id,
                lambda d: sync_state.verify_key_of(conn, d),
                lambda epoch: sync_state.sync_key(conn, epoch),
                LATEST,
                (device, seq),
            )
        except SyncFileRejected as exc:
            result.rejected.append((name, str(exc)))
            continue
        if header.prev != state.file_digest:
            blocked.add(device)  # the file before it has not arrived yet
            continue
        try:
            commits = payload.decode(body, device, state.commit_hash, state.commit_seq + 1)
            last = commits[-1] if commits else None
            new_state = sync_state.Progress(
                seq,
                envelope.file_digest(data),
                last.commit.seq if last else state.commit_seq,
                last.hash if last else state.commit_hash,
            )
            changes = session.writer.apply_remote(
                device, [(c.commit, c.hash, c.ops) for c in commits], new_state
            )
        except SyncFileRejected as exc:
            result.rejected.append((name, str(exc)))
            blocked.add(device)
            continue
        except CommitClash:
            result.rejected.append(
                (name, _("The sync file rewrites changes this vault already has from that device."))
            )
            blocked.add(device)
            continue
        done[device] = new_state
        result.files += 1
        result.operations += changes.op_count
        for entity, ids in changes.entities.items():
            result.changes.entities.setdefault(entity, set()).update(ids)
        result.changes.case_ids |= changes.case_ids
        result.changes.op_count += changes.op_count
    if report is not None:
        report(len(pending), len(pending))
    return result
