"""Storage benchmark of hrdesk: an encrypted demo vault against a plain SQLite copy.

    python bench/bench_store.py [--cases 100000] [--seed 0] [--workdir DIR] [--keep]
    python bench/bench_store.py --reuse DIR      # a vault built by an earlier --keep run

Prints one JSON object to stdout; progress goes to stderr. See bench/README.md for
what each figure means and the targets. This is a measurement, never a test: it
asserts nothing and exits 0 whatever the figures are.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import copy
import datetime as dt
import importlib.metadata
import itertools
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from hrdesk.core.textfold import match_expression
from hrdesk.services import cases as case_service
from hrdesk.services import demo
from hrdesk.services.demo_data import generate_cases
from hrdesk.store import kdf, vault
from hrdesk.store.connection import connect
from hrdesk.store.migrations import migrate
from hrdesk.store.queries import CaseFilter

PASSPHRASE = "benchmark passphrase, synthetic data only"
META_NAME = "bench.json"
VAULT_DIR = "vault"
PLAIN_DIR = "plain"
SCRIPTS = ("LATIN", "ARABIC", "CYRILLIC", "MYANMAR")

TARGET_WRITE_MS = 10.0
TARGET_SEARCH_P95_MS = 50.0
TARGET_SEARCH_RATIO = 2.0

_started = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _started:8.1f}s] {message}", file=sys.stderr, flush=True)


# -- statistics ----------------------------------------------------------------


def summary(samples: list[float]) -> dict[str, Any]:
    """p50/p95 (ms) with statistics.quantiles; samples are in seconds."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "n": len(samples),
        "p50_ms": round(cuts[49] * 1000, 3),
        "p95_ms": round(cuts[94] * 1000, 3),
        "mean_ms": round(statistics.fmean(samples) * 1000, 3),
        "max_ms": round(max(samples) * 1000, 3),
    }


def ratio(encrypted: dict[str, Any], plain: dict[str, Any]) -> dict[str, float | None]:
    def div(a: float, b: float) -> float | None:
        return round(a / b, 2) if b > 0 else None

    return {
        "p50": div(encrypted["p50_ms"], plain["p50_ms"]),
        "p95": div(encrypted["p95_ms"], plain["p95_ms"]),
    }


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# -- machine --------------------------------------------------------------------


