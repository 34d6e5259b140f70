"""Reading attachment records and their chain of custody."""

from __future__ import annotations

from typing import Any

from hrdesk.store.connection import Connection

_COLUMNS = (
    "id",
    "case_id",
    "blob_id",
    "blob_key",
    "filename",
    "size",
    "sha256",
    "description",
    "source",
    "obtained_on",
    "received_by",
    "created_at",
)


def _row(row: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(_COLUMNS, row, strict=True))


def get_attachment(conn: Connection, attachment_id: str) -> dict[str, Any] | None:
    row = conn.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM attachments WHERE id = ? AND deleted = 0",
        (attachment_id,),
    ).fetchone()
    return _row(row) if row else None


def attachments_of_case(conn: Connection, case_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM attachments WHERE case_id = ? AND deleted = 0 "
        "ORDER BY created_at, rowid",
        (case_id,),
    ).fetchall()
    return [_row(row) for row in rows]


def all_attachments(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM attachments WHERE deleted = 0 ORDER BY rowid"
    ).fetchall()
    return [_row(row) for row in rows]


def deleted_among(conn: Connection, attachment_ids: set[str]) -> list[str]:
    """The blob ids of those attachments that are deleted."""
    if not attachment_ids:
        return []
    marks = ", ".join("?" * len(attachment_ids))
    rows = conn.execute(
        f"SELECT blob_id FROM attachments WHERE deleted = 1 AND id IN ({marks})",
        tuple(attachment_ids),
    ).fetchall()
    return [row[0] for row in rows if row[0]]


def deleted_blobs(conn: Connection) -> set[str]:
    rows = conn.execute("SELECT blob_id FROM attachments WHERE deleted = 1 AND blob_id IS NOT NULL")
    return {row[0] for row in rows}


def custody_of(conn: Connection, attachment_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT action, result, note, by_user, at FROM custody "
        "WHERE attachment_id = ? AND deleted = 0 ORDER BY rowid",
        (attachment_id,),
    ).fetchall()
    keys = ("action", "result", "note", "by_user", "at")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def blob_owners(conn: Connection) -> dict[str, tuple[str, str, bool]]:
    """Every blob id a record names: blob id → (attachment id, case id, deleted)."""
    rows = conn.execute(
        "SELECT blob_id, id, case_id, deleted FROM attachments WHERE blob_id IS NOT NULL"
    )
    return {row[0]: (row[1], row[2], bool(row[3])) for row in rows}


def recorded_elsewhere(conn: Connection, attachment_id: str) -> bool:
    """Was this attachment recorded on another device (its file comes through sync)?"""
    row = conn.execute(
        "SELECT commits.device_id <> (SELECT device_id FROM local_device) FROM ops "
        "JOIN commits ON commits.id = ops.commit_id "
        "WHERE ops.entity_id = ? AND ops.field = 'blob_id' ORDER BY commits.hlc LIMIT 1",
        (attachment_id,),
    ).fetchone()
    return bool(row and row[0])
