"""Drafts: unsaved work kept inside the encrypted vault while it is locked.

When the vault locks (by hand or after idle time) the GUI must drop every
window's content, but an interview typed half-way must not be lost. The draft
is written here, inside the SQLCipher database, and given back at unlock. It
is local to this device and never part of the op-log or sync.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hrdesk.store.connection import Connection, transaction


def save(conn: Connection, key: str, value: Any) -> None:
    with transaction(conn):
        conn.execute(
            "INSERT INTO drafts (key, value, saved_at) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, saved_at = excluded.saved_at",
            (key, json.dumps(value), dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        )


def take(conn: Connection, key: str) -> Any | None:
    """The draft under ``key``, removed from the vault (None if there is none)."""
    row = conn.execute("SELECT value FROM drafts WHERE key = ?", (key,)).fetchone()
    if row is None:
        return None
    with transaction(conn):
        conn.execute("DELETE FROM drafts WHERE key = ?", (key,))
    return json.loads(row[0])
