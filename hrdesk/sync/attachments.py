"""Evidence files through sync: each encrypted blob uploaded once, fetched when needed.

A blob travels as it is stored (``store/blobs.py``: chunked XChaCha20-Poly1305 under
its own random key), named ``blobs/<blob id>``. Its key is a field of the attachment
record, so it reaches other devices only inside the encrypted op-log; the shared
place holds ciphertext whose name (a random id) says nothing about the content.
Devices fetch a blob the first time someone opens, exports or verifies it, check
it against the SHA-256 taken at intake, and only then keep it. When an attachment
is deleted, every device erases its file, and the next sync of any device removes
it from the shared place (the only file sync ever removes there).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from hrdesk.core.errors import HrdeskError
from hrdesk.i18n import _
from hrdesk.store import attachment_queries, blobs
from hrdesk.store.atomic import fsync_dir
from hrdesk.store.vault import Session
from hrdesk.sync.transport import Transport, TransportError

PREFIX = "blobs"
INCOMING = "attachments-incoming"


def _folder(session: Session) -> Path:
    return session.attachments


def upload(session: Session, transport: Transport) -> int:
    """Put every local blob the shared place lacks, and remove from it the blobs of
    deleted attachments; returns how many were sent."""
    there = {name.rsplit("/", 1)[-1] for name in transport.list(PREFIX)}
    for blob_id in attachment_queries.deleted_blobs(session.conn) & there:
        transport.delete(f"{PREFIX}/{blob_id}")
    sent = 0
    for row in attachment_queries.all_attachments(session.conn):
        blob_id = row["blob_id"]
        path = _folder(session) / blob_id
        if blob_id in there or not path.is_file():
            continue
        if transport.put_if_absent(f"{PREFIX}/{blob_id}", path.read_bytes()):
            sent += 1
    return sent


def fetch(session: Session, transport: Transport, row: dict) -> None:
    """Bring one attachment's blob from the shared place, checked before it is kept."""
    blob_id = row["blob_id"]
    try:
        data = transport.get(f"{PREFIX}/{blob_id}")
    except TransportError as exc:
        raise HrdeskError(
            _("{name} is not on this computer and could not be fetched: {reason}").format(
                name=row["filename"], reason=exc
            )
        ) from exc
    incoming = session.path / INCOMING
    incoming.mkdir(mode=0o700, exist_ok=True)
    temp = incoming / blob_id
    try:
        with open(temp, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if not blobs.verify_blob(incoming, blob_id, bytes.fromhex(row["blob_key"]), row["sha256"]):
            raise blobs.BlobDamaged(
                _("The copy of {name} in the shared place is damaged or was altered.").format(
                    name=row["filename"]
                )
            )
        os.replace(temp, _folder(session) / blob_id)
        fsync_dir(_folder(session))
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def is_local(session: Session, blob_id: str) -> bool:
    return (_folder(session) / blob_id).is_file()


def erase_deleted(session: Session, attachment_ids: set[str]) -> None:
    """Blobs of attachments deleted on another device are erased here too."""
    for row in attachment_queries.deleted_among(session.conn, attachment_ids):
        blobs.delete_blob(_folder(session), row)
