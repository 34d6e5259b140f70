"""The vault: one folder with the encrypted database, the key slots and attachments.

<vault>/hrdesk.db        SQLCipher 4, keyed with a random 256-bit raw key
<vault>/keyslots.json    that key, wrapped once per user (see keyslots.py)
<vault>/attachments/     encrypted blobs (next issue)
<vault>/backups/         encrypted copies kept before a schema upgrade
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from argon2.exceptions import HashingError

from hrdesk.core.errors import (
    DatabaseDamaged,
    HrdeskError,
    KeySlotsDamaged,
    NotAVault,
    VaultExists,
    VaultLocked,
    WrongPassphrase,
)
from hrdesk.core.ids import new_device_tag, new_id
from hrdesk.i18n import _
from hrdesk.store import kdf, keyslots, orphans
from hrdesk.store.atomic import fsync_dir, make_private_dir
from hrdesk.store.connection import Connection, DatabaseError, checkpoint, connect
from hrdesk.store.keyslots import KeySlots, check_passphrase_strength
from hrdesk.store.migrations import migrate
from hrdesk.store.oplog import GENESIS
from hrdesk.store.writer import Writer

DB_NAME = "hrdesk.db"
SLOTS_NAME = "keyslots.json"
RAW_KEY_BYTES = 32


def format_recovery_key(raw_key: bytes) -> str:
    """The raw key for humans: 64 hex digits in groups of four."""
    digits = raw_key.hex().upper()
    return "-".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def parse_recovery_key(text: str) -> bytes:
    digits = re.sub(r"[\s\-]", "", text)
    if not re.fullmatch(r"[0-9a-fA-F]{64}", digits):
        raise WrongPassphrase(
            _("That is not a recovery key (expected 64 hexadecimal digits, in groups).")
        )
    return bytes.fromhex(digits)


@dataclass
class Created:
    session: Session
    recovery_key: str


class Session:
    """An unlocked vault: one connection, one user, one write path."""

    def __init__(
        self, path: Path, conn, user_id: str, slots: KeySlots | None, raw_key: bytes
    ) -> None:
        self.path = path
        self._conn = conn
        self.user_id = user_id
        self.slots = slots
        self._raw_key: bytearray | None = bytearray(raw_key)
        self.writer = Writer(conn, user_id)
        self._checkpoint_on_lock = True

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise VaultLocked(_("The vault is locked."))
        return self._conn

    @property
    def raw_key(self) -> bytes:
        if self._raw_key is None:
            raise VaultLocked(_("The vault is locked."))
        return bytes(self._raw_key)

    def sibling(self) -> Session:
        """A second session on the same vault, same user, own connection: for long work
        in a background thread (sync) while this one keeps serving the user. SQLite's
        WAL lets both read at once; writes take turns, each in short transactions."""
        conn = connect(self.path / DB_NAME, self.raw_key)
        sibling = Session(self.path, conn, self.user_id, self.slots, self.raw_key)
        # Closing it must not checkpoint: a TRUNCATE checkpoint waits for the main
        # connection's readers and holds its writers meanwhile (up to the busy timeout).
        sibling._checkpoint_on_lock = False
        return sibling

    def idle(self) -> None:
        """Housekeeping for quiet moments (the GUI calls it when nothing is happening)."""
        self.writer.checkpoint()

    @property
    def attachments(self) -> Path:
        """The folder of the encrypted evidence files."""
        return self.path / "attachments"

    @property
    def slots_path(self) -> Path:
        return self.path / SLOTS_NAME

    def lock(self) -> None:
        """Close the connection and drop key material (best effort in Python)."""
        if self._conn is not None:
            if self._checkpoint_on_lock:
                with contextlib.suppress(Exception):
                    # Locking never waits for another program's reads: what cannot be
                    # checkpointed now is next time (the WAL is encrypted like the rest).
                    self._conn.execute("PRAGMA busy_timeout = 0")
                    checkpoint(self._conn, truncate=True)
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None
        if self._raw_key is not None:
            for index in range(len(self._raw_key)):
                self._raw_key[index] = 0
            self._raw_key = None

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.lock()


def create_vault(
    path: Path,
    passphrase: str,
    org_name: str,
    user_name: str,
    params: kdf.KdfParams | None = None,
) -> Created:
    """A new vault with one admin user; the recovery key is returned once."""
    path = Path(path)
    if (path / DB_NAME).exists() or (path / SLOTS_NAME).exists():
        raise VaultExists(_("A vault already exists in {path}.").format(path=path))
    if path.exists() and any(path.iterdir()):
        raise VaultExists(
            _("{path} is not empty; choose an empty or new folder for a vault.").format(path=path)
        )
    check_passphrase_strength(passphrase)
    make_private_dir(path)
    make_private_dir(path / "attachments")
    raw_key = secrets.token_bytes(RAW_KEY_BYTES)
    user_id = new_id()
    vault_id = new_id()

    conn = connect(path / DB_NAME, raw_key)
    migrate(conn, path / DB_NAME)
    _init_device(conn)
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?)",
        [
            ("vault_id", vault_id),
            ("created_at", dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        ],
    )
    conn.execute("COMMIT")
    session = Session(path, conn, user_id, None, raw_key)
    with session.writer.batch() as batch:
        batch.put("user", user_id, {"name": user_name, "role": "admin"}, new=True)
    _set_meta(conn, "org_name", org_name)

    slots = KeySlots(vault_id)
    slots.set_passphrase(user_id, passphrase, raw_key, params or kdf.calibrate())
    slots.save(path / SLOTS_NAME)
    fsync_dir(path)
    session.slots = slots
    return Created(session, format_recovery_key(raw_key))


def _set_meta(conn: Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def _init_device(conn: Connection) -> None:
    conn.execute(
        "INSERT INTO local_device (singleton, device_id, device_tag, seq, hlc, chain_head, "
        "next_case_number) VALUES (1, ?, ?, 0, ?, ?, 1)",
        (new_id(), new_device_tag(), "0" * 16 + ".00000", GENESIS),
    )


def check_is_vault(path: Path) -> None:
    path = Path(path)
    if not (path / DB_NAME).is_file():
        raise NotAVault(_("{path} is not an hrdesk vault.").format(path=path))


def _check_not_empty(db_path: Path) -> None:
    """A database file truncated to zero bytes opens with any key, as a new empty
    database: refuse it rather than write a fresh schema into it."""
    if db_path.stat().st_size == 0:
        raise DatabaseDamaged(_("The database cannot be read with this key, or it is damaged."))


def unlock(path: Path, passphrase: str, first_user: str | None = None) -> Session:
    """Open the vault with a user's passphrase; that user authors every change."""
    path = Path(path)
    check_is_vault(path)
    slots = KeySlots.load(path / SLOTS_NAME)
    opened = slots.open(passphrase, first_user)
    _check_not_empty(path / DB_NAME)
    conn = connect(path / DB_NAME, opened.raw_key)
    session = _open_session(path, conn, opened.slot.user_id, slots, opened.raw_key)
    try:
        _upgrade_slot(session, slots, opened, passphrase)
    except BaseException:
        session.lock()
        raise
    return session


