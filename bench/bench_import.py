"""Spreadsheet import benchmark of hrdesk: a dry run and a real import of N rows.

    python bench/bench_import.py [--rows 10000] [--xlsx] [--seed 0] [--workdir DIR]

Demo cases (``hrdesk.services.demo_data.generate_cases``) are flattened to the one-row-
per-case shape organizations keep in spreadsheets and written as a CSV (UTF-8 with a
BOM, ``;``, as Excel saves it in many locales) and, with ``--xlsx``, as a workbook with
real date cells. Each file is then imported into a fresh vault (cheap KDF parameters) by
``hrdesk.services.importer.import_file``, in a child process of its own so that its peak
memory is its own: first a dry run, then the real import.

Prints one JSON object to stdout; progress goes to stderr. See bench/README.md. This is a
measurement, never a test: it asserts nothing and exits 0 whatever the figures are.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PASSPHRASE = "benchmark passphrase, synthetic data only"
HEADERS = [
    "Case title",
    "Date opened",
    "Status",
    "Country",
    "Region",
    "Victim name",
    "Sex",
    "Violation",
    "Incident date",
    "Note",
]

_started = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _started:7.1f}s] {message}", file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    """ru_maxrss of this process: KiB on Linux, bytes on macOS."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


# -- the spreadsheet ----------------------------------------------------------------------


def spreadsheet_rows(count: int, seed: int, today: dt.date) -> Iterator[list[Any]]:
    """Demo cases as spreadsheet rows: labels rather than slugs, country names, Excel
    dates (datetime) for the opening date and exact incident dates, partial dates as text."""
    from babel import Locale

    from hrdesk.core import vocab
    from hrdesk.services.demo_data import generate_cases

    countries = Locale("en").territories
    for case in generate_cases(count, seed, today):
        victim = next((p for p in case["people"] if p["role"] == "victim"), {})
        incident = case["incidents"][0] if case.get("incidents") else {}
        when = incident.get("date", "")
        notes = case.get("notes") or [{}]
        yield [
            case["title"],
            dt.datetime.fromisoformat(case["opened_on"]),
            vocab.label("case-status", case["status"]),
            countries[case["location"]["country"]],
            case["location"].get("region"),
            victim.get("name") or victim.get("alias"),
            vocab.label("sex", victim["sex"]) if victim.get("sex") else None,
            "; ".join(vocab.label("violation", v) for v in incident.get("violations", [])),
            dt.datetime.fromisoformat(when) if len(when) == 10 else when,
            notes[0].get("text"),
        ]


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    return str(value)


def write_files(rows: int, seed: int, today: dt.date, workdir: Path, xlsx: bool) -> list[Path]:
    import csv

    csv_path = workdir / "cases.csv"
    paths = [csv_path]
    book = sheet = None
    if xlsx:
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("Cases")
        sheet.append(HEADERS)
        paths.append(workdir / "cases.xlsx")
    with csv_path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADERS)
        for row in spreadsheet_rows(rows, seed, today):
            writer.writerow([csv_cell(cell) for cell in row])
            if sheet is not None:
                sheet.append(row)
    if book is not None:
        book.save(paths[1])
    return paths


# -- one measurement (in a child process) -------------------------------------------------


def measure(path: Path, vault_dir: Path, today: dt.date) -> dict[str, Any]:
    from hrdesk.services import importer
    from hrdesk.store import kdf, vault

    params = kdf.KdfParams(1, 1024, 1, os.urandom(16))
    session = vault.create_vault(vault_dir, PASSPHRASE, "Benchmark", "bench", params).session
    baseline = peak_rss_mb()

    started = time.perf_counter()
    _headers, rows = importer.read_table(path)
    read_rows = sum(1 for _row in rows)
    read_s = time.perf_counter() - started
    after_read = peak_rss_mb()

    started = time.perf_counter()
    dry = importer.import_file(session, path, dry_run=True, today=today)
    dry_s = time.perf_counter() - started
    after_dry = peak_rss_mb()

    ops_before, commits_before = op_log(session)
    started = time.perf_counter()
    real = importer.import_file(session, path, today=today)
    real_s = time.perf_counter() - started
    after_import = peak_rss_mb()

    ops, commits = op_log(session)
    in_vault = session.conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    session.lock()
    return {
        "file": path.name,
        "file_mb": round(path.stat().st_size / 2**20, 2),
        "rows": dry.rows,
        "blank_rows": dry.blank_rows,
        "mapping_columns": len(dry.mapping.columns) if dry.mapping else 0,
        "errors": len(dry.errors),
        "first_errors": [str(error) for error in dry.errors[:5]],
        "read": {
            "seconds": round(read_s, 3),
            "rows_per_s": round(read_rows / read_s) if read_s else None,
        },
        "dry_run": {
            "seconds": round(dry_s, 3),
            "rows_per_s": round(dry.rows / dry_s) if dry_s else None,
        },
        "import": {
            "seconds": round(real_s, 3),
            "rows_per_s": round(real.rows / real_s) if real_s else None,
            "cases_created": len(real.created),
            "cases_in_vault": in_vault,
            "commits": commits - commits_before,
            "ops": ops - ops_before,
            "db_mb": round((vault_dir / vault.DB_NAME).stat().st_size / 2**20, 1),
        },
        "memory": {
            "peak_rss_mb": after_import,
            "baseline_mb": baseline,
            "after_read_mb": after_read,
            "after_dry_run_mb": after_dry,
            "dry_run_above_baseline_mb": round(after_dry - baseline, 1),
            "import_above_baseline_mb": round(after_import - baseline, 1),
        },
    }


def op_log(session) -> tuple[int, int]:
    """(op-log rows, commits of this device) in the vault."""
    conn = session.conn
    return (
        conn.execute("SELECT count(*) FROM ops").fetchone()[0],
        conn.execute("SELECT seq FROM local_device").fetchone()[0],
    )


def run_child(path: Path, vault_dir: Path, today: dt.date) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure", str(path), "--vault", str(vault_dir)]
    command += ["--today", today.isoformat()]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"file": path.name, "failed": done.returncode, "stderr": done.stderr[-2000:]}
    return json.loads(done.stdout)


# -- main ---------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows (default 10000)")
    parser.add_argument("--xlsx", action="store_true", help="also import an .xlsx workbook")
    parser.add_argument("--seed", type=int, default=0, help="demo data seed (default 0)")
    parser.add_argument("--workdir", type=Path, help="where to write (default: a temp dir)")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--vault", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--today", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.measure:
        today = dt.date.fromisoformat(args.today)
        print(json.dumps(measure(args.measure, args.vault, today)))
        return 0
    today = dt.date.today()
    base = Path(tempfile.mkdtemp(prefix="hrdesk-bench-import-", dir=args.workdir))
    try:
        log(f"writing {args.rows} rows in {base}")
        started = time.perf_counter()
        paths = write_files(args.rows, args.seed, today, base, args.xlsx)
        generate_s = time.perf_counter() - started
        results = {}
        for path in paths:
            log(f"dry run and import of {path.name} in a fresh vault")
            results[path.suffix[1:]] = run_child(path, base / f"vault-{path.suffix[1:]}", today)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    import openpyxl

    document = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "openpyxl": openpyxl.__version__,
        },
        "run": {
            "rows": args.rows,
            "seed": args.seed,
            "today": today.isoformat(),
            "write_files_s": round(generate_s, 2),
        },
        **results,
    }
    print(json.dumps(document, indent=1, ensure_ascii=False))
    log("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
