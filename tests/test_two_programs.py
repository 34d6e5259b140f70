"""Two programs on one vault: the desktop app's write path and a second process (the
command line, an import, a sync) write in turn or at once, and neither breaks the other.

Before: the writer cached the device's counters at unlock, so after the other program
wrote, every save of the first failed on a duplicate key until it was unlocked again;
and a vault whose write lock another program held was reported as damaged.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from hrdesk.core.errors import VaultBusy
from hrdesk.gui.errors import message_for
from hrdesk.services import cases
from hrdesk.store import connection, integrity, vault
from hrdesk.store.queries import CaseFilter

from .conftest import PASSPHRASE

ROUNDS = 40


class SecondProgram:
    def __init__(self, vault_dir: Path) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).with_name("second_program.py")),
                str(vault_dir),
                PASSPHRASE,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).parents[1],
        )
        # Unlocked before the test writes: what it read at unlock goes stale.
        assert self.process.stdout.readline() == "ready\n", self.process.stderr.read()

    def ask(self, line: str) -> str:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        assert answer, self.process.stderr.read()
        return answer.strip()

    def close(self) -> None:
        self.process.stdin.close()
        assert self.process.wait() == 0, self.process.stderr.read()
        self.process.stdout.close()
        self.process.stderr.close()


@pytest.fixture
def second(created, vault_dir):
    program = SecondProgram(vault_dir)
    yield program
    program.close()


def _titles(session) -> dict[str, str]:
    return {
        row["title"]: row["ref"] for row in cases.list_cases(session, CaseFilter(), limit=10_000)
    }


def test_two_programs_write_in_turn(created, second) -> None:
    session = created.session
    written: dict[str, str] = {}
    for number in range(ROUNDS):
        written[f"app {number}"] = cases.add_case(session, {"title": f"app {number}"})["ref"]
        written[f"cli {number}"] = second.ask(f"add cli {number}")
        # An edit of an existing record after the other program wrote, too.
        cases.update_case(session, written[f"app {number}"], {"status": "active"})
    assert _titles(session) == written
    assert len(set(written.values())) == 2 * ROUNDS  # case references never repeat
    assert integrity.check(session) == []


def test_two_programs_write_at_the_same_time(created, second) -> None:
    session = created.session
    errors: list[BaseException] = []

    def app_writes() -> None:
        try:
            for number in range(ROUNDS):
                cases.add_case(session, {"title": f"app {number}"})
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=app_writes)
    second.process.stdin.write(f"add_many {ROUNDS}\n")
    second.process.stdin.flush()
    thread.start()
    assert second.process.stdout.readline() == "done\n", second.process.stderr.read()
    thread.join()
    assert errors == []
    assert len(_titles(session)) == 2 * ROUNDS
    assert integrity.check(session) == []


def test_a_busy_vault_is_busy_not_damaged(created, second, cli, monkeypatch) -> None:
    created.session.lock()
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 50)
    assert second.ask("hold") == "held"
    busy = cli("case", "add", "--json", "-", stdin='{"title": "while busy"}')
    assert busy.code == VaultBusy.exit_code
    assert "busy in another program" in busy.err
    assert "damaged" not in busy.err and "backup" not in busy.err
    # HRDESK_DEBUG=1 shows the real error instead.
    with pytest.raises(VaultBusy) as debug:
        cli(
            "case", "add", "--json", "-", stdin='{"title": "while busy"}', env={"HRDESK_DEBUG": "1"}
        )
    assert isinstance(debug.value.__cause__, connection.DatabaseError)
    assert "locked" in str(debug.value.__cause__)
    assert second.ask("release") == "released"
    after = cli("case", "add", "--json", "-", stdin='{"title": "a moment later"}')
    assert after.code == 0, after.err
    listed = cli("case", "list", "--json")
    assert "a moment later" in listed.out and "while busy" not in listed.out


def test_the_desktop_app_says_busy_too(created, second, monkeypatch) -> None:
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 50)
    session = created.session
    session.conn.execute(f"PRAGMA busy_timeout = {connection.BUSY_TIMEOUT_MS}")
    assert second.ask("hold") == "held"
    with pytest.raises(VaultBusy) as caught:
        cases.add_case(session, {"title": "while busy"})
    assert "busy in another program" in message_for(caught.value)
    # A busy error met outside the write path (a read, a checkpoint) reads the same.
    raw = connection.DatabaseError("database is locked")
    raw.sqlite_errorcode = 5
    assert message_for(raw) == str(caught.value)
    assert second.ask("release") == "released"
    assert cases.add_case(session, {"title": "a moment later"})["title"] == "a moment later"


def test_the_open_desktop_app_saves_after_the_command_line_wrote(unlocked_app, qtbot):
    from tests.test_gui_cases import keyboard_intake

    from .conftest import run_subprocess

    keyboard_intake(qtbot, unlocked_app, "Typed in the app")
    for title in ("From the terminal", "And once more"):
        result = run_subprocess(
            ["--vault", str(unlocked_app.client.path), "case", "add", "--json", "-"],
            {"HRDESK_PASSPHRASE": PASSPHRASE},
            input=f'{{"title": "{title}"}}',
        )
        assert result.returncode == 0, result.stderr
        keyboard_intake(qtbot, unlocked_app, f"Typed after: {title}")
        assert unlocked_app.window.workspace.cases.view.case["title"] == f"Typed after: {title}"
    with vault.unlock(unlocked_app.client.path, PASSPHRASE) as session:
        assert len(_titles(session)) == 5
        assert integrity.check(session) == []


def test_key_slot_changes_in_two_programs_keep_each_other(created, vault_dir, cli):
    """The app changes its user's passphrase after the command line added a user: the
    new user's slot stays (the app once wrote back the slot list it read at unlock)."""
    from hrdesk.services import users

    session = created.session  # the app, unlocked before the command line ran
    added = cli(
        "user",
        "add",
        "karim",
        "--role",
        "caseworker",
        env={"HRDESK_NEW_PASSPHRASE": "karim's own passphrase"},
    )
    assert added.code == 0, added.err
    users.change_passphrase(session, "amina's brand new passphrase")
    session.lock()
    vault.unlock(vault_dir, "karim's own passphrase").lock()
    vault.unlock(vault_dir, "amina's brand new passphrase").lock()