def _upgrade_slot(
    session: Session, slots: KeySlots, opened: keyslots.Opened, passphrase: str
) -> None:
    """Re-wrap the slot that opened if it is weaker than this machine allows
    (``keyslots.upgrade``). Best effort: the vault is open whatever happens here. A
    read-only folder, a full disk, a key-slot file damaged meanwhile or too little
    memory for the calibration leave the slot as it was, silently (there is nothing
    worth logging, and nothing sensitive may be); the next unlock tries again."""
    try:
        upgraded = keyslots.upgrade(session.slots_path, slots, opened, passphrase)
    except (OSError, MemoryError, HashingError, HrdeskError):
        return
    if upgraded is not None:
        session.slots = upgraded


def unlock_with_recovery_key(
    path: Path, recovery_key: str, user_name: str | None = None
) -> Session:
    """Open the vault with the recovery key, acting as ``user_name`` (default: first admin)."""
    path = Path(path)
    check_is_vault(path)
    raw_key = parse_recovery_key(recovery_key)
    _check_not_empty(path / DB_NAME)
    try:
        conn = connect(path / DB_NAME, raw_key)
    except DatabaseDamaged as exc:
        raise WrongPassphrase(
            _("This recovery key does not open this vault (or its database is damaged).")
        ) from exc
    try:
        slots: KeySlots | None = KeySlots.load(path / SLOTS_NAME)
    except KeySlotsDamaged:
        slots = None
    try:
        migrate(conn, path / DB_NAME)
        if user_name is None:
            row = conn.execute(
                "SELECT id FROM users WHERE role = 'admin' AND deleted = 0 ORDER BY rowid LIMIT 1"
            ).fetchone()
        else:
            row = conn.execute(
                "SELECT id FROM users WHERE name = ? AND deleted = 0", (user_name,)
            ).fetchone()
        if row is None:
            raise WrongPassphrase(_("No such user in this vault."))
    except BaseException:
        conn.close()
        raise
    return _open_session(path, conn, row[0], slots, raw_key)


def _open_session(
    path: Path, conn, user_id: str, slots: KeySlots | None, raw_key: bytes
) -> Session:
    try:
        migrate(conn, path / DB_NAME)
        row = conn.execute("SELECT deleted FROM users WHERE id = ?", (user_id,)).fetchone()
        if row is None or row[0]:
            raise WrongPassphrase(_("This user no longer has access to the vault."))
    except BaseException:
        conn.close()
        raise
    session = Session(path, conn, user_id, slots, raw_key)
    # Evidence files an interrupted intake or deletion left without a record.
    # Best effort: busy in another program, a read-only disk... the next unlock or
    # `hrdesk check --repair` sweeps, and `check` reports what is left meanwhile.
    with contextlib.suppress(HrdeskError, DatabaseError):
        orphans.find(session, remove=True)
    return session


def user_count(path: Path) -> int:
    """How many users can unlock the vault (read from the key slots; no names there)."""
    try:
        return len(KeySlots.load(Path(path) / SLOTS_NAME).slots)
    except KeySlotsDamaged:
        return 0


def vault_meta(session: Session) -> dict[str, str]:
    return dict(session.conn.execute("SELECT key, value FROM meta").fetchall())


def default_vault_path() -> Path:
    from platformdirs import user_data_path

    env = os.environ.get("HRDESK_VAULT")
    return Path(env) if env else user_data_path("hrdesk", appauthor=False) / "vault"
