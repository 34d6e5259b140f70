"""Crash safety: a writer killed with SIGKILL at arbitrary moments, many times,
loses no acknowledged case and leaves a vault that opens and passes check."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
from pathlib import Path

from hrdesk.services import cases
from hrdesk.store import integrity, vault
from hrdesk.store.queries import CaseFilter

from .conftest import PASSPHRASE

ROUNDS = 25


def test_killed_writer_loses_no_acknowledged_case(created, vault_dir: Path) -> None:
    created.session.lock()
    rng = random.Random(20261124)
    acknowledged: dict[str, str] = {}
    script = Path(__file__).with_name("crash_writer.py")
    for round_number in range(ROUNDS):
        child = subprocess.Popen(
            [sys.executable, str(script), str(vault_dir), PASSPHRASE, f"round{round_number}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).parents[1],
        )
        # Kill after a random number of acknowledgements: the child is then somewhere
        # in the middle of its next write (op-log, tables, index or commit).
        wanted = rng.randint(1, 25)
        for _ in range(wanted):
            line = child.stdout.readline()
            assert line, child.stderr.read()
            ref, title = line.split()
            acknowledged[title] = ref
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        child.stderr.close()

    with vault.unlock(vault_dir, PASSPHRASE) as session:
        assert integrity.check(session) == []
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
