"""Evidence: files of any size attached to a case, encrypted, with a chain of custody.

Intake streams the file into an encrypted blob (store/blobs.py), records the
SHA-256 of its plaintext, who received it, from whom and when, and opens the
chain of custody. Every later export and re-verification adds a custody entry
through the write path, so the history shows who touched the evidence.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from hrdesk.core import validate as v
from hrdesk.core.errors import HrdeskError, NotFound
from hrdesk.core.ids import new_id
from hrdesk.i18n import _
from hrdesk.i18n.formatting import format_size
from hrdesk.services.lookup import require_case
from hrdesk.store import attachment_queries, blobs, queries
from hrdesk.store.atomic import fsync_dir
from hrdesk.store.vault import Session
from hrdesk.store.writer import Batch


def _folder(session: Session) -> Path:
    return session.attachments


def _custody(
    batch: Batch,
    attachment: dict[str, Any] | str,
    case_id: str,
    action: str,
    result: str | None = None,
    note: str | None = None,
) -> None:
    attachment_id = attachment if isinstance(attachment, str) else attachment["id"]
    batch.put(
        "custody",
        new_id(),
        {
            "attachment_id": attachment_id,
            "case_id": case_id,
            "action": action,
            "result": result,
            "note": note,
        },
        new=True,
    )


def attach(
    session: Session,
    ref: str,
    path: Path,
    description: str | None = None,
    source: str | None = None,
    obtained_on: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Encrypt the file at ``path`` into the vault as evidence of case ``ref``."""
    case_id = require_case(session, ref)
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise HrdeskError(_("Cannot read {path}.").format(path=path)) from exc
    with handle:
        return attach_stream(
            session, case_id, handle, path.name, description, source, obtained_on, progress
        )


