"""Encrypted evidence files: round trips, tamper detection, no plaintext on disk,
crash-safe writes and bounded memory (hrdesk/store/blobs.py)."""

from __future__ import annotations

import hashlib
import io
import os
import random
import re
import secrets
import stat
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

import pytest

from hrdesk.core.errors import HrdeskError
from hrdesk.store import blobs
from hrdesk.store.blobs import (
    CHUNK_SIZE,
    BlobDamaged,
    BlobError,
    BlobMissing,
    delete_blob,
    read_blob,
    verify_blob,
    write_blob,
)

HEADER = 38  # magic 8 + version 2 + chunk size 4 + secretstream header 24
RECORD = CHUNK_SIZE + 17  # a full chunk's record: tag byte + data + MAC
BIG = 300 * 1024 * 1024


class PatternSource(io.RawIOBase):
    """A deterministic, fast, never-materialized byte stream of ``size`` bytes.

    It repeats a random block whose length is not a multiple of the chunk size,
    so no two chunks are alike; it hashes what it hands out, as it goes.
    """

    def __init__(self, size: int, seed: int = 0, max_read: int | None = None) -> None:
        self.size = size
        self.pos = 0
        self.max_read = max_read
        self.block = random.Random(seed).randbytes(CHUNK_SIZE + 4099)
        self.sha = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        remaining = self.size - self.pos
        n = remaining if n is None or n < 0 else min(n, remaining)
        if self.max_read is not None:
            n = min(n, self.max_read)
        start = self.pos % len(self.block)
        data = self.block[start : start + n]
        while len(data) < n:
            data += self.block[: n - len(data)]
        self.pos += n
        self.sha.update(data)
        return data


def _folder(tmp_path: Path) -> Path:
    return tmp_path / "attachments"


def _read_all(folder: Path, blob_id: str, key: bytes) -> bytes:
    return b"".join(read_blob(folder, blob_id, key))


