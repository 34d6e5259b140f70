"""One-file encrypted backups, and restoring them as a new device.

A backup is a zip (stored, not compressed) of a consistent copy of the
database made with ``sqlcipher_export`` (so still encrypted with the vault key),
the key-slot file, the encrypted attachments, and a manifest of SHA-256 sums.
Every part is already ciphertext: the same passphrases and recovery key open it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import zipfile
from pathlib import Path

from hrdesk.core.errors import BackupError, VaultExists
from hrdesk.core.ids import new_device_tag, new_id
from hrdesk.i18n import _
from hrdesk.store.atomic import fsync_dir, make_private_dir
from hrdesk.store.connection import key_literal
from hrdesk.store.migrations import LATEST
from hrdesk.store.oplog import GENESIS
from hrdesk.store.vault import DB_NAME, SLOTS_NAME, Session

FORMAT = "hrdesk-backup"
VERSION = 1
MANIFEST = "manifest.json"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backup(session: Session, dest: Path) -> dict[str, object]:
    """Write a backup to ``dest`` (which must not exist); returns its manifest."""
    dest = Path(dest).absolute()
    if dest.exists():
        raise BackupError(_("{path} already exists; choose a new file name.").format(path=dest))
    staging = dest.parent / f".{dest.name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    make_private_dir(staging)
    tmp_zip = dest.parent / f".{dest.name}.tmp"
    try:
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
        attachments = session.path / "attachments"
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
        fd = os.open(tmp_zip, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest, indent=1))
            for name, path in files.items():
                archive.write(path, name)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp_zip, dest)
        fsync_dir(dest.parent)
        return manifest
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            tmp_zip.unlink()


def read_manifest(archive: zipfile.ZipFile) -> dict[str, object]:
    damaged = BackupError(_("This file is not an hrdesk backup, or it is damaged."))
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise damaged from exc
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise damaged
    if not isinstance(manifest.get("files"), dict) or DB_NAME not in manifest["files"]:
        raise damaged
    return manifest


def extract(source: Path, vault_dir: Path) -> Path:
    """Verify and unpack a backup into a staging folder beside ``vault_dir``.

    The caller unlocks the staged copy (proving the passphrase), calls
    ``become_new_device`` and then ``commit_restore``.
    """
    vault_dir = Path(vault_dir).absolute()
    if vault_dir.exists() and any(vault_dir.iterdir()):
        raise VaultExists(
            _("{path} is not empty; restore into a new or empty folder.").format(path=vault_dir)
        )
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(_("This file is not an hrdesk backup, or it is damaged.")) from exc
    staging = vault_dir.parent / f".{vault_dir.name}.restoring"
    shutil.rmtree(staging, ignore_errors=True)
    with archive:
        manifest = read_manifest(archive)
        if int(manifest.get("schema", 0)) > LATEST:  # type: ignore[arg-type]
            raise BackupError(_("This backup was made by a newer version of hrdesk."))
        make_private_dir(staging)
        try:
            for name, expected in manifest["files"].items():  # type: ignore[union-attr]
                target = (staging / name).resolve()
                if staging.resolve() not in target.parents:
                    raise BackupError(_("This file is not an hrdesk backup, or it is damaged."))
                make_private_dir(target.parent)
                with archive.open(name) as src, open(target, "xb") as out:
                    shutil.copyfileobj(src, out)
                    out.flush()
                    os.fsync(out.fileno())
                os.chmod(target, 0o600)
                if _sha256(target) != expected:
                    raise BackupError(_("The backup is damaged: a part fails its checksum."))
        except (KeyError, zipfile.BadZipFile, OSError) as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise BackupError(_("This file is not an hrdesk backup, or it is damaged.")) from exc
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    make_private_dir(staging / "attachments")
    return staging


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
