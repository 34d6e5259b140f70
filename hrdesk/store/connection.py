"""Opening the SQLCipher database with a raw 256-bit key and safe settings."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlcipher3

from hrdesk.core.errors import DatabaseDamaged
from hrdesk.i18n import _

DatabaseError = sqlcipher3.DatabaseError
Connection = sqlcipher3.Connection
CACHE_KIB = 64 * 1024  # decrypted pages kept in memory; the default 2 MiB thrashes at scale


def key_literal(raw_key: bytes) -> str:
    # A raw key (x'…') skips SQLCipher's own PBKDF2: our Argon2id slots did that work.
    return f"\"x'{raw_key.hex()}'\""


def key_pragma(raw_key: bytes) -> str:
    return f"PRAGMA key = {key_literal(raw_key)}"


def connect(path: Path, raw_key: bytes | None) -> sqlcipher3.Connection:
    """An open, verified connection; ``raw_key=None`` opens a plain SQLite file
    (used only by the benchmark's unencrypted baseline)."""
    if not path.exists():
        # Owner-only from the first byte; SQLite gives the -wal and -shm files the same mode.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        if raw_key is not None:
            conn.execute(key_pragma(raw_key))
        # A wrong key only shows at the first read of the file.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        # FULL: a commit that returned survives a power cut, not only a crash.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        # SQLite's automatic checkpoint runs inside a commit every ~1,000 pages, making
        # one write in ten several times slower. hrdesk checkpoints on its own schedule
        # instead: when idle, at lock, and after large volumes (writer.CHECKPOINT_OPS).
        conn.execute("PRAGMA wal_autocheckpoint = 0")
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        raise DatabaseDamaged(
            _("The database cannot be read with this key, or it is damaged.")
        ) from exc
    return conn


def checkpoint(conn: Connection, truncate: bool = False) -> None:
    """Copy committed pages from the WAL into the database file (no data at risk either way)."""
    mode = "TRUNCATE" if truncate else "PASSIVE"
    conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchall()


@contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """One write transaction: committed when the block ends, rolled back if it raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
