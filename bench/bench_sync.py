"""Sync benchmark: initial, incremental and no-op sync over a folder and over WebDAV.

    python bench/bench_sync.py [--cases 10000] [--edits 100]

What is measured (targets in brackets), each beside a baseline from the same run:

1. ``initial`` [< 60 s for 10,000 cases]: a fresh device joins and pulls a whole demo
   vault, over a folder and over WebDAV (wsgidav on 127.0.0.1, started here; the
   same files are copied into its folder). Baseline: building the source vault
   locally through the same write path (``build``), and the sender's first push.
2. ``incremental`` [< 2 s over WebDAV]: ``--edits`` separate edits (one commit each)
   on the source, then its sync (push) and the receiver's sync (pull), timed apart and
   summed; over the folder and over WebDAV.
3. ``noop`` [< 200 ms on a folder]: a sync with nothing new, median of 5.
4. ``bytes_per_operation``: bytes of all sync files divided by the operations they
   carry (with the plaintext JSON of those operations as the baseline).

Vaults use cheap Argon2id parameters (the key derivation is excluded). Prints one JSON
object; progress goes to stderr. A measurement, never a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hrdesk.services import cases, demo, sync  # noqa: E402
from hrdesk.store import kdf, vault  # noqa: E402
from tests.servers import WEBDAV_PASSWORD, WEBDAV_USER, free_port, start_webdav, stop  # noqa: E402

PASSPHRASE = "benchmark passphrase, synthetic data only"


def log(message: str) -> None:
    print(f"[bench_sync] {message}", file=sys.stderr, flush=True)


def cheap() -> kdf.KdfParams:
    import os

    return kdf.KdfParams(1, 1024, 1, os.urandom(16))


def new_vault(path: Path, user: str) -> vault.Session:
    return vault.create_vault(path, PASSPHRASE, "Bench org", user, cheap()).session


def timed(fn, *args) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def enroll(admin: vault.Session, newcomer: vault.Session, label: str) -> None:
    request, _code = sync.join_request(newcomer, label)
    enrollment, _info = sync.enroll(admin, request)
    sync.join(newcomer, enrollment)


def folder_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def operations(session: vault.Session) -> tuple[int, int]:
    """(operations, bytes of their plaintext JSON) in the vault."""
    rows = session.conn.execute(
        "SELECT count(*), sum(length(entity) + length(entity_id) + length(field) "
        "+ length(value) + length(seen) + 20) FROM ops"
    ).fetchone()
    return rows[0], rows[1]


def edit(session: vault.Session, refs: list[str], count: int, tag: str) -> None:
    for index in range(count):
        cases.update_case(session, refs[index % len(refs)], {"summary": f"{tag} {index}"})


def noop(session: vault.Session) -> float:
    samples = []
    for _ in range(5):
        seconds, result = timed(sync.run, session)
        assert result.received_files == 0 and result.sent_files == 0
        samples.append(seconds)
    return round(statistics.median(samples) * 1000, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=100)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="hrdesk-bench-sync-"))
    shared = work / "shared"
    shared.mkdir()
    dav_root = work / "dav"
    (dav_root / "org").mkdir(parents=True)
    port = free_port()
    server = start_webdav(dav_root, port)
    out: dict[str, Any] = {"cases": args.cases, "edits": args.edits}
    try:
        source = new_vault(work / "source", "source")
        log(f"building {args.cases} demo cases")
        seconds, _ = timed(demo.fill, source, args.cases, 0, None, dt.date(2026, 11, 1))
        ops, plain_bytes = operations(source)
        out["build"] = {"seconds": round(seconds, 2), "operations": ops}
        sync.setup(source, f"folder://{shared}", {}, "source")
        by_folder = new_vault(work / "folder-device", "folder")
        by_dav = new_vault(work / "dav-device", "dav")
        enroll(source, by_folder, "folder device")
        enroll(source, by_dav, "webdav device")
        log("first push")
        push_seconds, result = timed(sync.run, source)
        out["first_push"] = {"seconds": round(push_seconds, 2), "files": result.sent_files}
        sync_bytes = folder_bytes(shared / "log")
        out["bytes_per_operation"] = {
            "sync_files": round(sync_bytes / ops, 1),
            "plaintext_json_baseline": round(plain_bytes / ops, 1),
        }

        log("initial sync over the folder")
        seconds, result = timed(sync.run, by_folder)
        out["initial"] = {
            "folder_seconds": round(seconds, 2),
            "received_operations": result.received_operations,
        }
        shutil.copytree(shared, dav_root / "org", dirs_exist_ok=True)
        dav_address = f"webdav://127.0.0.1:{port}/org"
        dav_options = {"username": WEBDAV_USER, "password": WEBDAV_PASSWORD}
        sync.setup(by_dav, dav_address, dav_options, "webdav device")
        log("initial sync over WebDAV")
        seconds, result = timed(sync.run, by_dav)
        out["initial"]["webdav_seconds"] = round(seconds, 2)
        out["initial"]["target_seconds"] = 60

        refs = [c["ref"] for c in cases.list_cases(source, _all(), limit=args.edits)]
        edit(source, refs, args.edits, "folder")
        push_seconds, _ = timed(sync.run, source)
        pull_seconds, result = timed(sync.run, by_folder)
        out["incremental"] = {
            "folder": {
                "push_seconds": round(push_seconds, 3),
                "pull_seconds": round(pull_seconds, 3),
                "total_seconds": round(push_seconds + pull_seconds, 3),
            }
        }
        out["noop_ms"] = {"folder": noop(by_folder), "target_folder_ms": 200}

        # The source moves to the WebDAV server (same files), then edits again.
        shutil.copytree(shared, dav_root / "org", dirs_exist_ok=True)
        sync.setup(source, dav_address, dav_options, "source")
        sync.run(by_dav)
        edit(source, refs, args.edits, "webdav")
        push_seconds, _ = timed(sync.run, source)
        pull_seconds, result = timed(sync.run, by_dav)
        out["incremental"]["webdav"] = {
            "push_seconds": round(push_seconds, 3),
            "pull_seconds": round(pull_seconds, 3),
            "total_seconds": round(push_seconds + pull_seconds, 3),
            "received_operations": result.received_operations,
            "target_seconds": 2,
        }
        out["noop_ms"]["webdav"] = noop(by_dav)
        for session in (source, by_folder, by_dav):
            session.lock()
    finally:
        stop(server)
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(out, indent=1))
    return 0


def _all():
    from hrdesk.store.queries import CaseFilter

    return CaseFilter()


if __name__ == "__main__":
    raise SystemExit(main())
