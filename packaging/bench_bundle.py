"""The built app against the source install: size, and cold start to the unlock screen.

    .venv/bin/python packaging/build.py                  # the bundle and its tarball
    .venv/bin/python packaging/bench_bundle.py [--runs 9] > bench-bundle.json

Cold start is measured as bench/bench_gui.py measures it: from spawning a fresh process
until the unlock screen of an existing vault has received its first paint event (the
offscreen platform). Both sides run the same code, packaging/launcher.py with
``HRDESK_STARTUP_PROBE=1``: frozen in the bundle, and with this Python
(``sys.executable``, which must have hrdesk installed) from the source tree. Runs
alternate in a shuffled order after one warm-up each, so the page cache is warm for
both (a first start after a reboot is slower for either). ``hrdesk --version`` is
timed the same way (the bundle against ``python -m hrdesk``).

Prints one JSON object; progress goes to stderr. A measurement, never a test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MARKER = "HRDESK-PROBE "
TARGET_MB = 150


def log(message: str) -> None:
    print(f"bench_bundle: {message}", file=sys.stderr, flush=True)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def sizes(bundle: Path) -> dict[str, Any]:
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    total = sum(p.stat().st_size for p in files)
    internal = bundle / "_internal"
    parts = {}
    for child in internal.iterdir():
        if child.is_symlink():
            continue
        if child.is_dir():
            size = sum(
                p.stat().st_size for p in child.rglob("*") if p.is_file() and not p.is_symlink()
            )
        else:
            size = child.stat().st_size
        parts[child.name] = size
    largest = sorted(parts.items(), key=lambda item: -item[1])[:12]
    tarballs = sorted(bundle.parent.glob("hrdesk-*-linux-*.tar.gz"))
    return {
        "folder_mb": round(total / 1e6, 1),
        "folder_mib": round(total / 2**20, 1),
        "files": len(files),
        "target_mb": TARGET_MB,
        "under_target": total / 1e6 < TARGET_MB,
        "executable_mb": round((bundle / "hrdesk").stat().st_size / 1e6, 1),
        "largest_parts_mb": {name: round(size / 1e6, 1) for name, size in largest},
        "tarball": tarballs[-1].name if tarballs else None,
        "tarball_mb": round(tarballs[-1].stat().st_size / 1e6, 1) if tarballs else None,
    }


def probe_once(command: list[str], vault: Path, settings: Path, env: dict) -> dict[str, float]:
    """Spawn → marker line, with the child's own phases (time.monotonic on both sides)."""
    spawned = time.monotonic()
    child = subprocess.Popen(
        [*command, str(vault), str(settings), "en"],
        env={**env, "HRDESK_STARTUP_PROBE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    report = None
    for line in child.stdout:
        if line.startswith(MARKER):
            ready = time.monotonic()
            report = json.loads(line[len(MARKER) :])
            break
    child.stdout.read()
    if child.wait(timeout=120) != 0 or report is None:
        raise RuntimeError(f"{command[0]}: the probe failed (exit code {child.returncode})")
    marks = report["marks"]
    return {
        "total": ready - spawned,
        "to_python": marks["started"] - spawned,  # bootloader/interpreter until launcher.py
        "imports": marks["imports"] - marks["started"],
        "build": marks["built"] - marks["imports"],
        "show_to_painted": marks["painted"] - marks["built"],
    }


def version_once(command: list[str], env: dict) -> float:
    started = time.monotonic()
    subprocess.run([*command, "--version"], env=env, check=True, capture_output=True)
    return time.monotonic() - started


def summary(samples: list[dict[str, float]], warmup: dict[str, float]) -> dict[str, Any]:
    totals = [s["total"] for s in samples]
    return {
        "median_ms": ms(statistics.median(totals)),
        "min_ms": ms(min(totals)),
        "max_ms": ms(max(totals)),
        "phases_median_ms": {
            phase: ms(statistics.median(s[phase] for s in samples))
            for phase in samples[0]
            if phase != "total"
        },
        "warmup_ms": ms(warmup["total"]),
        "runs_ms": [ms(t) for t in totals],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "hrdesk")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    bundle = args.bundle.resolve()
    if not (bundle / "hrdesk").is_file():
        raise SystemExit(f"no bundle in {bundle}: run packaging/build.py first")

    commands = {
        "bundle": [str(bundle / "hrdesk")],
        "source": [sys.executable, str(HERE / "launcher.py")],
    }
    with tempfile.TemporaryDirectory(prefix="hrdesk-bench-bundle-") as tmp:
        home = Path(tmp)
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "LANG": "C.UTF-8",
            "QT_QPA_PLATFORM": "offscreen",
            "HRDESK_NEW_PASSPHRASE": "benchmark passphrase, no data",
        }
        vault = home / "vault"
        log("creating a vault (one real Argon2id calibration)")
        subprocess.run(
            [*commands["bundle"], "--vault", str(vault), "init", "--org", "Bench", "--user", "b"],
            env=env,
            check=True,
            capture_output=True,
        )
        settings = {side: home / f"{side}.ini" for side in commands}
        log(f"cold start: 1 warm-up + {args.runs} runs of each side, alternating")
        warmup = {
            side: probe_once(cmd, vault, settings[side], env) for side, cmd in commands.items()
        }
        samples: dict[str, list[dict[str, float]]] = {side: [] for side in commands}
        rng = random.Random(args.seed)
        for _ in range(args.runs):
            order = list(commands)
            rng.shuffle(order)
            for side in order:
                samples[side].append(probe_once(commands[side], vault, settings[side], env))
        log("--version")
        version_commands = {
            "bundle": commands["bundle"],
            "source": [sys.executable, "-m", "hrdesk"],
        }
        versions = {side: [] for side in version_commands}
        for command in version_commands.values():
            version_once(command, env)  # warm-up
        for _ in range(args.runs):
            for side, command in version_commands.items():
                versions[side].append(version_once(command, env))

    cold = {side: summary(samples[side], warmup[side]) for side in commands}
    result = {
        "machine": {
            "python": sys.version.split()[0],
            "cpus": os.cpu_count(),
            "platform": sys.platform,
        },
        "size": sizes(bundle),
        "cold_start_to_unlock": {
            **cold,
            "bundle_minus_source_median_ms": round(
                cold["bundle"]["median_ms"] - cold["source"]["median_ms"], 1
            ),
            "note": (
                "spawn until the unlock screen's first paint (offscreen), warm page cache; "
                "phases: to_python = bootloader or interpreter start until launcher.py runs, "
                "imports = hrdesk.gui.app and Qt, build = App(), show_to_painted"
            ),
        },
        "version_command_ms": {
            side: {"median_ms": ms(statistics.median(times)), "runs_ms": [ms(t) for t in times]}
            for side, times in versions.items()
        },
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
