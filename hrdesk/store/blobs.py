"""Encrypted evidence files (attachments), streamed in authenticated chunks.

Each file gets its own random 256-bit key, returned to the caller (who keeps it
in the encrypted database) and never written next to the file. The plaintext is
never held whole in memory nor written to disk: it is read, hashed and encrypted
one chunk at a time with libsodium's ``crypto_secretstream_xchacha20poly1305``.

On-disk format of ``attachments/<blob_id>`` (integers big-endian)::

    offset  size  field
    0       8     magic  b"HRDBLOB1"
    8       2     format version (1)
    10      4     chunk size in plaintext bytes (1 MiB = 1048576)
    14      24    secretstream header (random, from init_push)
    38      ...   records, one per chunk: secretstream ciphertext of the chunk
                  (1 encrypted tag byte + the chunk + 16-byte Poly1305 MAC,
                  i.e. chunk length + 17 bytes)

Every record but the last holds exactly ``chunk size`` plaintext bytes and the
tag MESSAGE; the last one holds 0 to ``chunk size`` bytes and the tag FINAL (an
empty file is a single empty FINAL record). So a blob of ``n`` plaintext bytes
takes ``38 + n + 17 * max(1, ceil(n / chunk size))`` bytes. Each record is
authenticated with associated data = the 14-byte plain header + the blob id
(32 ASCII hex digits): a blob copied over another id, or an edited header, fails
on its first record. Secretstream chains the records (implicit counter), so
reordered, dropped or duplicated records fail, and the FINAL tag is required:
a file cut at a record boundary is an error, never a shorter file.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
import struct
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # Windows: no flock; see intake()
    fcntl = None  # type: ignore[assignment]

import nacl.bindings as sodium
from nacl.exceptions import CryptoError

from hrdesk.core.errors import HrdeskError
from hrdesk.i18n import _
from hrdesk.store.atomic import fsync_dir, make_private_dir

# libsodium's secretstream under short names.
_STATE = sodium.crypto_secretstream_xchacha20poly1305_state
_init_push = sodium.crypto_secretstream_xchacha20poly1305_init_push
_push = sodium.crypto_secretstream_xchacha20poly1305_push
_init_pull = sodium.crypto_secretstream_xchacha20poly1305_init_pull
_pull = sodium.crypto_secretstream_xchacha20poly1305_pull
TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
KEY_BYTES = sodium.crypto_secretstream_xchacha20poly1305_KEYBYTES  # 32
STREAM_HEADER_BYTES = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES  # 24
ABYTES = sodium.crypto_secretstream_xchacha20poly1305_ABYTES  # 17: tag byte + MAC

MAGIC = b"HRDBLOB1"
VERSION = 1
CHUNK_SIZE = 1 << 20
_PREFIX = struct.Struct(">8sHI")  # magic, version, chunk size
# A chunk size read from a file sizes our reads before anything is authenticated:
# bound it so a hostile file cannot make us allocate gigabytes.
_MAX_CHUNK = 16 << 20
TEMP_SUFFIX = ".tmp"  # in-progress writes are ".<blob_id>.tmp": ciphertext only
_BLOB_ID = re.compile(r"[0-9a-f]{32}")
# What hrdesk itself leaves in the attachments folder: blobs and in-progress writes.
_OUR_FILE = re.compile(r"\.?[0-9a-f]{32}(\.tmp)?")


class BlobError(HrdeskError):
    """An attachment cannot be stored or read (disk full, I/O error...)."""


class BlobMissing(BlobError):
    """The attachment's file is not in the attachments folder."""


class BlobDamaged(BlobError):
    """The attachment fails authentication: altered, truncated, or the wrong key."""


@dataclass(frozen=True)
class BlobInfo:
    blob_id: str  # file name under the attachments folder (random, 32 hex)
    key: bytes = field(repr=False)  # 32 random bytes; the caller stores it in the database
    size: int  # plaintext bytes
    sha256: str  # hex SHA-256 of the plaintext, computed while streaming (chain of custody)


