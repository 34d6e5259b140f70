"""Sync's keys and devices, kept inside the encrypted vault (the only SQL of sync).

This device's secret keys never leave the database; the sync keys (one per
epoch) arrive by enrollment; the device list holds the public keys a file's
signature is checked against, and when a device was revoked.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass

from nacl.public import PrivateKey
from nacl.signing import SigningKey, VerifyKey

from hrdesk.store.connection import Connection, transaction


@dataclass(frozen=True)
class Identity:
    device_id: str
    signing_key: SigningKey
    box_key: PrivateKey


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def identity(conn: Connection) -> Identity:
    device_id = conn.execute("SELECT device_id FROM local_device").fetchone()[0]
    seed, box = conn.execute("SELECT sign_seed, box_secret FROM device_keys").fetchone()
    return Identity(device_id, SigningKey(bytes(seed)), PrivateKey(bytes(box)))


def _write(conn: Connection, sql: str, params: tuple) -> None:
    with transaction(conn):
        conn.execute(sql, params)


def local_seq(conn: Connection) -> int:
    """How many commits this device has made."""
    return conn.execute("SELECT seq FROM local_device").fetchone()[0]


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
        (epoch, key, now()),
    )


def new_epoch(conn: Connection) -> int:
    """Start the next epoch with a fresh random key (first setup, or after a revocation)."""
    epoch = (current_epoch(conn) or 0) + 1
    add_sync_key(conn, epoch, secrets.token_bytes(32))
    return epoch


def verify_key_of(conn: Connection, device_id: str, admin: bool = False) -> VerifyKey | None:
    """The key of an enrolled device that is not revoked (and, with ``admin``, may change
    the device list); None otherwise."""
    row = conn.execute(
        "SELECT verify_key FROM devices WHERE device_id = ? AND revoked_at IS NULL"
        + (" AND admin = 1" if admin else ""),
        (device_id,),
    ).fetchone()
    return VerifyKey(bytes(row[0])) if row else None


@dataclass(frozen=True)
class Progress:
    """How far a device's file chain has gone: its last file (number and digest, which
    the next file names) and the last commit it held."""

    file_seq: int
    file_digest: str
    commit_seq: int
    commit_hash: str


START = Progress(0, "0" * 64, 0, "0" * 64)


def pushed(conn: Connection) -> Progress:
    row = conn.execute(
        "SELECT file_seq, file_digest, commit_seq, commit_hash FROM sync_pushed"
    ).fetchone()
    return Progress(*row) if row else START


def set_pushed(conn: Connection, state: Progress) -> None:
    _write(
        conn,
        "INSERT INTO sync_pushed (singleton, file_seq, file_digest, commit_seq, commit_hash) "
        "VALUES (1, ?, ?, ?, ?) ON CONFLICT (singleton) DO UPDATE SET "
        "file_seq = excluded.file_seq, file_digest = excluded.file_digest, "
        "commit_seq = excluded.commit_seq, commit_hash = excluded.commit_hash",
        (state.file_seq, state.file_digest, state.commit_seq, state.commit_hash),
    )


@dataclass(frozen=True)
class DeviceEntry:
    device_id: str
    label: str
    verify_key: bytes
    box_key: bytes
    admin: bool
    added_at: str
    revoked_at: str | None = None


def device_entries(conn: Connection) -> list[DeviceEntry]:
    rows = conn.execute(
        "SELECT device_id, label, verify_key, box_key, admin, added_at, revoked_at "
        "FROM devices ORDER BY added_at, device_id"
    ).fetchall()
    return [DeviceEntry(r[0], r[1], bytes(r[2]), bytes(r[3]), bool(r[4]), r[5], r[6]) for r in rows]


def replace_devices(
    conn: Connection, entries: list[DeviceEntry], version: int, digest: str
) -> None:
    """Adopt a device list (one version of it, checked by the caller) in one transaction."""
    with transaction(conn):
        conn.execute("DELETE FROM devices")
        conn.executemany(
            "INSERT INTO devices (device_id, label, verify_key, box_key, admin, added_at, "
            "revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    e.device_id,
                    e.label,
                    e.verify_key,
                    e.box_key,
                    int(e.admin),
                    e.added_at,
                    e.revoked_at,
                )
                for e in entries
            ],
        )
        _ensure_config(conn)
        conn.execute("UPDATE sync_config SET list_version = ?, list_digest = ?", (version, digest))


@dataclass(frozen=True)
class SyncConfig:
    remote: str | None
    options: dict
    list_version: int
    list_digest: str
    last_sync: str | None
    last_error: str | None


def _ensure_config(conn: Connection) -> None:
    conn.execute("INSERT INTO sync_config (singleton) VALUES (1) ON CONFLICT DO NOTHING")


def config(conn: Connection) -> SyncConfig:
    row = conn.execute(
        "SELECT remote, options, list_version, list_digest, last_sync, last_error FROM sync_config"
    ).fetchone()
    if row is None:
        return SyncConfig(None, {}, 0, "", None, None)
    return SyncConfig(row[0], json.loads(row[1]), row[2], row[3], row[4], row[5])


def set_remote(conn: Connection, remote: str, options: dict) -> None:
    """The shared place and its credentials: stored only inside the encrypted vault."""
    with transaction(conn):
        _ensure_config(conn)
        conn.execute(
            "UPDATE sync_config SET remote = ?, options = ?", (remote, json.dumps(options))
        )


def record_outcome(conn: Connection, error: str | None) -> None:
    """When sync last ran to the end (error None), or the last error it met."""
    with transaction(conn):
        _ensure_config(conn)
        if error is None:
            conn.execute("UPDATE sync_config SET last_sync = ?, last_error = NULL", (now(),))
        else:
            conn.execute("UPDATE sync_config SET last_error = ?", (error,))


def shared_vault_id(conn: Connection) -> str:
    """The id sync files carry: this vault's own, or the organization's it joined."""
    row = conn.execute(
        "SELECT value FROM meta WHERE key = 'sync_vault_id' UNION ALL "
        "SELECT value FROM meta WHERE key = 'vault_id'"
    ).fetchone()
    return row[0]


def join_vault(conn: Connection, vault_id: str, keys: dict[int, bytes]) -> None:
    """Adopt the organization's shared vault id and its sync keys (enrollment)."""
    with transaction(conn):
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('sync_vault_id', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (vault_id,),
        )
        conn.executemany(
            "INSERT INTO sync_keys (epoch, key, added_at) VALUES (?, ?, ?) "
            "ON CONFLICT (epoch) DO NOTHING",
            [(epoch, key, now()) for epoch, key in sorted(keys.items())],
        )


def all_sync_keys(conn: Connection) -> dict[int, bytes]:
    return {row[0]: bytes(row[1]) for row in conn.execute("SELECT epoch, key FROM sync_keys")}


def pulled_devices(conn: Connection) -> dict[str, Progress]:
    rows = conn.execute(
        "SELECT device_id, file_seq, file_digest, commit_seq, commit_hash FROM sync_pulled"
    ).fetchall()
    return {row[0]: Progress(*row[1:]) for row in rows}
