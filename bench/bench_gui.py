"""Desktop-app benchmark of hrdesk: cold start, unlock to first rows, search, memory.

    QT_QPA_PLATFORM=offscreen python bench/bench_gui.py [--cases 100000] [--vault DIR]
    QT_QPA_PLATFORM=offscreen python bench/bench_gui.py --cases 2000      # quick run

What is measured (targets in brackets), each against a baseline from the same run:

1. ``cold_start_to_unlock_ms`` [< 1500 ms]: from spawning a fresh interpreter
   (``sys.executable``) until the unlock screen of an existing vault has been painted:
   the child builds ``hrdesk.gui.app.App``, shows the window and runs the event loop
   until the unlock page is the current, visible page and has received its first paint
   event, then prints a marker. Baselines: a bare interpreter, and a minimal PySide6 app
   (``QApplication`` + an empty ``QWidget``, shown and painted) timed the same way.
2. ``unlock_to_first_rows_ms`` [< 300 ms after the KDF]: in this process, from the
   moment ``VaultClient.unlocked`` is emitted until the case list model counts its rows
   and holds the first page (and, reported beside it, until the table has painted
   them); the window is then locked and unlocked again. Baseline: ``count_cases`` +
   ``list_cases(limit=200)`` (the model's first two calls) on a session of our own.
3. ``search_latency_ms`` [p95 < 100 ms]: ``CaseListModel.set_query(q)`` for ~20
   queries in four scripts (chosen as in bench_store.py) until the model's ``loaded``
   signal, and the same for every prefix of one query as the search box delivers them.
   Baseline: ``cases.search`` with the model's arguments on the worker-free session.
4. ``rss_mb`` [< 300 MB]: resident memory (``VmRSS``) before the app is built, with the
   case list open, after scrolling the table to pages spread over the whole list, after
   the searches; ``VmHWM`` is the peak.

Everything is driven by the Qt event loop (``processEvents(WaitForMoreEvents)``, a
20 ms heartbeat timer to wake it); there is no sleep in a timing. The vault is built
with cheap Argon2id parameters: every figure excludes the key derivation, which is
~0.5 s by design (see ``unlock.kdf`` of bench_store.py). ``--vault DIR`` keeps the built
vault (same layout as ``bench_store.py --keep``) so later runs skip the build (~4 min
for 100,000 cases).

Prints one JSON object to stdout; progress goes to stderr. See bench/README.md. This is
a measurement, never a test: it asserts nothing and exits 0 whatever the figures are.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import math
import os
import platform
import random
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

import PySide6
from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QEventLoop,
    QObject,
    QTimer,
    qInstallMessageHandler,
    qVersion,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QApplication

from hrdesk.gui.app import App
from hrdesk.gui.cases.list_model import PAGE, SEARCH_LIMIT
from hrdesk.services import cases as case_service
from hrdesk.store import vault
from hrdesk.store.queries import CaseFilter


def _load_bench_store():
    """bench_store.py beside this file: the vault layout, the build and the query set."""
    path = Path(__file__).resolve().with_name("bench_store.py")
    spec = importlib.util.spec_from_file_location("bench_store", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench_store = _load_bench_store()

PASSPHRASE = bench_store.PASSPHRASE  # "benchmark passphrase, synthetic data only"
META_NAME = bench_store.META_NAME  # DIR/bench.json: passphrase, seed, build figures
VAULT_DIR = bench_store.VAULT_DIR  # DIR/vault: the vault itself

TARGET_COLD_START_MS = 1500.0
TARGET_FIRST_ROWS_MS = 300.0
TARGET_SEARCH_P95_MS = 100.0
TARGET_RSS_MB = 300.0

WAIT_TIMEOUT_S = 120.0
READY = "BENCH-READY"  # the cold-start child's marker line

_started = time.perf_counter()

# PySide6 6.12.0 under CPython 3.11 drops one reference to None on every call of a method
# that returns void (QWidget.update, QObject.setObjectName, processEvents...); 6.11.2 does
# not. After enough calls None is deallocated and the interpreter aborts ("Fatal Python
# error: none_dealloc"; bool_dealloc for True/False was seen at exit). Python 3.12+ makes
# these objects immortal, so nothing happens there. The benchmark makes tens of thousands
# of such calls: it gives the three singletons spare references so that it survives, and
# measures the leak (``pyside_refcount_leak``) so that the bug stays visible.
SPARE_REFS = 1 << 30


def guard_singletons() -> int:
    if sys.version_info >= (3, 12):
        return 0
    import ctypes

    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += SPARE_REFS
    return SPARE_REFS


def singleton_refs() -> dict[str, int]:
    return {
        "None": sys.getrefcount(None),
        "True": sys.getrefcount(True),
        "False": sys.getrefcount(False),
    }


def refcount_leak(calls: int = 1000) -> dict[str, Any]:
    """References to None gained per call of a void method (QObject.setObjectName)."""
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(calls):
        probe.setObjectName("probe")
    return {
        "none_per_void_call": round((sys.getrefcount(None) - before) / calls, 3),
        "note": (
            "0 when the binding is sound; -1 means one reference to None is dropped per "
            "call (PySide6 6.12.0 on CPython < 3.12): see SPARE_REFS in bench_gui.py"
        ),
    }


def quiet_qt_messages() -> None:
    """Drop the offscreen plugin's "does not support propagateSizeHints()" (one per dialog
    or window shown); every other Qt message still goes to stderr."""

    def handler(_kind, _context, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr, flush=True)

    qInstallMessageHandler(handler)


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _started:8.1f}s] {message}", file=sys.stderr, flush=True)


# -- figures -------------------------------------------------------------------------------


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def summary(samples: list[float]) -> dict[str, Any]:
    """n, p50/p95/mean/max in ms (samples in seconds), as in bench_store.py."""
    if len(samples) == 1:
        value = ms(samples[0])
        return {"n": 1, "p50_ms": value, "p95_ms": value, "mean_ms": value, "max_ms": value}
    return bench_store.summary(samples)


def median_max(samples: list[float]) -> dict[str, Any]:
    return {
        "median_ms": ms(statistics.median(samples)),
        "max_ms": ms(max(samples)),
        "runs_ms": [ms(s) for s in samples],
    }


def memory_mb() -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak) of this process; ru_maxrss where /proc is missing."""
    values: dict[str, float] = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _sep, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = round(int(rest.split()[0]) / 1024, 1)  # kB
    except OSError:
        pass
    if "VmHWM" not in values:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        values["VmHWM"] = round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)
    return {"rss_mb": values.get("VmRSS", values["VmHWM"]), "peak_mb": values["VmHWM"]}


