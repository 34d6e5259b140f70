"""Pushing: this device's new commits, sealed into its next numbered files.

Files are ``log/<device>/<n>.hrd`` with n = 1, 2, … and each names the digest of
the one before, so a receiver can tell a gap or a replay. If the storage holds a
file under this device's next name that this device did not write, that number
is passed over (receivers reject such a file and look further). The local record of
what was pushed moves only after the file is in place. If a push was cut off
after writing a file but before recording it, the next push finds that name
taken: it reads the file back (checking it like any other) and records what it
holds, so the chain continues from what the storage really has.
"""

from __future__ import annotations

from hrdesk.core.errors import HrdeskError, SyncFileRejected
from hrdesk.i18n import _
from hrdesk.store import oplog, sync_state
from hrdesk.store.migrations import LATEST
from hrdesk.store.vault import Session
from hrdesk.sync import envelope, payload
from hrdesk.sync.transport import Transport

COMMITS_PER_FILE = 500
# About 2 MB of operations: a file stays quick to send and to apply in one transaction
# (a single larger commit, such as a big import, still travels whole, in one file).
OPS_PER_FILE = 20_000


class SyncNotSetUp(HrdeskError):
    pass


def file_name(device_id: str, file_seq: int) -> str:
    return envelope.numbered(f"log/{device_id}", file_seq)


def push(session: Session, transport: Transport) -> int:
    """Send every commit not yet pushed; returns how many files were written."""
    conn = session.conn
    epoch = sync_state.current_epoch(conn)
    key = None if epoch is None else sync_state.sync_key(conn, epoch)
    if key is None:
        raise SyncNotSetUp(_("Sync is not set up for this vault."))
    me = sync_state.identity(conn)
    vault_id = sync_state.shared_vault_id(conn)
    state = sync_state.pushed(conn)
    number = state.file_seq + 1
    written = 0
    while True:
        rows = oplog.commits_of_device(
            conn, me.device_id, state.commit_seq, COMMITS_PER_FILE, OPS_PER_FILE
        )
        if not rows:
            return written
        commits = [payload.SyncedCommit(commit, digest, ops) for commit, digest, ops in rows]
        header = envelope.Header(
            format=envelope.FORMAT,
            vault=vault_id,
            epoch=epoch,
            device=me.device_id,
            seq=number,
            prev=state.file_digest,
            schema=LATEST,
        )
        data = envelope.seal(header, payload.encode(commits), key, me.signing_key)
        name = file_name(me.device_id, number)
        if transport.put_if_absent(name, data):
            written += 1
        else:
            data = transport.get(name)
            try:  # an earlier, interrupted push wrote it?
                _header, body = envelope.open_file(
                    data,
                    vault_id,
                    lambda device: me.signing_key.verify_key if device == me.device_id else None,
                    lambda epoch: sync_state.sync_key(conn, epoch),
                    LATEST,
                    (me.device_id, number),
                )
                if _header.prev != state.file_digest:
                    raise SyncFileRejected(_("The sync file's contents are damaged."))
                commits = payload.decode(
                    body, me.device_id, state.commit_hash, state.commit_seq + 1
                )
            except SyncFileRejected:
                # Not ours: something else was put under our name. It can never join
                # the chain (receivers pass over it); the next number is used instead.
                number += 1
                continue
        last = commits[-1]
        state = sync_state.Progress(number, envelope.file_digest(data), last.commit.seq, last.hash)
        sync_state.set_pushed(conn, state)
        number += 1
