"""Sync's keys and devices, kept inside the encrypted vault (the only SQL of sync).

This device's secret keys never leave the database; the sync keys (one per
epoch) arrive by enrollment; the device list holds the public keys a file's
signature is checked against, and when a device was revoked.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from nacl.public import PrivateKey
from nacl.signing import SigningKey, VerifyKey

from hrdesk.store.connection import Connection


@dataclass(frozen=True)
class Identity:
    device_id: str
    signing_key: SigningKey
    box_key: PrivateKey


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def identity(conn: Connection) -> Identity:
    device_id = conn.execute("SELECT device_id FROM local_device").fetchone()[0]
    seed, box = conn.execute("SELECT sign_seed, box_secret FROM device_keys").fetchone()
    return Identity(device_id, SigningKey(bytes(seed)), PrivateKey(bytes(box)))


def _write(conn: Connection, sql: str, params: tuple) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(sql, params)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def current_epoch(conn: Connection) -> int | None:
    row = conn.execute("SELECT max(epoch) FROM sync_keys").fetchone()
    return row[0]


def sync_key(conn: Connection, epoch: int) -> bytes | None:
    row = conn.execute("SELECT key FROM sync_keys WHERE epoch = ?", (epoch,)).fetchone()
    return bytes(row[0]) if row else None


def add_sync_key(conn: Connection, epoch: int, key: bytes) -> None:
    _write(
        conn,
        "INSERT INTO sync_keys (epoch, key, added_at) VALUES (?, ?, ?) "
        "ON CONFLICT (epoch) DO NOTHING",
        (epoch, key, _now()),
    )


def new_epoch(conn: Connection) -> int:
    """Start the next epoch with a fresh random key (first setup, or after a revocation)."""
    epoch = (current_epoch(conn) or 0) + 1
    add_sync_key(conn, epoch, secrets.token_bytes(32))
    return epoch


def add_device(
    conn: Connection, device_id: str, label: str, verify_key: bytes, box_key: bytes
) -> None:
    _write(
        conn,
        "INSERT INTO devices (device_id, label, verify_key, box_key, added_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (device_id) DO NOTHING",
        (device_id, label, verify_key, box_key, _now()),
    )


def revoke_device(conn: Connection, device_id: str) -> bool:
    before = conn.total_changes
    _write(
        conn,
        "UPDATE devices SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL",
        (_now(), device_id),
    )
    return conn.total_changes > before


def verify_key_of(conn: Connection, device_id: str) -> VerifyKey | None:
    """The key of an enrolled device that is not revoked; None otherwise."""
    row = conn.execute(
        "SELECT verify_key FROM devices WHERE device_id = ? AND revoked_at IS NULL", (device_id,)
    ).fetchone()
    return VerifyKey(bytes(row[0])) if row else None


def devices(conn: Connection) -> list[dict]:
    rows = conn.execute(
        "SELECT device_id, label, added_at, revoked_at FROM devices ORDER BY added_at, device_id"
    ).fetchall()
    return [{"device_id": r[0], "label": r[1], "added_at": r[2], "revoked_at": r[3]} for r in rows]


@dataclass(frozen=True)
class Pushed:
    file_seq: int
    file_digest: str
    commit_seq: int
    commit_hash: str


def pushed(conn: Connection) -> Pushed:
    row = conn.execute(
        "SELECT file_seq, file_digest, commit_seq, commit_hash FROM sync_pushed"
    ).fetchone()
    return Pushed(*row) if row else Pushed(0, "0" * 64, 0, "0" * 64)


def set_pushed(conn: Connection, state: Pushed) -> None:
    _write(
        conn,
        "INSERT INTO sync_pushed (singleton, file_seq, file_digest, commit_seq, commit_hash) "
        "VALUES (1, ?, ?, ?, ?) ON CONFLICT (singleton) DO UPDATE SET "
        "file_seq = excluded.file_seq, file_digest = excluded.file_digest, "
        "commit_seq = excluded.commit_seq, commit_hash = excluded.commit_hash",
        (state.file_seq, state.file_digest, state.commit_seq, state.commit_hash),
    )