def machine_facts(workdir: Path) -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "pyside6": PySide6.__version__,
        "qt": qVersion(),
        "qt_qpa_platform": os.environ.get("QT_QPA_PLATFORM"),
        "workdir_filesystem": bench_store.filesystem_of(workdir),
    }


# -- the vault -------------------------------------------------------------------------------


def child_command(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), *args]


def ensure_vault(workdir: Path, cases: int, seed: int) -> tuple[dict[str, Any], bool]:
    """The meta of the vault in ``workdir``, built first (in a child process) if missing.

    The build runs in a child so that its memory does not count in this process's RSS.
    """
    meta_path = workdir / META_NAME
    if meta_path.exists():
        return json.loads(meta_path.read_text(encoding="utf-8")), True
    if (workdir / VAULT_DIR).exists():
        raise SystemExit(f"{workdir / VAULT_DIR} exists but {meta_path} does not: not reusable")
    workdir.mkdir(mode=0o700, parents=True, exist_ok=True)
    command = child_command("--child", "build", "--vault", str(workdir))
    subprocess.run([*command, "--cases", str(cases), "--seed", str(seed)], check=True)
    return json.loads(meta_path.read_text(encoding="utf-8")), False


def child_build(workdir: Path, cases: int, seed: int) -> None:
    session, _meta = bench_store.build_vault(workdir, cases, seed, dt.date.today())
    session.lock()  # the figures of the build are in DIR/bench.json


def child_queries(workdir: Path) -> None:
    """~20 searches in four scripts, made of words of the vault (bench_store's set)."""
    meta = json.loads((workdir / META_NAME).read_text(encoding="utf-8"))
    session = vault.unlock(workdir / VAULT_DIR, meta.get("passphrase", PASSPHRASE))
    try:
        queries = bench_store.choose_queries(session.conn)
    finally:
        session.lock()
    print(json.dumps(queries, ensure_ascii=False))


def load_queries(workdir: Path) -> list[dict[str, str]]:
    """Chosen in a child: reading 60,000 names and titles must not weigh on our RSS."""
    output = subprocess.run(
        child_command("--child", "queries", "--vault", str(workdir)),
        check=True,
        capture_output=True,
        text=True,
        encoding="utf-8",
    ).stdout
    return json.loads(output)


# -- 1. cold start ---------------------------------------------------------------------------

