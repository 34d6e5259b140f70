"""Attachment benchmark: encrypted evidence files (hrdesk/store/blobs.py) against plain copies.

    python bench/bench_attachments.py [--mb 500] [--rounds 3] [--workdir DIR]

Prints one JSON object to stdout; progress goes to stderr. See bench/README.md for
the figures and the targets. A measurement, never a test: it asserts nothing.
MB here is 2**20 bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nacl

from hrdesk.store import blobs

MB = 1 << 20
TARGET_RATIO = 1 / 3  # encrypted throughput vs the plain operation
TARGET_PEAK_MB = 100.0  # RSS above the baseline while adding / reading the file

_started = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _started:7.1f}s] {message}", file=sys.stderr, flush=True)


def filesystem_of(path: Path) -> str | None:
    """The file system type holding ``path`` (Linux only, best effort)."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return None
    target, best, best_type = str(path.resolve()), "", None
    for parts in (line.split() for line in mounts):
        inside = len(parts) >= 3 and (target + "/").startswith(parts[1].rstrip("/") + "/")
        if inside and len(parts[1]) > len(best):
            best, best_type = parts[1], parts[2]
    return best_type


def make_source(path: Path, size_mb: int) -> None:
    with open(path, "wb") as out:
        for _ in range(size_mb):
            out.write(os.urandom(MB))  # incompressible, like photos and video
        out.flush()
        os.fsync(out.fileno())


