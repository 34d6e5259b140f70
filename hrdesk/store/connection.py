"""Opening the SQLCipher database with a raw 256-bit key and safe settings."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlcipher3

from hrdesk.core.errors import DatabaseDamaged, HrdeskError, VaultBusy, VaultError
from hrdesk.i18n import _

DatabaseError = sqlcipher3.DatabaseError
Connection = sqlcipher3.Connection
CACHE_KIB = 64 * 1024  # decrypted pages kept in memory; the default 2 MiB thrashes at scale
# How long a write waits for another program's write (the app, a command, a sync: all
# write in short transactions) before the user is told the vault is busy.
BUSY_TIMEOUT_MS = 10_000

# SQLite's primary result codes (the low byte of an extended code).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26


def _code(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def is_busy(exc: BaseException) -> bool:
    return _code(exc) in (_BUSY, _LOCKED)


def busy() -> VaultBusy:
    return VaultBusy(
        _(
            "The vault is busy in another program (the desktop app, a command or a sync). "
            "Nothing was changed; try again in a moment."
        )
    )


def user_error(exc: BaseException) -> HrdeskError:
    """What a database failure means for the user, in words that quote no data.

    Only a damaged file is called damaged: a user told so restores an old backup and
    loses recent work, so a busy vault or a full disk must never be reported that way.
    """
    code = _code(exc)
    if code in (_BUSY, _LOCKED):
        return busy()
    if code == _FULL:
        return VaultError(_("The disk is full. Nothing was changed; free some space and retry."))
    if code in (_READONLY, _CANTOPEN):
        return VaultError(
            _(
                "The vault's folder cannot be written (read-only, or permissions). "
                "Nothing was changed."
            )
        )
    if code == _IOERR:
        return VaultError(
            _("The disk could not be read or written (an input/output error). Nothing was changed.")
        )
    return DatabaseDamaged(
        _(
            "The vault database is damaged. Run “hrdesk check”, "
            "and restore a backup if it reports problems."
        )
    )


def begin_write(conn: Connection) -> None:
    """Start a write transaction, waiting a bounded time for another program's."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlcipher3.OperationalError as exc:
        if is_busy(exc):
            raise busy() from exc
        raise


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
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        # SQLite's automatic checkpoint runs inside a commit every ~1,000 pages, making
        # one write in ten several times slower. hrdesk checkpoints on its own schedule
        # instead: when idle, at lock, and after large volumes (writer.CHECKPOINT_OPS).
        conn.execute("PRAGMA wal_autocheckpoint = 0")
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        if is_busy(exc):
            raise busy() from exc
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
    begin_write(conn)
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