def filesystem_of(path: Path) -> str | None:
    """The file system type holding ``path`` (Linux only, best effort)."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return None
    target = str(path.resolve())
    best, best_type = "", None
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1]
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, best_type = point, parts[2]
    return best_type


def machine_facts(conn, workdir: Path) -> dict[str, Any]:
    def pragma(name: str) -> Any:
        try:
            row = conn.execute(f"PRAGMA {name}").fetchone()
        except Exception:
            return None
        return row[0] if row else None

    try:
        sqlcipher3_version = importlib.metadata.version("sqlcipher3")
    except importlib.metadata.PackageNotFoundError:
        sqlcipher3_version = None
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "sqlcipher_version": pragma("cipher_version"),
        "sqlcipher_provider": pragma("cipher_provider"),
        "sqlcipher_provider_version": pragma("cipher_provider_version"),
        "cipher_page_size": pragma("cipher_page_size"),
        "sqlite_version": conn.execute("SELECT sqlite_version()").fetchone()[0],
        "sqlcipher3_package": sqlcipher3_version,
        "workdir_filesystem": filesystem_of(workdir),
    }


# -- build / reuse ----------------------------------------------------------------


def cheap_params() -> kdf.KdfParams:
    return kdf.KdfParams(1, 1024, 1, os.urandom(16))


def build_vault(workdir: Path, cases: int, seed: int, today: dt.date) -> tuple[Any, dict]:
    path = workdir / VAULT_DIR
    created = vault.create_vault(path, PASSPHRASE, "Benchmark org", "bench", cheap_params())
    session = created.session
    step = max(cases // 20, demo.BATCH)
    next_report = [step]

    def progress(done: int, total: int) -> None:
        # fill() reports the last batch twice (after it, and at the end): log it once.
        if done >= next_report[0] or (done == total and next_report[0] <= total):
            rate = done / max(time.perf_counter() - start, 1e-9)
            log(f"build: {done}/{total} cases ({rate:.0f} cases/s)")
            next_report[0] = done + step if done < total else total + 1

    log(f"build: filling {cases} demo cases (seed {seed})")
    start = time.perf_counter()
    added = demo.fill(session, cases, seed=seed, progress=progress, today=today)
    seconds = time.perf_counter() - start
    build = {
        "cases": added,
        "seconds": round(seconds, 2),
        "cases_per_s": round(added / seconds, 1) if seconds > 0 else None,
    }
    meta = {
        "passphrase": PASSPHRASE,
        "raw_key": session.raw_key.hex(),
        "user_id": session.user_id,
        "cases": cases,
        "seed": seed,
        "today": today.isoformat(),
        "build": build,
        "note": "synthetic benchmark data; the key is stored here on purpose",
    }
    meta_path = workdir / META_NAME
    meta_path.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    os.chmod(meta_path, 0o600)
    return session, meta


def reopen_vault(workdir: Path) -> tuple[Any, dict]:
    meta = json.loads((workdir / META_NAME).read_text(encoding="utf-8"))
    session = vault.unlock(workdir / VAULT_DIR, meta["passphrase"])
    return session, meta


# -- plain copy ---------------------------------------------------------------------


def make_plain_copy(session, workdir: Path) -> tuple[Any, float]:
    """The same schema and data, unencrypted, opened through the same code."""
    plain_dir = workdir / PLAIN_DIR
    shutil.rmtree(plain_dir, ignore_errors=True)
    plain_dir.mkdir(mode=0o700, parents=True)
    plain_db = plain_dir / vault.DB_NAME
    conn = session.conn
    start = time.perf_counter()
    conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain_db),))
    try:
        conn.execute("SELECT sqlcipher_export('plain')").fetchall()
        version = conn.execute("PRAGMA main.user_version").fetchone()[0]
        conn.execute(f"PRAGMA plain.user_version = {int(version)}")
    finally:
        conn.execute("DETACH DATABASE plain")
    seconds = time.perf_counter() - start
    plain_conn = connect(plain_db, None)
    migrate(plain_conn, plain_db)  # a no-op: proves the copy is at the latest schema
    plain = vault.Session(plain_dir, plain_conn, session.user_id, None, b"\0" * 32)
    return plain, seconds


# -- 2. unlock ------------------------------------------------------------------------


def measure_kdf(repeats: int) -> dict[str, Any]:
    log("unlock: calibrating the real Argon2id parameters")
    start = time.perf_counter()
    params = kdf.calibrate()
    calibrate_s = time.perf_counter() - start
    derive = lambda: kdf.derive(PASSPHRASE, params)  # noqa: E731
    derive()  # warm-up (first allocation of the memory cost)
    samples = [timed(derive) for _ in range(repeats)]
    return {
        "params": {
            "time_cost": params.time_cost,
            "memory_kib": params.memory_kib,
            "parallelism": params.parallelism,
        },
        "calibrate_s": round(calibrate_s, 3),
        "derive_runs_s": [round(s, 3) for s in samples],
        "derive_p50_s": round(statistics.median(samples), 3),
    }


def measure_open(
    db_path: Path, raw_key: bytes | None, user_id: str, opens: int, warmup: int = 3
) -> dict[str, Any]:
    """connect (key) + migration check + the checks and first screen of an unlock."""
    parts: dict[str, list[float]] = {"connect": [], "migration_check": [], "first_query": []}
    totals: list[float] = []
    key = raw_key if raw_key is not None else b"\0" * 32
    for index in range(warmup + opens):
        t0 = time.perf_counter()
        conn = connect(db_path, raw_key)
        t1 = time.perf_counter()
        migrate(conn, db_path)
        t2 = time.perf_counter()
        # What vault._open_session does, then the first screen: the case list.
        conn.execute("SELECT deleted FROM users WHERE id = ?", (user_id,)).fetchone()
        session = vault.Session(db_path.parent, conn, user_id, None, key)
        case_service.list_cases(session, CaseFilter(status=["open", "active"]), limit=50)
        t3 = time.perf_counter()
        session.lock()
        if index >= warmup:
            parts["connect"].append(t1 - t0)
            parts["migration_check"].append(t2 - t1)
            parts["first_query"].append(t3 - t2)
            totals.append(t3 - t0)
    result: dict[str, Any] = {
        f"{name}_p50_ms": round(statistics.median(values) * 1000, 3)
        for name, values in parts.items()
    }
    result["total"] = summary(totals)
    return result


# -- query set ------------------------------------------------------------------------


def script_of(text: str) -> str | None:
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            return name.split(" ", 1)[0] if name else None
    return None


def words(text: str | None) -> list[str]:
    """Whitespace words with punctuation trimmed (Burmese words keep their marks)."""
    out = []
    for raw in (text or "").split():
        start, end = 0, len(raw)
        while start < end and unicodedata.category(raw[start])[0] in "PS":
            start += 1
        while end > start and unicodedata.category(raw[end - 1])[0] in "PS":
            end -= 1
        if end > start:
            out.append(raw[start:end])
    return out


def most_common(counter: collections.Counter, exclude: Iterable[str] = ()) -> str | None:
    skip = set(exclude)
    for value, _count in counter.most_common():
        if value not in skip:
            return value
    return None


def _content_word(word: str) -> bool:
    """Long enough not to be a preposition or particle, and no digits."""
    return len(word) >= 6 and not any(ch.isdigit() for ch in word)


def choose_queries(conn, sample: int = 60_000) -> list[dict[str, str]]:
    """~20 typical searches, 5 kinds x 4 scripts, made of words present in the vault.

    Per script, the most frequent: given name, family name, locality, content word of a
    title, and a two-word query (given + family name). Scripts whose names are written
    without spaces (Burmese) search the full name, the region instead of a family name,
    and a two-word phrase of a title.
    """
    counters: dict[str, dict[str, collections.Counter]] = collections.defaultdict(
        lambda: collections.defaultdict(collections.Counter)
    )
    place_words: set[str] = set()

    for (name,) in conn.execute(
        "SELECT name FROM people WHERE name IS NOT NULL LIMIT ?", (sample,)
    ):
        parts, script = words(name), script_of(name)
        if not parts or script is None:
            continue
        if len(parts) >= 2:
            counters[script]["given_name"][parts[0]] += 1
            counters[script]["family_name"][parts[-1]] += 1
            counters[script]["two_words"][f"{parts[0]} {parts[-1]}"] += 1
        else:
            counters[script]["full_name"][parts[0]] += 1
    for region, locality in conn.execute("SELECT region, locality FROM cases LIMIT ?", (sample,)):
        for kind, value in (("region", region), ("place", locality)):
            if value and (script := script_of(value)):
                counters[script][kind][value] += 1
                place_words.update(words(value))
    for (title,) in conn.execute("SELECT title FROM cases LIMIT ?", (sample,)):
        title_words = [w for w in words(title) if w not in place_words]
        for word in title_words:
            if _content_word(word) and (script := script_of(word)):
                counters[script]["title_word"][word] += 1
        for first, second in itertools.pairwise(title_words):
            if _content_word(first) and _content_word(second) and (script := script_of(first)):
                counters[script]["title_phrase"][f"{first} {second}"] += 1

    queries: list[dict[str, str]] = []
    for script in SCRIPTS:
        found = counters[script]
        kinds = (
            ("given_name", "full_name"),
            ("family_name", "region"),
            ("place", "region"),
            ("title_word",),
            ("two_words", "title_phrase"),
        )
        for choices in kinds:
            for kind in choices:
                query = most_common(found[kind], exclude=[q["q"] for q in queries])
                if query:
                    queries.append({"script": script.lower(), "kind": kind, "q": query})
                    break
    return queries


def total_matches(conn, query: str) -> int:
    expression = match_expression(query)
    if expression is None:
        return 0
    return conn.execute(
        "SELECT count(*) FROM case_search WHERE case_search MATCH ?", (expression,)
    ).fetchone()[0]


def substring_cases(conn, query: str) -> int:
    """Cases whose indexed text contains every word of the query as typed.

    A sanity check of ``fts_matches``: far more FTS matches than this means the
    tokenizer splits the words into smaller pieces (false hits).
    """
    from hrdesk.core.textfold import fold

    columns = ("title", "summary", "people", "places", "notes")
    clauses, params = [], []
    for word in words(fold(query)):
        clauses.append("(" + " OR ".join(f"{c} LIKE ?" for c in columns) + ")")
        params += [f"%{word}%"] * len(columns)
    if not clauses:
        return 0
    sql = f"SELECT count(*) FROM case_search WHERE {' AND '.join(clauses)}"
    return conn.execute(sql, params).fetchone()[0]


# -- 4. search / 5. filtered list -------------------------------------------------------


def run_rounds(
    sessions: dict[str, Any],
    items: list[Any],
    call: Callable[[Any, Any], object],
    rounds: int,
    warmup: int,
    seed: int,
) -> dict[str, list[list[float]]]:
    """Per session, per item, the timings of ``rounds`` runs (shuffled order each round)."""
    rng = random.Random(seed)
    samples = {label: [[] for _ in items] for label in sessions}
    order = list(range(len(items)))
    for round_index in range(warmup + rounds):
        rng.shuffle(order)
        for label, session in sessions.items():
            for index in order:
                elapsed = timed(lambda s=session, i=index: call(s, items[i]))
                if round_index >= warmup:
                    samples[label][index].append(elapsed)
    return samples


def compare(samples: dict[str, list[list[float]]], items: list[dict[str, Any]]) -> dict[str, Any]:
    flat = {label: [t for per in values for t in per] for label, values in samples.items()}
    result: dict[str, Any] = {
        "encrypted": summary(flat["encrypted"]),
        "plain": summary(flat["plain"]),
    }
    result["ratio"] = ratio(result["encrypted"], result["plain"])
    detail = []
    for index, item in enumerate(items):
        enc = summary(samples["encrypted"][index])
        plain = summary(samples["plain"][index])
        detail.append(
            item
            | {
                "encrypted_p50_ms": enc["p50_ms"],
                "encrypted_p95_ms": enc["p95_ms"],
                "plain_p50_ms": plain["p50_ms"],
                "plain_p95_ms": plain["p95_ms"],
                "ratio_p50": ratio(enc, plain)["p50"],
            }
        )
    result["per_item"] = detail
    return result


def measure_search(sessions: dict[str, Any], rounds: int, seed: int) -> dict[str, Any]:
    enc_conn = sessions["encrypted"].conn
    queries = choose_queries(enc_conn)
    log(f"search: {len(queries)} queries x {rounds} rounds on each database")
    same = True
    for query in queries:
        hits = {
            label: [r["id"] for r in case_service.search(s, query["q"], limit=50)]
            for label, s in sessions.items()
        }
        same = same and hits["encrypted"] == hits["plain"]
        query["hits"] = len(hits["encrypted"])
        query["fts_matches"] = total_matches(enc_conn, query["q"])
        query["text_contains"] = substring_cases(sessions["plain"].conn, query["q"])
    samples = run_rounds(
        sessions,
        queries,
        lambda s, q: case_service.search(s, q["q"], limit=50),
        rounds,
        warmup=2,
        seed=seed,
    )
    result = compare(samples, queries)
    result["queries"] = result.pop("per_item")
    result["same_results_encrypted_and_plain"] = same
    return result


def choose_filters(conn) -> list[dict[str, Any]]:
    violation = conn.execute(
        "SELECT term FROM case_terms WHERE kind = 'violation' "
        "GROUP BY term ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    country = conn.execute(
        "SELECT country FROM cases WHERE country IS NOT NULL "
        "GROUP BY country ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    newest = conn.execute("SELECT max(opened_on) FROM cases").fetchone()[0]
    to = dt.date.fromisoformat(newest) if newest else dt.date.today()
    since = (to - dt.timedelta(days=365)).isoformat()
    active = ["open", "active"]
    extra_violation = [violation[0]] if violation else []
    extra_country = [country[0]] if country else []
    specs = [
        ("all", {}),
        ("status", {"status": active}),
        ("status+dates", {"status": active, "opened_from": since, "opened_to": to.isoformat()}),
        ("status+violation", {"status": active, "violation": extra_violation}),
        (
            "status+violation+country",
            {"status": active, "violation": extra_violation, "country": extra_country},
        ),
        (
            "status+violation+country+dates",
            {
                "status": active,
                "violation": extra_violation,
                "country": extra_country,
                "opened_from": since,
                "opened_to": to.isoformat(),
            },
        ),
    ]
    return [{"name": name, "filter": spec} for name, spec in specs]


def measure_filtered_list(sessions: dict[str, Any], rounds: int, seed: int) -> dict[str, Any]:
    from hrdesk.store.queries import count_cases

    filters = choose_filters(sessions["encrypted"].conn)
    log(f"filtered_list: {len(filters)} filters x {rounds} rounds on each database")
    for item in filters:
        item["matching_cases"] = count_cases(
            sessions["encrypted"].conn, CaseFilter(**item["filter"])
        )
    samples = run_rounds(
        sessions,
        filters,
        lambda s, f: case_service.list_cases(s, CaseFilter(**f["filter"]), limit=50),
        rounds,
        warmup=2,
        seed=seed,
    )
    result = compare(samples, filters)
    result["filters"] = result.pop("per_item")
    return result


# -- 3. write one case --------------------------------------------------------------------


def measure_writes(
    sessions: dict[str, Any], count: int, warmup: int, seed: int, today: dt.date
) -> dict[str, Any]:
    log(f"write_one_case: {warmup} warm-up + {count} cases on each database")
    fresh = list(generate_cases(count + warmup, seed=seed, today=today))
    samples: dict[str, list[float]] = {}
    ops_per_case = []
    for label, session in sessions.items():
        samples[label] = []
        for index, case in enumerate(fresh):
            data = copy.deepcopy(case)
            elapsed = timed(lambda s=session, d=data: case_service.add_case(s, d, today))
            if index >= warmup:
                samples[label].append(elapsed)
                if label == "encrypted":
                    ops_per_case.append(last_commit_ops(session.conn))
    result: dict[str, Any] = {
        "encrypted": summary(samples["encrypted"]),
        "plain": summary(samples["plain"]),
    }
    result["ratio"] = ratio(result["encrypted"], result["plain"])
    result["ops_per_case_mean"] = round(statistics.fmean(ops_per_case), 1)
    return result


def last_commit_ops(conn) -> int:
    """Operations in the newest op-log commit (one commit per write transaction)."""
    return conn.execute(
        "SELECT count(*) FROM ops WHERE commit_id = (SELECT max(id) FROM commits)"
    ).fetchone()[0]


# -- 7. size ------------------------------------------------------------------------------


def file_mb(path: Path) -> float:
    return path.stat().st_size / 1e6 if path.exists() else 0.0


def measure_size(session, plain, cases_in_vault: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for label, s in (("encrypted", session), ("plain", plain)):
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        db = s.path / vault.DB_NAME
        db_mb = file_mb(db)
        wal_mb = file_mb(db.with_name(db.name + "-wal"))
        total = db_mb + wal_mb
        out[label] = {
            "db_mb": round(db_mb, 2),
            "wal_mb": round(wal_mb, 2),
            "total_mb": round(total, 2),
            "mb_per_1000_cases": round(total / cases_in_vault * 1000, 3)
            if cases_in_vault
            else None,
        }
    conn = session.conn
    counts = {}
    for table in ("cases", "people", "actors", "involvements", "incidents", "notes", "consents"):
        counts[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    # The op-log: one row per commit (write transaction), one per field operation.
    out["oplog_rows"] = {
        "commits": conn.execute("SELECT count(*) FROM commits").fetchone()[0],
        "ops": conn.execute("SELECT count(*) FROM ops").fetchone()[0],
    }
    out["rows"] = counts
    out["largest_objects_mb"] = largest_objects(plain.path / vault.DB_NAME)
    return out


def largest_objects(path: Path, top: int = 10) -> dict[str, float] | None:
    """Space per table/index of the plain copy (same content, no encryption overhead).

    sqlcipher3 is built without the dbstat table; Python's own sqlite3 usually has it.
    """
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            rows = conn.execute(
                "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT ?",
                (top,),
            ).fetchall()
    except sqlite3.Error:
        return None
    return {name: round(size / 1e6, 2) for name, size in rows}


# -- main -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", type=int, default=100_000, help="demo cases (default 100000)")
    parser.add_argument("--seed", type=int, default=0, help="demo data seed (default 0)")
    parser.add_argument("--workdir", type=Path, help="where to build (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the workdir (for --reuse)")
    parser.add_argument("--reuse", type=Path, metavar="DIR", help="reuse a vault kept earlier")
    parser.add_argument("--opens", type=int, default=20, help="timed opens (default 20)")
    parser.add_argument("--kdf-runs", type=int, default=3, help="timed KDF runs (default 3)")
    parser.add_argument("--writes", type=int, default=200, help="timed writes (default 200)")
    parser.add_argument("--rounds", type=int, default=20, help="search rounds (default 20)")
    parser.add_argument(
        "--list-rounds", type=int, default=50, help="filtered-list rounds (default 50)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    today = dt.date.today()
    created_dir = False
    if args.reuse:
        workdir = args.reuse.absolute()
        session, meta = reopen_vault(workdir)
        log(f"reusing the vault in {workdir} ({meta['cases']} cases, seed {meta['seed']})")
        seed = int(meta["seed"])
        today = dt.date.fromisoformat(meta["today"])
        build = meta["build"] | {"reused": True}
    else:
        if args.workdir:
            workdir = args.workdir.absolute()
            created_dir = not workdir.exists()
            workdir.mkdir(mode=0o700, parents=True, exist_ok=True)
        else:
            workdir = Path(tempfile.mkdtemp(prefix="hrdesk-bench-"))
            created_dir = True
        seed = args.seed
        session, meta = build_vault(workdir, args.cases, seed, today)
        build = meta["build"] | {"reused": False}

    plain = None
    try:
        conn = session.conn
        cases_in_vault = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
        result: dict[str, Any] = {
            "machine": machine_facts(conn, workdir),
            "run": {
                "cases": int(meta["cases"]),
                "cases_in_vault": cases_in_vault,
                "seed": seed,
                "today": today.isoformat(),
                "workdir": str(workdir),
            },
            "build": build,
        }

        log("plain copy: sqlcipher_export to an unencrypted database")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        plain, export_s = make_plain_copy(session, workdir)
        result["run"]["plain_copy_s"] = round(export_s, 2)
        sessions = {"encrypted": session, "plain": plain}

        unlock: dict[str, Any] = {"kdf": measure_kdf(args.kdf_runs)}
        log(f"unlock: {args.opens} opens with the raw key (encrypted and plain)")
        db_path = session.path / vault.DB_NAME
        unlock["after_kdf"] = measure_open(db_path, session.raw_key, session.user_id, args.opens)
        unlock["after_kdf_plain"] = measure_open(
            plain.path / vault.DB_NAME, None, session.user_id, args.opens
        )
        unlock["total_p50_s"] = round(
            unlock["kdf"]["derive_p50_s"] + unlock["after_kdf"]["total"]["p50_ms"] / 1000, 3
        )
        result["unlock"] = unlock

        result["search"] = measure_search(sessions, args.rounds, seed)
        result["filtered_list"] = measure_filtered_list(sessions, args.list_rounds, seed)
        result["write_one_case"] = measure_writes(
            sessions, args.writes, warmup=10, seed=seed + 1, today=today
        )
        cases_after = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
        log("size: checkpoint and measure")
        result["size"] = measure_size(session, plain, cases_after)
        result["size"]["cases_in_vault"] = cases_after

        write = result["write_one_case"]["encrypted"]
        search = result["search"]
        result["targets"] = {
            "write_one_case_p50_under_10ms": write["p50_ms"] < TARGET_WRITE_MS,
            "write_one_case_p95_under_10ms": write["p95_ms"] < TARGET_WRITE_MS,
            "search_p95_under_50ms": search["encrypted"]["p95_ms"] < TARGET_SEARCH_P95_MS,
            "search_encrypted_vs_plain_under_2x": (
                (search["ratio"]["p50"] or 0) < TARGET_SEARCH_RATIO
                and (search["ratio"]["p95"] or 0) < TARGET_SEARCH_RATIO
            ),
        }
        result["elapsed_s"] = round(time.perf_counter() - _started, 1)
    finally:
        session.lock()
        if plain is not None:
            plain.lock()
        keep = args.keep or args.reuse
        if not keep:
            for name in (VAULT_DIR, PLAIN_DIR, META_NAME):
                target = workdir / name
                if target.is_dir():
                    shutil.rmtree(target, ignore_errors=True)
                elif target.exists():
                    target.unlink()
            if created_dir:
                shutil.rmtree(workdir, ignore_errors=True)
        elif args.reuse and not args.keep:
            shutil.rmtree(workdir / PLAIN_DIR, ignore_errors=True)
    json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    log("done" + (f"; kept {workdir}" if keep else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