def timed(fn: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn(*args)
    return time.perf_counter() - start, value


def copy_with_fsync(src: Path, dst: Path) -> None:
    shutil.copyfile(src, dst)
    with open(dst, "rb+") as handle:
        os.fsync(handle.fileno())  # write_blob fsyncs too: compare like with like


def stream_read(path: Path) -> None:
    with open(path, "rb") as handle:
        while handle.read(blobs.CHUNK_SIZE):
            pass


def drop_from_cache(path: Path) -> bool:
    """Evict one clean file from the page cache (no root needed); False where unsupported."""
    if not hasattr(os, "posix_fadvise"):
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
    return True


def encrypt(src: Path, folder: Path) -> blobs.BlobInfo:
    with open(src, "rb") as source:
        return blobs.write_blob(folder, source)


def decrypt(folder: Path, info: blobs.BlobInfo) -> None:
    for _chunk in blobs.read_blob(folder, info.blob_id, info.key):
        pass


def measure_throughput(src: Path, workdir: Path, size_mb: int, rounds: int) -> dict[str, Any]:
    folder = workdir / "attachments"
    times: dict[str, list[float]] = {
        k: []
        for k in (
            "copyfile",
            "copyfile_fsync",
            "encrypt",
            "read",
            "decrypt",
            "verify",
            "read_cold",
            "decrypt_cold",
        )
    }
    cold = True
    stream_read(src)  # warm the page cache: every figure below reads from it
    verified = []
    for n in range(rounds):
        log(f"round {n + 1}/{rounds}: copy, encrypt, read, decrypt, verify")
        dst = workdir / "copy.bin"
        times["copyfile"].append(timed(shutil.copyfile, src, dst)[0])
        dst.unlink()
        times["copyfile_fsync"].append(timed(copy_with_fsync, src, dst)[0])
        seconds, info = timed(encrypt, src, folder)
        times["encrypt"].append(seconds)
        times["read"].append(timed(stream_read, dst)[0])
        times["decrypt"].append(timed(decrypt, folder, info)[0])
        seconds, ok = timed(blobs.verify_blob, folder, info.blob_id, info.key, info.sha256)
        times["verify"].append(seconds)
        verified.append(ok)
        # The same reads with the file evicted from the page cache: opening evidence that
        # is not in RAM (on a VM the host may still cache it).
        cold = drop_from_cache(dst) and drop_from_cache(folder / info.blob_id) and cold
        times["read_cold"].append(timed(stream_read, dst)[0])
        times["decrypt_cold"].append(timed(decrypt, folder, info)[0])
        blob_bytes = (folder / info.blob_id).stat().st_size
        dst.unlink()
        blobs.delete_blob(folder, info.blob_id)
    speed = {k: round(size_mb / statistics.median(v), 1) for k, v in times.items()}
    return {
        "mb_per_s_median": speed,
        "seconds": {k: [round(t, 3) for t in v] for k, v in times.items()},
        "ratio": {
            "encrypt_vs_copyfile_fsync": round(speed["encrypt"] / speed["copyfile_fsync"], 3),
            "encrypt_vs_copyfile": round(speed["encrypt"] / speed["copyfile"], 3),
            "decrypt_vs_read": round(speed["decrypt"] / speed["read"], 3),
            "decrypt_vs_read_cold": round(speed["decrypt_cold"] / speed["read_cold"], 3),
            "verify_vs_read": round(speed["verify"] / speed["read"], 3),
        },
        "blob_overhead_bytes": blob_bytes - size_mb * MB,
        "verify_blob_true": all(verified),
        "cold_cache_evicted": cold,
    }


def _rss_now_mb() -> float | None:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / MB


def _maxrss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MB if sys.platform == "darwin" else peak / 1024  # bytes vs KiB


def child(mode: str) -> None:
    """Run in a fresh interpreter: one operation, RSS peak before and after."""
    job = json.loads(sys.stdin.read())
    folder = Path(job["folder"])
    baseline = _maxrss_mb()  # after imports (blobs, nacl, hashlib): the app has them too
    rss_now = _rss_now_mb()
    if mode == "write":
        info = encrypt(Path(job["src"]), folder)
        out = {"blob_id": info.blob_id, "key": info.key.hex(), "sha256": info.sha256}
    else:
        info = blobs.BlobInfo(job["blob_id"], bytes.fromhex(job["key"]), 0, "")
        decrypt(folder, info)
        out = {}
    peak = _maxrss_mb()
    figures = {"baseline_mb": round(baseline, 1), "peak_mb": round(peak, 1)}
    figures["rss_at_start_mb"] = None if rss_now is None else round(rss_now, 1)
    print(json.dumps(out | figures))


def run_child(mode: str, job: dict[str, Any]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", mode],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout)


def measure_memory(src: Path, workdir: Path) -> dict[str, Any]:
    folder = workdir / "attachments"
    log("memory: write_blob then read_blob, each in a fresh process (ru_maxrss)")
    wrote = run_child("write", {"src": str(src), "folder": str(folder)})
    read = run_child("read", {"folder": str(folder)} | wrote)
    blobs.delete_blob(folder, wrote["blob_id"])
    result = {}
    for mode, res in (("write_blob", wrote), ("read_blob", read)):
        result[mode] = {
            "baseline_mb": res["baseline_mb"],
            "peak_mb": res["peak_mb"],
            "above_baseline_mb": round(res["peak_mb"] - res["baseline_mb"], 1),
            # Stricter: against the resident size when the operation started (the peak
            # above may include a transient of the interpreter's start-up).
            "rss_at_start_mb": res["rss_at_start_mb"],
            "above_rss_at_start_mb": (
                None
                if res["rss_at_start_mb"] is None
                else round(res["peak_mb"] - res["rss_at_start_mb"], 1)
            ),
        }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mb", type=int, default=500, help="file size in MB (default 500)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (default 3)")
    parser.add_argument("--workdir", type=Path, help="where to write (default: a temp dir)")
    parser.add_argument("--child", choices=("write", "read"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child)
        return 0

    parent = args.workdir.absolute() if args.workdir else Path(tempfile.gettempdir())
    parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="hrdesk-bench-attachments-", dir=parent))
    try:
        src = workdir / "source.bin"
        log(f"writing a {args.mb} MB source file in {workdir}")
        make_source(src, args.mb)
        result: dict[str, Any] = {
            "machine": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "cpu_count": os.cpu_count(),
                "pynacl": nacl.__version__,
                "workdir_filesystem": filesystem_of(workdir),
            },
            "run": {"mb": args.mb, "rounds": args.rounds, "chunk_size": blobs.CHUNK_SIZE},
            "throughput": measure_throughput(src, workdir, args.mb, args.rounds),
            "memory": measure_memory(src, workdir),
        }
        ratio, memory = result["throughput"]["ratio"], result["memory"]
        result["targets"] = {
            "encrypt_at_least_a_third_of_copyfile_fsync": (
                ratio["encrypt_vs_copyfile_fsync"] >= TARGET_RATIO
            ),
            "encrypt_at_least_a_third_of_copyfile": ratio["encrypt_vs_copyfile"] >= TARGET_RATIO,
            "decrypt_at_least_a_third_of_read_warm": ratio["decrypt_vs_read"] >= TARGET_RATIO,
            "decrypt_at_least_a_third_of_read_cold": (
                ratio["decrypt_vs_read_cold"] >= TARGET_RATIO
            ),
        }
        for mode in ("write_blob", "read_blob"):
            worst = max(
                memory[mode]["above_baseline_mb"], memory[mode]["above_rss_at_start_mb"] or 0
            )
            result["targets"][f"{mode}_peak_under_100mb_above_baseline"] = worst < TARGET_PEAK_MB
    finally:
        shutil.rmtree(workdir, ignore_errors=True)  # only what this run created
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