# Run as ``python -c CHILD mode vault settings``. Times are time.monotonic() (one clock for
# every process on Linux and macOS), so the parent can split the child's start into phases.
COLD_START_CHILD = r"""
import json, sys, time
started = time.monotonic()
mode, vault_path, settings_path = sys.argv[1:4]
marks = {"script": started}
if mode == "python":
    print("BENCH-READY " + json.dumps(marks), flush=True)
    raise SystemExit(0)
from pathlib import Path
from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget
if mode == "hrdesk":
    from hrdesk.gui.app import App
marks["imports"] = time.monotonic()

class PaintSeen(QObject):
    painted = False
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            self.painted = True
        return False

if mode == "hrdesk":
    app = App(Path(vault_path), Path(settings_path))
    qapp, window, page = app.qapp, app.window, app.window.unlock_page
    def shown():
        return window.stack.currentWidget() is page and page.isVisible()
else:
    qapp = QApplication(sys.argv)
    window = page = QWidget()
    window.resize(1200, 800)
    def shown():
        return page.isVisible()
marks["built"] = time.monotonic()
seen = PaintSeen()
page.installEventFilter(seen)
heartbeat = QTimer()
heartbeat.start(20)
window.show()
flags = QEventLoop.ProcessEventsFlag.AllEvents | QEventLoop.ProcessEventsFlag.WaitForMoreEvents
while not (seen.painted and shown()):
    if time.monotonic() - started > 60:
        raise SystemExit("the window was never painted")
    qapp.processEvents(flags)
marks["painted"] = time.monotonic()
print("BENCH-READY " + json.dumps(marks), flush=True)
if mode == "hrdesk":
    app.close()
"""


def cold_start_once(mode: str, vault_path: Path, settings_path: Path) -> dict[str, float]:
    """Spawn → marker, in seconds, with the child's phases."""
    with tempfile.TemporaryFile() as errors:
        spawned = time.monotonic()
        child = subprocess.Popen(
            [sys.executable, "-c", COLD_START_CHILD, mode, str(vault_path), str(settings_path)],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            encoding="utf-8",
        )
        marks = None
        for line in child.stdout:
            if line.startswith(READY + " "):
                ready = time.monotonic()
                marks = json.loads(line[len(READY) + 1 :])
                break
        child.stdout.read()
        code = child.wait(timeout=60)
        if marks is None or code != 0:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace")[-2000:]
            raise RuntimeError(f"cold start ({mode}) failed with exit code {code}:\n{tail}")
    phases = {"total": ready - spawned, "interpreter": marks["script"] - spawned}
    if "imports" in marks:
        phases["imports"] = marks["imports"] - marks["script"]
        phases["build"] = marks["built"] - marks["imports"]
        phases["show_to_painted"] = marks["painted"] - marks["built"]
    return phases


def measure_cold_start(vault_path: Path, settings_dir: Path, runs: int, seed: int) -> dict:
    modes = ("python", "bare_qt", "hrdesk")
    samples: dict[str, list[dict[str, float]]] = {mode: [] for mode in modes}
    settings = {mode: settings_dir / f"cold-{mode}.ini" for mode in modes}
    rng = random.Random(seed)
    log(f"cold start: 1 warm-up + {runs} runs of each of {', '.join(modes)}")
    warmup = {mode: cold_start_once(mode, vault_path, settings[mode]) for mode in modes}
    for _ in range(runs):
        order = list(modes)
        rng.shuffle(order)
        for mode in order:
            samples[mode].append(cold_start_once(mode, vault_path, settings[mode]))
    result: dict[str, Any] = {"target_ms": TARGET_COLD_START_MS}
    for mode in ("hrdesk", "bare_qt", "python"):
        runs_of_mode = samples[mode]
        entry = median_max([s["total"] for s in runs_of_mode])
        entry["phases_median_ms"] = {
            phase: ms(statistics.median(s[phase] for s in runs_of_mode))
            for phase in runs_of_mode[0]
            if phase != "total"
        }
        entry["warmup_run_ms"] = ms(warmup[mode]["total"])
        result[mode] = entry
    result["hrdesk_over_bare_qt_median_ms"] = round(
        result["hrdesk"]["median_ms"] - result["bare_qt"]["median_ms"], 2
    )
    result["note"] = (
        "spawn of sys.executable until the child printed its marker, after the unlock page "
        "(hrdesk) or the empty QWidget (bare_qt) received its first paint event; phases: "
        "interpreter start, imports, App()/QApplication construction, show to painted"
    )
    return result