def _read_full(source: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes; short only at end of input (pipes and raw files read short)."""
    parts, got = [], 0
    while got < size and (data := source.read(size - got)):
        parts.append(data)
        got += len(data)
    return b"".join(parts)  # bytes, as libsodium wants (no copy for a single part)


def _failed(message: str, exc: OSError, **fields: str) -> BlobError:
    # strerror ("No space left on device") names neither the file nor any content.
    return BlobError(message.format(reason=exc.strerror or type(exc).__name__, **fields))


class _Sha256:
    """SHA-256 on a helper thread, overlapping the cipher and the file I/O.

    hashlib and libsodium both release the GIL on large buffers, so on two cores
    intake and verification run ~1.5x faster. Updates stay in order (each waits
    for the previous one). A context manager: it owns a thread.
    """

    def __init__(self) -> None:
        self._sha = hashlib.sha256()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="hrdesk-sha256")
        self._pending: Future[None] = self._pool.submit(lambda: None)

    def update(self, data: bytes) -> None:
        self._pending.result()  # also re-raises an error of the previous update
        self._pending = self._pool.submit(self._sha.update, data)

    def hexdigest(self) -> str:
        self._pending.result()
        return self._sha.hexdigest()

    def __enter__(self) -> _Sha256:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def write_blob(
    folder: Path, source: BinaryIO, progress: Callable[[int], None] | None = None
) -> BlobInfo:
    """Encrypt ``source`` (read to its end) into a new blob in ``folder``.

    ``progress`` gets the plaintext bytes stored so far after each chunk; it may
    raise (e.g. the user pressed Cancel) to abort: like any error, that removes
    the partial file and propagates. Memory use is a few chunks, whatever the size.
    """
    folder = Path(folder)
    blob_id = secrets.token_hex(16)
    key = os.urandom(KEY_BYTES)
    target = folder / blob_id
    tmp = folder / f".{blob_id}{TEMP_SUFFIX}"
    prefix = _PREFIX.pack(MAGIC, VERSION, CHUNK_SIZE)
    ad = prefix + blob_id.encode("ascii")
    size = 0
    placed = False
    try:
        if not folder.is_dir():
            make_private_dir(folder)
        # O_EXCL + 0o600 at creation: the file is owner-only from its first byte.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        with _Sha256() as digest, os.fdopen(os.open(tmp, flags, 0o600), "wb") as out:
            state = _STATE()
            out.write(prefix + _init_push(state, key))
            chunk = _read_full(source, CHUNK_SIZE)
            while True:
                digest.update(chunk)  # runs while we read ahead and encrypt
                # Read one chunk ahead: a full chunk is the last one only if nothing follows,
                # and the FINAL tag must go on the last chunk.
                following = _read_full(source, CHUNK_SIZE) if len(chunk) == CHUNK_SIZE else b""
                tag = TAG_MESSAGE if following else TAG_FINAL
                out.write(_push(state, chunk, ad, tag))
                size += len(chunk)
                if progress is not None:
                    progress(size)
                if tag == TAG_FINAL:
                    break
                chunk = following
            out.flush()
            os.fsync(out.fileno())
            sha256 = digest.hexdigest()
        os.replace(tmp, target)
        placed = True
        fsync_dir(folder)
    except BaseException as exc:
        # Never leave a partial blob, nor one the caller will not record because we raised.
        for path in (tmp, target) if placed else (tmp,):
            with contextlib.suppress(OSError):
                path.unlink()
        if isinstance(exc, OSError):
            raise _failed(_("Could not store the attachment: {reason}"), exc) from exc
        raise
    return BlobInfo(blob_id=blob_id, key=key, size=size, sha256=sha256)


def _lock(folder: Path, how: int) -> int:
    """The folder itself, locked (flock works on a directory): no lock file in the vault."""
    handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        fcntl.flock(handle, how)
    except BaseException:
        os.close(handle)
        raise
    return handle


@contextmanager
def intake(folder: Path) -> Iterator[None]:
    """Wrap writing a blob *and* committing its record: until the block ends, the blob
    is an intake in progress, not an orphan, whatever ``no_intake`` callers see.

    Any number of intakes (threads, programs) hold it at once: a shared flock on the
    attachments folder. The lock is the kernel's: a killed program releases it, and
    its blob becomes an orphan.
    """
    if fcntl is None:  # Windows: no sweep can tell, so orphans are left for the user
        yield
        return
    folder = Path(folder)
    if not folder.is_dir():
        make_private_dir(folder)
    handle = _lock(folder, fcntl.LOCK_SH)
    try:
        yield
    finally:
        os.close(handle)


@contextmanager
def no_intake(folder: Path) -> Iterator[set[str] | None]:
    """The files of the attachments folder (``stored_files``) when no intake is under way
    in any program, and none starts until the block ends (keep it short); None while one
    is, since a file without a record may then be its blob."""
    folder = Path(folder)
    if fcntl is None:
        yield None
        return
    if not folder.is_dir():
        yield set()  # an intake that makes it now has no file in this (empty) listing
        return
    try:
        handle = _lock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        yield None
        return
    try:
        yield stored_files(folder)
    finally:
        os.close(handle)


def stored_files(folder: Path) -> set[str]:
    """The names of the files in the attachments folder."""
    folder = Path(folder)
    if not folder.is_dir():
        return set()
    return {path.name for path in folder.iterdir() if path.is_file()}


def is_ours(name: str) -> bool:
    """A blob or an in-progress write (hrdesk never deletes a file it did not make)."""
    return _OUR_FILE.fullmatch(name) is not None


def blob_id_of(name: str) -> str:
    """The blob id a file of ours is named after (``.<id>.tmp`` → ``<id>``)."""
    return name.removeprefix(".").removesuffix(TEMP_SUFFIX)


def remove_stray(folder: Path, name: str) -> None:
    """Delete a file of ours that no record owns (call it inside ``no_intake``)."""
    if not is_ours(name):
        raise ValueError(f"not a file hrdesk made: {name!r}")
    try:
        (Path(folder) / name).unlink()
    except FileNotFoundError:
        return
    except OSError as exc:
        msg = _("Could not delete attachment {blob_id}: {reason}")
        raise _failed(msg, exc, blob_id=blob_id_of(name)) from exc
    fsync_dir(Path(folder))


def _blob_path(folder: Path, blob_id: str) -> Path | None:
    # Ids come from the database; a malformed one must never become a path (../).
    if not isinstance(blob_id, str) or not _BLOB_ID.fullmatch(blob_id):
        return None
    return Path(folder) / blob_id


def _damaged(blob_id: str) -> BlobDamaged:
    msg = _("Attachment {blob_id} is damaged, was altered, or its key is wrong.")
    return BlobDamaged(msg.format(blob_id=blob_id))


def _missing(blob_id: str) -> BlobMissing:
    return BlobMissing(_("Attachment {blob_id} is missing.").format(blob_id=blob_id))


def read_blob(folder: Path, blob_id: str, key: bytes) -> Iterator[bytes]:
    """Stream the plaintext of a blob, chunk by chunk, each chunk authenticated.

    Raises ``BlobMissing`` at once if there is no such blob. ``BlobDamaged`` may
    be raised at any chunk, **including after earlier chunks were yielded**:
    every yielded chunk is authentic and in order, but the output is complete
    only once the iterator ends without an exception (the FINAL chunk has been
    verified). A caller writing the plaintext somewhere (a viewer, an export)
    must discard what it wrote if iteration raises.
    """
    path = _blob_path(folder, blob_id)
    if path is None or not path.is_file():
        raise _missing(blob_id)
    return _stream(path, blob_id, key)


def _stream(path: Path, blob_id: str, key: bytes) -> Iterator[bytes]:
    try:
        with open(path, "rb") as handle:
            with contextlib.suppress(AttributeError, OSError):  # a hint: more read-ahead
                os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_SEQUENTIAL)
            prefix = handle.read(_PREFIX.size)
            if len(prefix) < _PREFIX.size:
                raise _damaged(blob_id)
            magic, version, chunk_size = _PREFIX.unpack(prefix)
            if magic != MAGIC or version != VERSION or not 0 < chunk_size <= _MAX_CHUNK:
                raise _damaged(blob_id)
            state = _STATE()
            try:
                header = handle.read(STREAM_HEADER_BYTES)
                _init_pull(state, header, key)
            except (CryptoError, ValueError, TypeError) as exc:  # short header, bad key
                raise _damaged(blob_id) from exc
            ad = prefix + blob_id.encode("ascii")
            # Read the next record on a helper thread while this one is decrypted (file reads
            # and libsodium both release the GIL), so disk and cipher work at the same time.
            with ThreadPoolExecutor(1, thread_name_prefix="hrdesk-blob-read") as reader:
                ahead = reader.submit(handle.read, chunk_size + ABYTES)
                while True:
                    record = ahead.result()
                    ahead = reader.submit(handle.read, chunk_size + ABYTES)
                    if len(record) < ABYTES:  # ends without a FINAL record: truncated
                        raise _damaged(blob_id)
                    try:
                        chunk, tag = _pull(state, record, ad)
                    except CryptoError as exc:
                        raise _damaged(blob_id) from exc
                    if tag == TAG_FINAL:
                        if ahead.result():  # bytes after FINAL were appended
                            raise _damaged(blob_id)
                        yield chunk
                        return
                    if tag != TAG_MESSAGE or len(chunk) != chunk_size:
                        raise _damaged(blob_id)
                    yield chunk
    except FileNotFoundError as exc:  # deleted between the check and the open
        raise _missing(blob_id) from exc
    except OSError as exc:
        raise _failed(
            _("Could not read attachment {blob_id}: {reason}"), exc, blob_id=blob_id
        ) from exc


def verify_blob(folder: Path, blob_id: str, key: bytes, sha256: str) -> bool:
    """True if the blob decrypts completely and its plaintext has this SHA-256."""
    try:
        with _Sha256() as digest:  # hashes a chunk while the next one is decrypted
            for chunk in read_blob(folder, blob_id, key):
                digest.update(chunk)
            actual = digest.hexdigest()
    except BlobError:
        return False
    return hmac.compare_digest(actual, str(sha256).lower())


def delete_blob(folder: Path, blob_id: str) -> None:
    """Remove a blob's file; a missing one is fine (the goal is that it is gone)."""
    path = _blob_path(folder, blob_id)
    if path is None:
        raise ValueError(f"not a blob id: {blob_id!r}")
    try:
        path.unlink()
    except FileNotFoundError:
        return
    except OSError as exc:
        msg = _("Could not delete attachment {blob_id}: {reason}")
        raise _failed(msg, exc, blob_id=blob_id) from exc
    fsync_dir(Path(folder))  # so that a crash cannot bring the deleted evidence back
