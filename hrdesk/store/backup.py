"""One-file encrypted backups, and restoring them as a new device.

A backup is a zip (stored, not compressed) of a consistent copy of the
database made with ``sqlcipher_export`` (so still encrypted with the vault key),
the key-slot file, the encrypted attachments, and a manifest of SHA-256 sums.
Every part is already ciphertext: the same passphrases and recovery key open it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; see _lock_staging()
    fcntl = None  # type: ignore[assignment]

from hrdesk.core import safeinput
from hrdesk.core.errors import BackupError, ValidationError, VaultExists
from hrdesk.core.ids import new_device_tag, new_id
from hrdesk.i18n import _
from hrdesk.i18n.formatting import format_size
from hrdesk.store.atomic import fsync_dir, make_private_dir
from hrdesk.store.connection import key_literal
from hrdesk.store.migrations import LATEST
from hrdesk.store.oplog import GENESIS
from hrdesk.store.vault import DB_NAME, SLOTS_NAME, Session

FORMAT = "hrdesk-backup"
VERSION = 1
MANIFEST = "manifest.json"
ARCHIVE_PART = "backup.zip.part"  # the archive being written, in the staging folder
LOCK_NAME = "lock"  # held (flock) by the backup writing in the staging folder

# The manifest lists about 100 bytes per file: 32 MB is 300,000 attachments, far beyond
# any vault, and reading it stays cheap.
MAX_MANIFEST_BYTES = 32_000_000

# What a backup may unpack to beyond its own size. Everything in it is ciphertext (the
# database, the attachments), which no compression shrinks; only the key-slot file is
# JSON (a few kB), which a tool that re-zipped a backup may have compressed.
UNPACK_SLACK_BYTES = 1_000_000

# Left free on the disk after a restore: the restored vault must still open (its WAL,
# SQLite's temporary files) and the computer go on working.
FREE_SPACE_MARGIN_BYTES = 64_000_000

# What reading a part of a zip raises when the zip is damaged or not what it says.
_ZIP_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,  # a compression method zipfile does not have
    RuntimeError,  # an encrypted part
)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backup(session: Session, dest: Path) -> dict[str, object]:
    """Write a backup to ``dest`` (which must not exist); returns its manifest."""
    dest = Path(dest).absolute()
    with _staging_for(dest) as staging:
        if dest.exists():
            raise BackupError(_("{path} already exists; choose a new file name.").format(path=dest))
        conn = session.conn
        copy = staging / DB_NAME
        conn.execute(
            f"ATTACH DATABASE ? AS backup_copy KEY {key_literal(session.raw_key)}", (str(copy),)
        )
        try:
            conn.execute("SELECT sqlcipher_export('backup_copy')").fetchall()
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            conn.execute(f"PRAGMA backup_copy.user_version = {int(version)}")
        finally:
            conn.execute("DETACH DATABASE backup_copy")
        files: dict[str, Path] = {DB_NAME: copy, SLOTS_NAME: session.path / SLOTS_NAME}
        attachments = session.attachments
        if attachments.is_dir():
            for blob in sorted(attachments.rglob("*")):
                if blob.is_file():
                    files[blob.relative_to(session.path).as_posix()] = blob
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "schema": version,
            "vault_id": meta.get("vault_id"),
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "files": {name: _sha256(path) for name, path in files.items()},
        }
        tmp_zip = staging / ARCHIVE_PART
        fd = os.open(tmp_zip, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw:
            with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as archive:
                archive.writestr(MANIFEST, json.dumps(manifest, indent=1))
                for name, path in files.items():
                    archive.write(path, name)
            # After the zip is closed: its central directory, written last, is on disk too.
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp_zip, dest)
        fsync_dir(dest.parent)
        return manifest


@contextlib.contextmanager
def _staging_for(dest: Path) -> Iterator[Path]:
    """The folder where a backup to ``dest`` is made (``.NAME.partial`` beside it: the
    database copy and the archive being written), held for the whole backup, emptied of
    what a killed backup left in it, and removed at the end.

    A backup killed with SIGKILL cannot clean up after itself. Its lock (``flock`` on a
    file in the folder) is the kernel's and dies with it, so the next backup to the same
    name knows the leftover is dead and clears it; the folder of a live backup (still
    locked) is never touched: the second backup is refused instead.
    """
    staging = dest.parent / f".{dest.name}.partial"
    handle = _lock_staging(staging, dest)
    try:
        _empty(staging)
        # Versions before this one wrote the archive beside the backup, and a killed one
        # left it there, which made every later backup under that name fail.
        with contextlib.suppress(FileNotFoundError):
            (dest.parent / f".{dest.name}.tmp").unlink()
        yield staging
    finally:
        _empty(staging)
        with contextlib.suppress(FileNotFoundError):
            (staging / LOCK_NAME).unlink()
        with contextlib.suppress(OSError):
            staging.rmdir()
        if handle is not None:
            os.close(handle)  # last: the folder is gone before the lock is let go


def _lock_staging(staging: Path, dest: Path) -> int | None:
    """The locked handle of ``staging``'s lock file (None where there is no ``flock``:
    Windows, or a file system without locks, where a leftover is cleared as before)."""
    while True:
        make_private_dir(staging)
        try:
            handle = os.open(staging / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        except FileNotFoundError:
            continue  # the folder went between the two: a backup that held it ended
        if fcntl is None:
            os.close(handle)
            return None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            raise BackupError(
                _(
                    "Another backup to {path} is being written; wait for it to end, "
                    "or choose another file name."
                ).format(path=dest)
            ) from None
        except OSError:  # no locks on this file system: nothing can tell a live backup
            os.close(handle)
            return None
        # The lock may be on a file that the backup which held it removed on its way out
        # (we waited on its handle): then start again with the folder as it is now.
        try:
            current = os.stat(staging / LOCK_NAME)
        except FileNotFoundError:
            current = None
        if current is not None and os.path.samestat(current, os.fstat(handle)):
            return handle
        os.close(handle)


def _empty(staging: Path) -> None:
    """Remove everything in ``staging`` but its lock file."""
    with contextlib.suppress(FileNotFoundError):
        for leftover in list(staging.iterdir()):
            if leftover.name == LOCK_NAME:
                continue
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()


def _damaged() -> BackupError:
    return BackupError(_("This file is not an hrdesk backup, or it is damaged."))


def _manifest_damaged(field: str) -> BackupError:
    return BackupError(
        _("This backup's manifest is damaged (“{field}”); it cannot be restored.").format(
            field=field
        )
    )


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _safe_name(name: str) -> bool:
    """A relative path inside the vault folder, as the backup writes them."""
    parts = name.split("/")
    return all(
        part not in ("", ".", "..") and "\\" not in part and "\x00" not in part and len(part) <= 255
        for part in parts
    )


def read_manifest(archive: zipfile.ZipFile) -> dict[str, object]:
    try:
        declared = archive.getinfo(MANIFEST).file_size
    except KeyError as exc:
        raise _damaged() from exc
    if declared > MAX_MANIFEST_BYTES:
        raise _manifest_damaged(MANIFEST)
    try:
        manifest = safeinput.parse_json(archive.read(MANIFEST), MANIFEST)
    except (ValidationError, *_ZIP_READ_ERRORS) as exc:
        raise _damaged() from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _damaged()
    version = manifest.get("version")
    if not _whole(version):
        raise _manifest_damaged("version")
    if version > VERSION:  # type: ignore[operator]
        raise BackupError(_("This backup was made by a newer version of hrdesk."))
    if version != VERSION:
        raise _manifest_damaged("version")
    schema = manifest.get("schema")
    if not _whole(schema) or schema < 0:  # type: ignore[operator]
        raise _manifest_damaged("schema")
    if schema > LATEST:  # type: ignore[operator]
        raise BackupError(_("This backup was made by a newer version of hrdesk."))
    files = manifest.get("files")
    if not isinstance(files, dict) or DB_NAME not in files:
        raise _manifest_damaged("files")
    for name, digest in files.items():
        if not _safe_name(name) or not (
            isinstance(digest, str) and re.fullmatch("[0-9a-f]{64}", digest)
        ):
            raise _manifest_damaged("files")
    return manifest


def _free_space(folder: Path) -> int:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return shutil.disk_usage(folder).free


def extract(source: Path, vault_dir: Path) -> Path:
    """Verify and unpack a backup into a staging folder beside ``vault_dir``.

    The caller unlocks the staged copy (proving the passphrase), calls
    ``become_new_device`` and then ``commit_restore``.

    Sizes are checked before a byte is written: what the parts declare against the
    backup's own size (ciphertext does not compress) and against the free space; then
    every part is counted as it is written, and stops at its declared size.
    """
    vault_dir = Path(vault_dir).absolute()
    if vault_dir.exists() and (not vault_dir.is_dir() or any(vault_dir.iterdir())):
        raise VaultExists(
            _("{path} is not empty; restore into a new or empty folder.").format(path=vault_dir)
        )
    try:
        size = Path(source).stat().st_size
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise _damaged() from exc
    staging = vault_dir.parent / f".{vault_dir.name}.restoring"
    with archive:
        manifest = read_manifest(archive)
        parts = []
        for name, expected in manifest["files"].items():  # type: ignore[union-attr]
            try:
                parts.append((name, archive.getinfo(name), expected))
            except KeyError as exc:
                raise BackupError(
                    _("The backup is damaged: a part its manifest lists is missing.")
                ) from exc
        declared = sum(info.file_size for _name, info, _expected in parts)
        if declared > size + UNPACK_SLACK_BYTES:
            raise BackupError(
                _(
                    "This is not an hrdesk backup, or it is damaged: its parts claim {declared} "
                    "in a file of {size}."
                ).format(declared=format_size(declared), size=format_size(size))
            )
        needed = declared + FREE_SPACE_MARGIN_BYTES
        free = _free_space(vault_dir.parent)
        if needed > free:
            raise BackupError(
                _(
                    "Not enough free space to restore this backup: it needs {needed}, "
                    "and {free} is free."
                ).format(needed=format_size(needed), free=format_size(free))
            )
        shutil.rmtree(staging, ignore_errors=True)
        make_private_dir(staging)
        try:
            for name, info, expected in parts:
                _unpack(archive, info, staging, name, expected)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    make_private_dir(staging / "attachments")
    return staging


def _unpack(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, staging: Path, name: str, expected: str
) -> None:
    """Write one part, counting its bytes: a part that holds more than it declares stops
    there (whatever the zip says), and one that fails its checksum is refused."""
    target = (staging / name).resolve()
    if staging.resolve() not in target.parents:
        raise _damaged()
    digest = hashlib.sha256()
    written = 0
    try:
        make_private_dir(target.parent)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise _cannot_write(staging, exc) from exc
    with os.fdopen(fd, "wb") as out:
        try:
            src = archive.open(info)
        except _ZIP_READ_ERRORS as exc:
            raise _damaged() from exc
        with src:
            while True:
                try:
                    chunk = src.read(1 << 20)
                except _ZIP_READ_ERRORS as exc:
                    raise _damaged() from exc
                if not chunk:
                    break
                written += len(chunk)
                if written > info.file_size:
                    raise BackupError(
                        _("The backup is damaged: a part holds more than it declares.")
                    )
                digest.update(chunk)
                try:
                    out.write(chunk)
                except OSError as exc:
                    raise _cannot_write(staging, exc) from exc
        try:
            out.flush()
            os.fsync(out.fileno())
        except OSError as exc:
            raise _cannot_write(staging, exc) from exc
    if digest.hexdigest() != expected:
        raise BackupError(_("The backup is damaged: a part fails its checksum."))


def _cannot_write(staging: Path, exc: OSError) -> BackupError:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return BackupError(_("The disk is full: the backup could not be restored."))
    return BackupError(_("Cannot write the restored vault in {path}.").format(path=staging.parent))


def become_new_device(session: Session) -> None:
    """A restored copy is a new device: its own id, tag, counters, chain and sync keys
    (two devices signing with one key could not be told apart, nor one revoked)."""
    conn = session.conn
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "UPDATE local_device SET device_id = ?, device_tag = ?, seq = 0, chain_head = ?, "
        "next_case_number = 1",
        (new_id(), new_device_tag(), GENESIS),
    )
    conn.execute(
        "UPDATE device_keys SET sign_seed = ?, box_secret = ?",
        (secrets.token_bytes(32), secrets.token_bytes(32)),
    )
    # The new device has pushed nothing yet; it must be enrolled again to sync.
    conn.execute("DELETE FROM sync_pushed")
    conn.execute("COMMIT")


def commit_restore(staging: Path, vault_dir: Path) -> None:
    vault_dir = Path(vault_dir).absolute()
    if vault_dir.exists():
        vault_dir.rmdir()  # empty, checked by extract
    os.replace(staging, vault_dir)
    fsync_dir(vault_dir.parent)


def abandon_restore(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