# -- driving the event loop ------------------------------------------------------------------


class PaintProbe(QObject):
    """When armed, marks the event loop's next turn after a paint event of the widget."""

    def __init__(self, mark: Callable[[], None]) -> None:
        super().__init__()
        self._mark = mark
        self.armed = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.armed and event.type() == QEvent.Type.Paint:
            self.armed = False
            QTimer.singleShot(0, self._mark)  # runs once the paint itself is done
        return False


class Driver:
    """The in-process app, and the marks its signals leave (perf_counter seconds)."""

    def __init__(self, vault_path: Path, settings_path: Path) -> None:
        self.app = App(vault_path, settings_path)
        self.qapp: QApplication = self.app.qapp
        self.window = self.app.window
        self.client = self.app.client
        self.marks: dict[str, float] = {}
        self.paint_after_loaded = False  # arm the paint probe from the next `loaded`
        self.errors: list[BaseException] = []
        self.heartbeat = QTimer()
        self.heartbeat.start(20)  # WaitForMoreEvents never blocks for longer
        self.probe = PaintProbe(lambda: self._mark("painted"))
        # Our mark first, then the window's own slot: the clock starts at the emission.
        try:
            self.client.unlocked.disconnect(self.window._unlocked)
        except (AttributeError, RuntimeError, TypeError):
            self.client.unlocked.connect(lambda _identity: self._mark("unlocked"))
        else:
            self.client.unlocked.connect(lambda _identity: self._mark("unlocked"))
            self.client.unlocked.connect(self.window._unlocked)
        self.window.stack.currentChanged.connect(self._page_changed)

    def _mark(self, name: str) -> None:
        self.marks.setdefault(name, time.perf_counter())

    # -- the workspace's case list ------------------------------------------------------------

    @property
    def list_page(self):
        workspace = self.window.workspace
        return None if workspace is None else workspace.cases.list_page

    @property
    def model(self):
        return self.list_page.model

    def _page_changed(self, _index: int) -> None:
        # Called from setCurrentWidget(workspace), before workspace.start() asks for rows.
        page = self.list_page
        if page is None or self.window.stack.currentWidget() is not self.window.workspace:
            return
        self._mark("workspace")
        page.model.counted.connect(lambda _count: self._mark("counted"))
        page.model.loaded.connect(self._loaded)
        page.table.viewport().installEventFilter(self.probe)

    def _loaded(self) -> None:
        # Armed here, not after the wait returns: the repaint may run in the same
        # processEvents call as the delivery of the result.
        self.marks["loaded"] = time.perf_counter()
        if self.paint_after_loaded:
            self.paint_after_loaded = False
            self.probe.armed = True
        model = self.model
        if "rows" not in self.marks and model.rowCount() > 0 and model.is_loaded(0):
            self._mark("rows")
            self.probe.armed = True

    # -- waiting ------------------------------------------------------------------------------

    def wait(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.perf_counter() + WAIT_TIMEOUT_S
        flags = (
            QEventLoop.ProcessEventsFlag.AllEvents | QEventLoop.ProcessEventsFlag.WaitForMoreEvents
        )
        while not condition():
            if self.errors:
                raise RuntimeError(f"while waiting for {what}: {self.errors[0]!r}")
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no {what} after {WAIT_TIMEOUT_S:.0f} s")
            self.qapp.processEvents(flags)

    def wait_idle(self) -> None:
        self.wait(lambda: not self.app.worker.busy, "idle worker")

    def flush_deletes(self) -> None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    # -- steps --------------------------------------------------------------------------------

    def show_locked(self) -> None:
        self.window.show()
        page = self.window.unlock_page
        self.wait(
            lambda: self.window.stack.currentWidget() is page and page.isVisible(),
            "unlock page",
        )

    def unlock(self) -> dict[str, float]:
        """Unlock as the unlock page does; seconds from the emission of ``unlocked``."""
        self.marks.clear()
        submitted = time.perf_counter()
        user = self.app.settings.last_user_id or None
        self.client.unlock(PASSPHRASE, user, self.errors.append)
        self.wait(lambda: "painted" in self.marks, "first rows painted")
        self.wait_idle()
        self.window.idle.stop()  # no auto-lock or quiet-time checkpoint during the bench
        marks = self.marks
        unlocked = marks["unlocked"]
        return {
            "unlock_call": unlocked - submitted,
            "rows": marks["rows"] - unlocked,
            "painted": marks["painted"] - unlocked,
            # the parts of "rows": drafts.take and building the workspace; count_cases and
            # the model reset; the table's paint asking for page 0 and list_cases
            "to_workspace": marks["workspace"] - unlocked,
            "workspace_to_counted": marks["counted"] - marks["workspace"],
            "counted_to_rows": marks["rows"] - marks["counted"],
        }

    def lock(self) -> None:
        self.window.lock()
        self.wait_idle()
        self.flush_deletes()
        self.wait(lambda: self.window.unlock_page.isVisible(), "unlock page after lock")

    def query(self, text: str) -> dict[str, float]:
        """set_query until ``loaded`` and until the table painted the result (seconds)."""
        self.marks.pop("loaded", None)
        self.marks.pop("painted", None)
        self.probe.armed = False
        self.paint_after_loaded = True
        started = time.perf_counter()
        self.model.set_query(text)
        self.wait(lambda: "painted" in self.marks, f"results of {text!r} painted")
        self.wait_idle()
        return {
            "loaded": self.marks["loaded"] - started,
            "painted": self.marks["painted"] - started,
            "rows": self.model.rowCount(),
        }

    def queued_query(self, prefixes: list[str]) -> dict[str, float]:
        """Every prefix handed to the model back to back; only the last one is shown."""
        self.marks.pop("loaded", None)
        first = time.perf_counter()
        for prefix in prefixes:
            last = time.perf_counter()
            self.model.set_query(prefix)
        self.wait(lambda: "loaded" in self.marks, "results of the last prefix")
        self.wait_idle()
        return {"last": self.marks["loaded"] - last, "from_first": self.marks["loaded"] - first}

    def back_to_list(self) -> None:
        self.model.set_query("")
        self.wait(lambda: self.model.rowCount() > 0 and self.model.is_loaded(0), "case list")
        self.wait_idle()

    def scroll_to(self, row: int) -> float:
        """Scroll the table so ``row`` is visible; seconds until its page is in the model."""
        model, table = self.model, self.list_page.table
        self.marks.pop("loaded", None)
        started = time.perf_counter()
        table.scrollTo(model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)
        self.wait(lambda: model.is_loaded(row), f"row {row}")
        arrived = self.marks.get("loaded", time.perf_counter())
        self.wait_idle()
        return arrived - started

    def close(self) -> None:
        self.heartbeat.stop()
        self.app.close()
        self.flush_deletes()


# -- 2.-4. in this process -------------------------------------------------------------------


def typing_query(queries: list[dict[str, str]]) -> str:
    for query in queries:
        if query["script"] == "latin" and query["kind"] == "two_words":
            return query["q"]
    return queries[0]["q"]


def prefixes_of(text: str) -> list[str]:
    out: list[str] = []
    for end in range(1, len(text) + 1):
        prefix = text[:end].strip()
        if prefix and (not out or out[-1] != prefix):
            out.append(prefix)
    return out


def scroll_pages(count: int, wanted: int) -> list[int]:
    """Up to ``wanted`` distinct pages spread from the second to the last page of the list."""
    total = math.ceil(count / PAGE)
    n = min(wanted, total - 1)
    if n <= 0:
        return []
    if n == 1:
        return [total - 1]
    return sorted({1 + round(i * (total - 2) / (n - 1)) for i in range(n)})


def measure_gui(vault_path: Path, settings_path: Path, args, queries) -> dict[str, Any]:
    memory = {"before_app": memory_mb()}
    driver = Driver(vault_path, settings_path)
    out: dict[str, Any] = {"platform_name": QGuiApplication.platformName()}
    try:
        driver.show_locked()
        memory["app_locked"] = memory_mb()

        cycles = []
        log(f"unlock: 1 first + {args.unlocks} lock/unlock cycles")
        for index in range(args.unlocks + 1):
            if index:
                driver.lock()
            cycles.append(driver.unlock())
        count = driver.model.rowCount()
        out["cases_in_list"] = count
        memory["list_open"] = memory_mb()
        out["unlock"] = {
            "first": {key: ms(value) for key, value in cycles[0].items()},
            "rows": summary([c["rows"] for c in cycles[1:]]),
            "painted": summary([c["painted"] for c in cycles[1:]]),
            "unlock_call": summary([c["unlock_call"] for c in cycles[1:]]),
            "parts_p50_ms": {
                part: ms(statistics.median(c[part] for c in cycles[1:]))
                for part in ("to_workspace", "workspace_to_counted", "counted_to_rows")
            },
        }

        pages = scroll_pages(count, args.scroll_pages)
        log(f"scroll: {len(pages)} pages spread over {count} rows")
        scroll_times = []
        for page in pages:
            row = min(page * PAGE + PAGE // 2, count - 1)
            scroll_times.append(driver.scroll_to(row))
        out["scroll"] = {
            "pages": len(pages),
            "page_loaded": summary(scroll_times) if scroll_times else None,
        }
        memory["after_scroll"] = memory_mb()
        driver.list_page.table.scrollToTop()

        log(f"search: {len(queries)} queries x (1 warm-up + {args.search_rounds}) rounds")
        rng = random.Random(args.seed)
        per_query: list[list[dict[str, float]]] = [[] for _ in queries]
        order = list(range(len(queries)))
        for round_index in range(args.search_rounds + 1):
            rng.shuffle(order)
            for index in order:
                timing = driver.query(queries[index]["q"])
                if round_index:
                    per_query[index].append(timing)
        out["search"] = {
            "loaded": summary([t["loaded"] for per in per_query for t in per]),
            "painted": summary([t["painted"] for per in per_query for t in per]),
            "per_query": [
                query
                | {
                    "rows": per[0]["rows"],
                    "loaded_p50_ms": ms(statistics.median(t["loaded"] for t in per)),
                    "loaded_max_ms": ms(max(t["loaded"] for t in per)),
                }
                for query, per in zip(queries, per_query, strict=True)
            ],
        }

        text = typing_query(queries)
        prefixes = prefixes_of(text)
        log(f"typing: {len(prefixes)} prefixes of {text!r} x {args.typing_rounds} rounds")
        waited: list[list[dict[str, float]]] = [[] for _ in prefixes]
        queued = []
        for _round in range(args.typing_rounds):
            driver.back_to_list()
            for index, prefix in enumerate(prefixes):
                waited[index].append(driver.query(prefix))
            driver.back_to_list()
            queued.append(driver.queued_query(prefixes))
        out["typing"] = {
            "query": text,
            "prefixes": [
                {
                    "q": prefix,
                    "rows": timings[0]["rows"],
                    "loaded_p50_ms": ms(statistics.median(t["loaded"] for t in timings)),
                }
                for prefix, timings in zip(prefixes, waited, strict=True)
            ],
            "queued_last": summary([q["last"] for q in queued]),
            "queued_from_first": summary([q["from_first"] for q in queued]),
        }
        memory["after_search"] = memory_mb()
        driver.back_to_list()
        memory["end"] = memory_mb()
    finally:
        driver.close()
    out["memory"] = memory
    out["search_queries"] = queries
    out["typing_prefixes"] = prefixes
    out["scroll_pages"] = pages
    return out


# -- baselines on a session of our own -------------------------------------------------------


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def measure_store(vault_path: Path, args, gui: dict[str, Any]) -> dict[str, Any]:
    """The same service calls, on this thread, with no worker, signal or widget between."""
    log("store baselines: the same calls on a session of our own")
    session = vault.unlock(vault_path, PASSPHRASE)
    everything = CaseFilter()
    try:

        def first_rows() -> None:
            case_service.count_cases(session, everything)
            case_service.list_cases(session, everything, PAGE, 0, "opened", True)

        first_rows()  # warm-up
        rows = [timed(first_rows) for _ in range(args.unlocks)]

        pages = gui["scroll_pages"]
        scroll = [
            timed(
                lambda p=page: case_service.list_cases(
                    session, everything, PAGE, p * PAGE, "opened", True
                )
            )
            for page in pages
        ]

        queries = [q["q"] for q in gui["search_queries"]]
        rng = random.Random(args.seed)
        by_limit: dict[int, list[float]] = {SEARCH_LIMIT: [], 50: []}
        per_query: dict[str, list[float]] = {q: [] for q in queries}
        order = list(queries)
        for round_index in range(args.search_rounds + 1):
            rng.shuffle(order)
            for q in order:
                for limit, samples in by_limit.items():
                    elapsed = timed(lambda q=q, n=limit: case_service.search(session, q, None, n))
                    if round_index:
                        samples.append(elapsed)
                        if limit == SEARCH_LIMIT:
                            per_query[q].append(elapsed)

        prefixes = gui["typing_prefixes"]
        per_prefix = [
            statistics.median(
                timed(lambda p=p: case_service.search(session, p, None, SEARCH_LIMIT))
                for _ in range(args.typing_rounds)
            )
            for p in prefixes
        ]
    finally:
        session.lock()
    return {
        "first_rows": summary(rows),
        "scroll_page": summary(scroll) if scroll else None,
        "search": summary(by_limit[SEARCH_LIMIT]),
        "search_limit_50": summary(by_limit[50]),
        "search_per_query_p50_ms": {q: ms(statistics.median(v)) for q, v in per_query.items()},
        "typing_per_prefix_p50_ms": [ms(t) for t in per_prefix],
        "typing_all_prefixes_ms": ms(sum(per_prefix)),
    }


# -- the report ------------------------------------------------------------------------------


def report(cold: dict, gui: dict, store: dict) -> dict[str, Any]:
    unlock, search, typing, memory = gui["unlock"], gui["search"], gui["typing"], gui["memory"]
    first_rows = {
        "target_ms": TARGET_FIRST_ROWS_MS,
        "first_unlock_ms": unlock["first"]["rows"],
        "first_unlock_painted_ms": unlock["first"]["painted"],
        "first_unlock_parts_ms": {part: unlock["first"][part] for part in unlock["parts_p50_ms"]},
        "repeat": unlock["rows"],
        "repeat_painted": unlock["painted"],
        "repeat_parts_p50_ms": unlock["parts_p50_ms"],
        "store_baseline": store["first_rows"],
        "unlock_call_ms": {"first": unlock["first"]["unlock_call"], **unlock["unlock_call"]},
        "note": (
            "from VaultClient.unlocked to the model holding its count and first page "
            "(drafts.take, the workspace, count_cases, the table's first paint asking "
            "for page 0, list_cases); painted: until the table painted those rows. "
            "repeat: after window.lock(). parts: unlocked to the workspace shown (drafts.take, "
            "Workspace()), to the model's count (count_cases, model reset), to the first page "
            "(paint, list_cases). store_baseline: count_cases + list_cases(200). "
            "unlock_call: submit to unlocked (vault.unlock with the cheap KDF)"
        ),
    }
    for item in search["per_query"]:
        item["store_p50_ms"] = store["search_per_query_p50_ms"][item["q"]]
    for item, baseline in zip(typing["prefixes"], store["typing_per_prefix_p50_ms"], strict=True):
        item["store_p50_ms"] = baseline
    search_latency = {
        "target_p95_ms": TARGET_SEARCH_P95_MS,
        "loaded": search["loaded"],
        "painted": search["painted"],
        "store_baseline": store["search"],
        "store_baseline_limit_50": store["search_limit_50"],
        "queries": search["per_query"],
        "typing": typing | {"store_all_prefixes_ms": store["typing_all_prefixes_ms"]},
        "note": (
            f"model.set_query(q) until model.loaded (search limit {SEARCH_LIMIT}); painted: "
            "until the table painted the result. The search box adds its 200 ms debounce "
            "before set_query. typing.prefixes: each prefix alone; queued_last: every "
            "prefix handed over back to back (the worker runs them all, only the last is "
            "shown), from the last set_query. store_baseline: cases.search(session, q, "
            f"None, {SEARCH_LIMIT}) on this thread; limit_50 as in bench_store.py"
        ),
    }
    rss = {
        "target_mb": TARGET_RSS_MB,
        "before_app_mb": memory["before_app"]["rss_mb"],
        "app_locked_mb": memory["app_locked"]["rss_mb"],
        "list_open_mb": memory["list_open"]["rss_mb"],
        "after_scroll_mb": memory["after_scroll"]["rss_mb"],
        "after_search_mb": memory["after_search"]["rss_mb"],
        "end_mb": memory["end"]["rss_mb"],
        "peak_mb": memory["end"]["peak_mb"],
        "scroll": {
            "pages": gui["scroll"]["pages"],
            "page_loaded": gui["scroll"]["page_loaded"],
            "store_baseline": store["scroll_page"],
        },
        "note": (
            "VmRSS of this process (the benchmark's own imports included); before_app: "
            "after importing PySide6 and hrdesk; list_open: after the unlock cycles; "
            "after_scroll: the table scrolled to pages spread over the list; peak: VmHWM"
        ),
    }
    measured_rss = max(rss["list_open_mb"], rss["after_scroll_mb"], rss["after_search_mb"])
    targets = {
        "cold_start_median_under_1500ms": cold["hrdesk"]["median_ms"] < TARGET_COLD_START_MS,
        "cold_start_max_under_1500ms": cold["hrdesk"]["max_ms"] < TARGET_COLD_START_MS,
        "unlock_to_first_rows_first_under_300ms": first_rows["first_unlock_ms"]
        < TARGET_FIRST_ROWS_MS,
        "unlock_to_first_rows_p95_under_300ms": unlock["rows"]["p95_ms"] < TARGET_FIRST_ROWS_MS,
        "search_p95_under_100ms": search["loaded"]["p95_ms"] < TARGET_SEARCH_P95_MS,
        "rss_under_300mb": measured_rss < TARGET_RSS_MB,
    }
    return {
        "cold_start_to_unlock_ms": cold,
        "unlock_to_first_rows_ms": first_rows,
        "search_latency_ms": search_latency,
        "rss_mb": rss,
        "targets": targets,
    }


# -- main ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", type=int, default=100_000, help="demo cases (default 100000)")
    parser.add_argument("--seed", type=int, default=0, help="demo data seed (default 0)")
    parser.add_argument(
        "--vault",
        type=Path,
        metavar="DIR",
        help="build the vault in DIR and keep it, or reuse the one there "
        "(default: a temp dir, removed at the end)",
    )
    parser.add_argument("--cold-runs", type=int, default=5, help="cold starts (default 5)")
    parser.add_argument(
        "--unlocks", type=int, default=10, help="lock/unlock cycles after the first (default 10)"
    )
    parser.add_argument("--search-rounds", type=int, default=5, help="search rounds (default 5)")
    parser.add_argument(
        "--typing-rounds", type=int, default=3, help="prefix-typing rounds (default 3)"
    )
    parser.add_argument(
        "--scroll-pages", type=int, default=30, help="pages scrolled to (default 30)"
    )
    parser.add_argument("--child", choices=("build", "queries"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child and not args.vault:
        parser.error("--child needs --vault")
    for name in ("cold_runs", "unlocks", "search_rounds", "typing_rounds", "scroll_pages"):
        if getattr(args, name) < 2:
            parser.error(f"--{name.replace('_', '-')} must be at least 2")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child == "build":
        child_build(args.vault.absolute(), args.cases, args.seed)
        return 0
    if args.child == "queries":
        child_queries(args.vault.absolute())
        return 0

    natural_refs = singleton_refs()
    spare_refs = guard_singletons()
    quiet_qt_messages()
    temporary = args.vault is None
    workdir = (
        Path(tempfile.mkdtemp(prefix="hrdesk-bench-gui-")) if temporary else args.vault.absolute()
    )
    settings_dir = Path(tempfile.mkdtemp(prefix="hrdesk-bench-gui-settings-"))
    try:
        meta, reused = ensure_vault(workdir, args.cases, args.seed)
        if reused:
            log(f"reusing the vault in {workdir} ({meta['cases']} cases, seed {meta['seed']})")
            if int(meta["cases"]) != args.cases:
                log(f"note: --cases {args.cases} ignored, the vault was built with {meta['cases']}")
        vault_path = workdir / VAULT_DIR
        queries = load_queries(workdir)
        cold = measure_cold_start(vault_path, settings_dir, args.cold_runs, args.seed)
        gui = measure_gui(vault_path, settings_dir / "app.ini", args, queries)
        store = measure_store(vault_path, args, gui)
        result: dict[str, Any] = {
            "machine": machine_facts(workdir) | {"qt_platform_name": gui["platform_name"]},
            "run": {
                "cases": int(meta["cases"]),
                "cases_in_vault": gui["cases_in_list"],
                "seed": int(meta["seed"]),
                "vault_dir": str(workdir),
                "vault_reused": reused,
                "build": meta["build"],
                "kdf": (
                    "the vault is built with cheap Argon2id parameters (t=1, 1 MiB): every "
                    "figure excludes the key derivation (~0.5 s by design, see bench_store.py)"
                ),
                "options": {
                    "cold_runs": args.cold_runs,
                    "unlocks": args.unlocks,
                    "search_rounds": args.search_rounds,
                    "typing_rounds": args.typing_rounds,
                    "scroll_pages": args.scroll_pages,
                },
            },
        }
        result |= report(cold, gui, store)
        result["pyside_refcount_leak"] = refcount_leak() | {
            "refcount_at_start": natural_refs,
            "spare_refs_added": spare_refs,
        }
        result["elapsed_s"] = round(time.perf_counter() - _started, 1)
    finally:
        shutil.rmtree(settings_dir, ignore_errors=True)
        if temporary:
            shutil.rmtree(workdir, ignore_errors=True)
    json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    log("done" + ("" if temporary else f"; the vault stays in {workdir}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