def attach_stream(
    session: Session,
    case_id: str,
    stream: BinaryIO,
    filename: str,
    description: str | None = None,
    source: str | None = None,
    obtained_on: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Encrypt what ``stream`` yields as evidence of a case (by id); streamed, any size."""
    values = {
        "description": v.text(2_000)(description, "description") if description else None,
        "source": v.text(300)(source, "source") if source else None,
        "obtained_on": v.date(obtained_on, "obtained_on") if obtained_on else None,
    }
    filename = v.text(255, allow_empty=False)(filename, "filename")
    attachment_id = new_id()
    # Until its record is committed, the blob is an intake in progress, not an orphan
    # for a `check` or a sweep running in another program (store/orphans.py).
    with blobs.intake(_folder(session)):
        info = blobs.write_blob(_folder(session), stream, progress)
        try:
            with session.writer.batch() as batch:
                batch.put(
                    "attachment",
                    attachment_id,
                    {
                        "case_id": case_id,
                        "blob_id": info.blob_id,
                        "blob_key": info.key.hex(),
                        "filename": filename,
                        "size": info.size,
                        "sha256": info.sha256,
                        **values,
                    },
                    new=True,
                )
                _custody(batch, attachment_id, case_id, "intake", info.sha256)
        except BaseException:
            blobs.delete_blob(_folder(session), info.blob_id)  # no orphan blob without a record
            raise
    return get(session, attachment_id)


def _local(session: Session, row: dict[str, Any]) -> dict[str, Any]:
    """The row, once its file is on this computer (fetched through sync if needed)."""
    from hrdesk.services import sync  # sync pulls in the transports; only needed here

    sync.fetch_attachment_if_missing(session, row)
    return row


def needs_fetch(session: Session, attachment_id: str) -> bool:
    """True when the file was recorded on another device and must come through sync
    before it can be opened here (the GUI fetches it away from the database worker)."""
    from hrdesk.services import sync

    row = _require(session, attachment_id)
    return sync.is_set_up(session) and not sync.attachment_is_here(session, row)


def fetch(session: Session, attachment_id: str) -> None:
    """Bring the file of an attachment recorded on another device, checked."""
    _local(session, _require(session, attachment_id))


def _require(session: Session, attachment_id: str) -> dict[str, Any]:
    row = attachment_queries.get_attachment(session.conn, attachment_id)
    if row is None:
        raise NotFound(_("No attachment with id {id}.").format(id=attachment_id))
    return row


def _json(session: Session, row: dict[str, Any]) -> dict[str, Any]:
    names = queries.user_names(session.conn)
    custody = [
        entry | {"by_user": names.get(entry["by_user"], entry["by_user"])}
        for entry in attachment_queries.custody_of(session.conn, row["id"])
    ]
    data = {
        key: row[key]
        for key in (
            "id",
            "filename",
            "size",
            "sha256",
            "description",
            "source",
            "obtained_on",
            "created_at",
        )
    }
    data["received_by"] = names.get(row["received_by"], row["received_by"])
    data["custody"] = [{k: val for k, val in e.items() if val is not None} for e in custody]
    return {key: value for key, value in data.items() if value is not None}


def get(session: Session, attachment_id: str) -> dict[str, Any]:
    return _json(session, _require(session, attachment_id))


def of_case(session: Session, case_id: str) -> list[dict[str, Any]]:
    return [
        _json(session, row) for row in attachment_queries.attachments_of_case(session.conn, case_id)
    ]


def list_for(session: Session, ref: str) -> list[dict[str, Any]]:
    return of_case(session, require_case(session, ref))


def export(session: Session, attachment_id: str, dest: Path, note: str | None = None) -> Path:
    """Decrypt to ``dest`` (which must not exist), checking the SHA-256 on the way.

    This writes plaintext because the user asked for it; it is logged in custody.
    """
    row = _local(session, _require(session, attachment_id))
    dest = Path(dest)
    if dest.exists():
        raise HrdeskError(_("{path} already exists; choose a new file name.").format(path=dest))
    tmp = dest.with_name(f".{dest.name}.partial")
    digest = hashlib.sha256()
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            for chunk in blobs.read_blob(
                _folder(session), row["blob_id"], bytes.fromhex(row["blob_key"])
            ):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != row["sha256"]:
            raise blobs.BlobDamaged(_("The attachment does not match its intake checksum."))
        os.replace(tmp, dest)
        fsync_dir(dest.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    with session.writer.batch() as batch:
        _custody(batch, row, row["case_id"], "exported", None, note)
    return dest


PREVIEW_LIMIT = 64 * 1024 * 1024


def read_for_preview(session: Session, attachment_id: str, limit: int = PREVIEW_LIMIT) -> bytes:
    """The decrypted file, in memory only (the in-app preview never writes plaintext).

    Larger files are refused rather than half-shown; the SHA-256 is checked, so a
    preview never shows content that differs from what was taken in.
    """
    row = _require(session, attachment_id)
    if row["size"] > limit:
        raise HrdeskError(
            _("This file is too large to preview ({size}); export it to open it.").format(
                size=format_size(row["size"])
            )
        )
    _local(session, row)
    data = b"".join(
        blobs.read_blob(_folder(session), row["blob_id"], bytes.fromhex(row["blob_key"]))
    )
    if hashlib.sha256(data).hexdigest() != row["sha256"]:
        raise blobs.BlobDamaged(_("The attachment does not match its intake checksum."))
    return data


def verify(session: Session, attachment_id: str | None = None) -> list[dict[str, Any]]:
    """Re-verify one attachment or all: decrypt in a stream and compare the SHA-256.
    Each check is a custody entry; returns [{id, filename, ok}]."""
    rows = (
        [_require(session, attachment_id)]
        if attachment_id
        else attachment_queries.all_attachments(session.conn)
    )
    for row in rows:
        _local(session, row)
    results = [
        {
            "id": row["id"],
            "filename": row["filename"],
            "ok": blobs.verify_blob(
                _folder(session), row["blob_id"], bytes.fromhex(row["blob_key"]), row["sha256"]
            ),
        }
        for row in rows
    ]
    if results:
        with session.writer.batch() as batch:
            for row, result in zip(rows, results, strict=True):
                _custody(batch, row, row["case_id"], "verified", "ok" if result["ok"] else "failed")
    return results


def delete(session: Session, attachment_id: str, reason: str) -> None:
    """Remove an attachment: its record is tombstoned (history stays), its blob erased."""
    row = _require(session, attachment_id)
    reason = v.text(2_000, allow_empty=False)(reason, "reason")
    with session.writer.batch() as batch:
        batch.put("attachment", attachment_id, {"deleted": True})
        _custody(batch, row, row["case_id"], "deleted", None, reason)
    blobs.delete_blob(_folder(session), row["blob_id"])