def _expected_file_size(size: int) -> int:
    return HEADER + size + 17 * max(1, -(-size // CHUNK_SIZE))


@pytest.mark.parametrize(
    "size", [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE, 2 * CHUNK_SIZE + 7]
)
def test_round_trip(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    seen: list[int] = []
    info = write_blob(_folder(tmp_path), io.BytesIO(data), progress=seen.append)
    assert info.size == size
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert (_folder(tmp_path) / info.blob_id).stat().st_size == _expected_file_size(size)
    assert seen == sorted(seen) and seen[-1] == size
    chunks = list(read_blob(_folder(tmp_path), info.blob_id, info.key))
    assert b"".join(chunks) == data
    assert all(len(chunk) == CHUNK_SIZE for chunk in chunks[:-1])
    assert verify_blob(_folder(tmp_path), info.blob_id, info.key, info.sha256)
    assert verify_blob(_folder(tmp_path), info.blob_id, info.key, info.sha256.upper())
    other_sha = hashlib.sha256(data + b"x").hexdigest()
    assert not verify_blob(_folder(tmp_path), info.blob_id, info.key, other_sha)


def test_short_reads_from_a_pipe_like_source(tmp_path: Path) -> None:
    source = PatternSource(3 * CHUNK_SIZE + 5, seed=3, max_read=65_537)
    info = write_blob(_folder(tmp_path), source)
    # Chunks are full despite the short reads: same layout as from a regular file.
    assert (_folder(tmp_path) / info.blob_id).stat().st_size == _expected_file_size(info.size)
    assert info.sha256 == source.sha.hexdigest()
    assert hashlib.sha256(_read_all(_folder(tmp_path), info.blob_id, info.key)).hexdigest() == (
        info.sha256
    )


def test_reader_follows_the_chunk_size_in_the_header(tmp_path: Path, monkeypatch) -> None:
    data = os.urandom(10_000)
    monkeypatch.setattr(blobs, "CHUNK_SIZE", 4096)  # as if written by another version
    info = write_blob(_folder(tmp_path), io.BytesIO(data))
    monkeypatch.undo()
    assert [len(c) for c in read_blob(_folder(tmp_path), info.blob_id, info.key)] == [
        4096,
        4096,
        1808,
    ]
    assert verify_blob(_folder(tmp_path), info.blob_id, info.key, info.sha256)


def test_every_file_gets_its_own_key_and_id(tmp_path: Path) -> None:
    infos = [write_blob(_folder(tmp_path), io.BytesIO(b"same evidence")) for _ in range(20)]
    assert len({info.blob_id for info in infos}) == 20
    assert len({info.key for info in infos}) == 20
    assert all(re.fullmatch(r"[0-9a-f]{32}", info.blob_id) for info in infos)
    assert all(len(info.key) == 32 for info in infos)
    stored = {(_folder(tmp_path) / info.blob_id).read_bytes()[HEADER:] for info in infos}
    assert len(stored) == 20  # the same plaintext never gives the same ciphertext
    assert infos[0].key.hex() not in repr(infos[0])


def test_big_file_streams_in_bounded_memory(tmp_path: Path) -> None:
    source = PatternSource(BIG, seed=1)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        info = write_blob(_folder(tmp_path), source)
        write_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        read_sha = hashlib.sha256()
        for chunk in read_blob(_folder(tmp_path), info.blob_id, info.key):
            read_sha.update(chunk)
        read_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert info.size == BIG
    assert info.sha256 == source.sha.hexdigest() == read_sha.hexdigest()
    assert write_peak < 16 * 1024 * 1024, write_peak
    assert read_peak < 16 * 1024 * 1024, read_peak


@pytest.fixture
def stored(tmp_path: Path) -> tuple[Path, blobs.BlobInfo, bytes]:
    data = os.urandom(3 * CHUNK_SIZE + 1000)  # three full records and a short final one
    info = write_blob(_folder(tmp_path), io.BytesIO(data))
    return _folder(tmp_path) / info.blob_id, info, data


def _flip(path: Path, offset: int) -> None:
    raw = bytearray(path.read_bytes())
    raw[offset] ^= 0x01
    path.write_bytes(bytes(raw))


def _truncate(path: Path, length: int) -> None:
    path.write_bytes(path.read_bytes()[:length])


def _swap_records(path: Path) -> None:
    raw = path.read_bytes()
    first, second = raw[HEADER : HEADER + RECORD], raw[HEADER + RECORD : HEADER + 2 * RECORD]
    path.write_bytes(raw[:HEADER] + second + first + raw[HEADER + 2 * RECORD :])


TAMPERING = {
    "magic": lambda p: _flip(p, 0),
    "version": lambda p: _flip(p, 9),
    "chunk size (still plausible)": lambda p: _flip(p, 12),
    "secretstream header": lambda p: _flip(p, 20),
    "first chunk": lambda p: _flip(p, HEADER + 5),
    "middle chunk": lambda p: _flip(p, HEADER + RECORD + CHUNK_SIZE // 2),
    "final chunk": lambda p: _flip(p, HEADER + 3 * RECORD + 10),
    "final MAC": lambda p: _flip(p, p.stat().st_size - 1),
    "truncated mid-chunk": lambda p: _truncate(p, HEADER + RECORD + 1000),
    "truncated at a chunk boundary": lambda p: _truncate(p, HEADER + 3 * RECORD),
    "truncated to the header": lambda p: _truncate(p, HEADER),
    "truncated inside the header": lambda p: _truncate(p, 20),
    "emptied": lambda p: _truncate(p, 0),
    "two chunks swapped": _swap_records,
    "bytes appended": lambda p: p.write_bytes(p.read_bytes() + b"\0"),
}


def test_abandoned_read_releases_its_file_and_threads(stored) -> None:
    path, info, data = stored
    threads = threading.active_count()
    stream = read_blob(path.parent, info.blob_id, info.key)
    assert next(stream) == data[:CHUNK_SIZE]
    stream.close()  # the viewer was closed after the first chunk
    assert threading.active_count() == threads
    delete_blob(path.parent, info.blob_id)  # not held open (matters on Windows)
    assert not path.exists()


@pytest.mark.parametrize("how", list(TAMPERING))
def test_tampering_is_detected(stored, how: str) -> None:
    path, info, _data = stored
    TAMPERING[how](path)
    with pytest.raises(BlobDamaged) as caught:
        _read_all(path.parent, info.blob_id, info.key)
    assert isinstance(caught.value, HrdeskError)
    assert info.blob_id in str(caught.value)
    assert not verify_blob(path.parent, info.blob_id, info.key, info.sha256)


def test_bytes_after_a_full_final_chunk(tmp_path: Path) -> None:
    # The final record is full-size here, so extra bytes form a record of their own.
    info = write_blob(_folder(tmp_path), io.BytesIO(os.urandom(2 * CHUNK_SIZE)))
    path = _folder(tmp_path) / info.blob_id
    path.write_bytes(path.read_bytes() + os.urandom(RECORD))
    with pytest.raises(BlobDamaged):
        _read_all(path.parent, info.blob_id, info.key)
    assert not verify_blob(path.parent, info.blob_id, info.key, info.sha256)


def test_truncation_surfaces_only_after_the_authentic_chunks(stored) -> None:
    path, info, data = stored
    _truncate(path, HEADER + 3 * RECORD)  # the FINAL record is gone
    got = []
    with pytest.raises(BlobDamaged):
        for chunk in read_blob(path.parent, info.blob_id, info.key):
            got.append(chunk)
    # What was yielded is authentic, but incomplete: hence "complete only at the end".
    assert b"".join(got) == data[: 3 * CHUNK_SIZE]


@pytest.mark.parametrize("key", ["random", "other blob", "short"])
def test_wrong_key(tmp_path: Path, stored, key: str) -> None:
    path, info, _data = stored
    other = write_blob(path.parent, io.BytesIO(b"other"))
    wrong = {"random": os.urandom(32), "other blob": other.key, "short": info.key[:16]}[key]
    with pytest.raises(BlobDamaged):
        _read_all(path.parent, info.blob_id, wrong)
    assert not verify_blob(path.parent, info.blob_id, wrong, info.sha256)


def test_blob_copied_over_another_id(stored) -> None:
    path, info, _data = stored
    other = write_blob(path.parent, io.BytesIO(b"other evidence"))
    (path.parent / other.blob_id).write_bytes(path.read_bytes())
    # Even with the right key, the blob is bound to its own id.
    for key in (info.key, other.key):
        with pytest.raises(BlobDamaged):
            _read_all(path.parent, other.blob_id, key)
        assert not verify_blob(path.parent, other.blob_id, key, info.sha256)
    assert verify_blob(path.parent, info.blob_id, info.key, info.sha256)  # the original is fine


def test_missing_and_malformed_ids(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    folder.mkdir()
    (tmp_path / "secret").write_bytes(b"not a blob")
    for blob_id in (secrets.token_hex(16), "../secret", "ABCDEF" * 6, ""):
        with pytest.raises(BlobMissing):
            read_blob(folder, blob_id, os.urandom(32))  # raised at the call, not on iteration
        assert not verify_blob(folder, blob_id, os.urandom(32), "0" * 64)
    with pytest.raises(ValueError):
        delete_blob(folder, "../secret")
    assert (tmp_path / "secret").exists()


def test_delete(stored) -> None:
    path, info, _data = stored
    delete_blob(path.parent, info.blob_id)
    assert not path.exists()
    delete_blob(path.parent, info.blob_id)  # already gone: fine
    assert not verify_blob(path.parent, info.blob_id, info.key, info.sha256)


def test_blob_and_temp_file_are_owner_only(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    modes: list[tuple[str, int]] = []

    def during_write(_done: int) -> None:
        modes.extend((p.name, stat.S_IMODE(p.stat().st_mode)) for p in folder.iterdir())

    old_umask = os.umask(0)  # the modes must not depend on a lenient umask
    try:
        info = write_blob(folder, PatternSource(2 * CHUNK_SIZE + 1), progress=during_write)
    finally:
        os.umask(old_umask)
    assert modes and all(name == f".{info.blob_id}.tmp" for name, _mode in modes)
    assert all(mode == 0o600 for _name, mode in modes)
    assert stat.S_IMODE((folder / info.blob_id).stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [p.name for p in folder.iterdir()] == [info.blob_id]


class FailingSource(PatternSource):
    def __init__(self, error: BaseException) -> None:
        super().__init__(10 * CHUNK_SIZE)
        self.error = error

    def read(self, n: int = -1) -> bytes:
        if self.pos >= 2 * CHUNK_SIZE + CHUNK_SIZE // 2:
            raise self.error
        return super().read(n)


def test_failed_write_leaves_nothing(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    with pytest.raises(RuntimeError, match="source went away"):
        write_blob(folder, FailingSource(RuntimeError("source went away")))
    assert list(folder.iterdir()) == []
    with pytest.raises(BlobError, match="Input/output error"):
        write_blob(folder, FailingSource(OSError(5, "Input/output error")))
    assert list(folder.iterdir()) == []

    def cancel(done: int) -> None:
        if done > CHUNK_SIZE:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_blob(folder, PatternSource(5 * CHUNK_SIZE), progress=cancel)
    assert list(folder.iterdir()) == []


def _files_since(root: Path, since: float) -> set[Path]:
    found = set()
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = Path(dirpath) / name
            try:
                if path.is_file() and path.stat().st_mtime >= since - 1:
                    found.add(path.resolve())
            except OSError:
                continue
    return found


def _contains(path: Path, needle: bytes) -> bool:
    """Streamed search, overlapping reads so a match across two reads is found."""
    tail = b""
    try:
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                if needle in tail + block:
                    return True
                tail = block[-(len(needle) - 1) :]
    except OSError:
        return False
    return False


def test_no_plaintext_reaches_disk(tmp_path: Path) -> None:
    start = time.time()
    canary = f"CANARYBLOB{secrets.token_hex(8)}".encode()
    plain = tmp_path / "evidence.jpg"
    # The canary across chunk boundaries, many times, in a multi-chunk file.
    plain.write_bytes((canary + os.urandom(997)) * 3500)
    with open(plain, "rb") as source:
        info = write_blob(_folder(tmp_path), source)
    assert _read_all(_folder(tmp_path), info.blob_id, info.key) == plain.read_bytes()
    assert verify_blob(_folder(tmp_path), info.blob_id, info.key, info.sha256)

    written = _files_since(tmp_path, start) | _files_since(Path(tempfile.gettempdir()), start)
    assert (_folder(tmp_path) / info.blob_id).resolve() in written
    hits = {path for path in written if _contains(path, canary)}
    assert hits == {plain.resolve()}  # the scanner sees the source, and nothing else
