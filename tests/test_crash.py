"""Crash safety: a writer killed with SIGKILL at arbitrary moments, many times,
loses no acknowledged case and leaves a vault that opens and passes check."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from hrdesk.services import cases, evidence
from hrdesk.services.lookup import require_case
from hrdesk.store import attachment_queries, blobs, integrity, vault
from hrdesk.store.queries import CaseFilter

from .conftest import PASSPHRASE

# More trials for a release check: HRDESK_KILL_ROUNDS=200 scripts/test.sh tests/test_crash.py
ROUNDS = int(os.environ.get("HRDESK_KILL_ROUNDS", 25))
ATTACH_ROUNDS = int(os.environ.get("HRDESK_KILL_ROUNDS", 30))


def _kill_during(script: str, args: list[str], acknowledgements: int, pause: float = 0.0):
    """Run a child that acknowledges each committed write with a line on stdout, yield
    that many of its lines (split), then wait ``pause`` seconds more and SIGKILL it."""
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name(script)), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[1],
    )
    for _ in range(acknowledgements):
        line = child.stdout.readline()
        assert line, child.stderr.read()
        yield line.split()
    time.sleep(pause)
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    child.stderr.close()


def _check_fails(vault_dir: Path) -> int:
    """1 if `hrdesk check`, after unlocking as the user would, finds a problem."""
    with vault.unlock(vault_dir, PASSPHRASE) as session:
        return 1 if integrity.check(session) else 0


def test_killed_writer_loses_no_acknowledged_case(created, vault_dir: Path) -> None:
    created.session.lock()
    rng = random.Random(20261124)
    acknowledged: dict[str, str] = {}
    check_failures = 0
    for round_number in range(ROUNDS):
        # Killed after a random number of acknowledgements: the child is then somewhere
        # in the middle of its next write (op-log, tables, index or commit).
        args = [str(vault_dir), PASSPHRASE, f"round{round_number}"]
        for ref, title in _kill_during("crash_writer.py", args, rng.randint(1, 25)):
            acknowledged[title] = ref
        check_failures += _check_fails(vault_dir)
    assert check_failures == 0

    with vault.unlock(vault_dir, PASSPHRASE) as session:
        stored = {
            row["title"]: row["ref"]
            for row in cases.list_cases(session, CaseFilter(), limit=100_000)
        }
        missing = {title for title in acknowledged if stored.get(title) != acknowledged[title]}
        assert missing == set()
        # A case that made it is whole: its person, incident and note are there.
        for ref in list(stored.values())[:50]:
            case = cases.show_case(session, ref)
            assert len(case["people"]) == 1 and len(case["incidents"]) == 1
            assert len(case["notes"]) == 1


def test_killed_intake_leaves_nothing_that_check_reports(created, vault_dir: Path) -> None:
    """Evidence intake and deletion killed anywhere: no acknowledged attachment is lost,
    and the file a kill left without a record is swept at the next unlock (recorded in
    custody), so `check` passes after every kill."""
    case = cases.add_case(created.session, {"title": "Evidence under fire"})
    created.session.lock()
    rng = random.Random(20261202)
    kept: set[str] = set()
    deleted: set[str] = set()
    check_failures = 0
    for round_number in range(ATTACH_ROUNDS):
        # A few milliseconds past the last acknowledgement, the child is inside its next
        # intake (the blob half written, or written and not yet recorded) or deletion.
        args = [str(vault_dir), PASSPHRASE, case["ref"], str(round_number)]
        pause = rng.random() * 0.02
        for what, attachment_id in _kill_during(
            "crash_attacher.py", args, rng.randint(1, 6), pause
        ):
            (kept if what == "kept" else deleted).add(attachment_id)
        check_failures += _check_fails(vault_dir)
    assert check_failures == 0

    with vault.unlock(vault_dir, PASSPHRASE) as session:
        live = {row["id"] for row in evidence.of_case(session, require_case(session, case["ref"]))}
        assert kept <= live and not deleted & live
        assert all(result["ok"] for result in evidence.verify(session))
        recorded = {row["blob_id"] for row in attachment_queries.all_attachments(session.conn)}
        assert blobs.stored_files(session.attachments) == recorded
