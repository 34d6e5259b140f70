"""Backups killed with SIGKILL at random moments (issue 13, finding 8): whatever a killed
``hrdesk backup`` left behind, the next backup under the same name succeeds and leaves
no hidden leftover; a live backup's work is never touched by another one.

The moments are chosen by progress seen on disk (the staging folder appearing, the
database copy or the archive reaching a random size), never by time.
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hrdesk.services import cases, evidence
from hrdesk.store import integrity, vault

from .conftest import PASSPHRASE, run_subprocess

ROUNDS = 12
ATTACHMENTS = 12  # of 1 MB each: a backup long enough to be caught in its middle


@pytest.fixture
def full_vault(created, vault_dir, tmp_path) -> list[str]:
    """A vault with cases and 12 MB of evidence, locked; returns the case refs."""
    session = created.session
    refs = []
    for number in range(3):
        refs.append(cases.add_case(session, {"title": f"Case {number}"})["ref"])
    for number in range(ATTACHMENTS):
        source = tmp_path / f"evidence-{number}.bin"
        source.write_bytes(os.urandom(1_000_000))
        evidence.attach(session, refs[number % 3], source)
        source.unlink()
    session.lock()
    return refs


def start_backup(vault_dir: Path, dest: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "hrdesk", "--vault", str(vault_dir), "backup", str(dest)],
        env={**os.environ, "HRDESK_PASSPHRASE": PASSPHRASE},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).parents[1],
    )


def size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return -1


def written(folder: Path) -> int:
    """Bytes of every file under ``folder`` (a backup's work, whatever its layout), or -1
    while the folder is empty."""
    total, found = 0, False
    for root, dirs, files in os.walk(folder):
        found = found or bool(dirs or files)
        total += sum(max(size(Path(root) / name), 0) for name in files)
    return total if found else -1


def stop(child: subprocess.Popen) -> bool:
    """SIGSTOP ``child`` and wait until it is stopped; False if it had ended first."""
    child.send_signal(signal.SIGSTOP)
    _pid, status = os.waitpid(child.pid, os.WUNTRACED)
    if os.WIFSTOPPED(status):
        return True
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return False


def backup(vault_dir: Path, dest: Path) -> subprocess.CompletedProcess:
    return run_subprocess(
        ["--vault", str(vault_dir), "backup", str(dest)], {"HRDESK_PASSPHRASE": PASSPHRASE}
    )


def restored_titles(cli, dest: Path, target: Path) -> set[str]:
    result = cli("restore", str(dest), "--vault", str(target))
    assert result.code == 0, result.err
    with vault.unlock(target, PASSPHRASE) as session:
        assert integrity.check(session) == []
    listing = cli("--vault", str(target), "case", "list", "--json")
    return {case["title"] for case in json.loads(listing.out)}


def test_a_killed_backup_never_blocks_the_next_one_nor_leaves_anything(
    cli, full_vault, vault_dir, tmp_path
):
    folder = tmp_path / "backups"
    folder.mkdir()
    dest = folder / "vault.backup"
    rng = random.Random(20261313)
    killed = finished = 0
    for round_number in range(ROUNDS):
        # When to kill: once the backup has written a random number of bytes in the folder
        # (0: as soon as anything is there); the database copy is about 0.3 MB, the
        # archive 12 MB.
        threshold = 0 if round_number % 4 == 0 else rng.randrange(0, ATTACHMENTS * 1_000_000)
        child = start_backup(vault_dir, dest)
        while child.poll() is None and written(folder) < threshold:
            pass
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stderr.close()
        if child.returncode == 0:
            finished += 1
        else:
            killed += 1

        if dest.exists():  # it finished before the kill: the name is taken, and kept
            again = backup(vault_dir, dest)
            assert again.returncode == 1
            assert again.stderr == f"hrdesk: {dest} already exists; choose a new file name.\n"
            assert sorted(os.listdir(folder)) == ["vault.backup"]  # its leftover cleared
            dest.unlink()

        result = backup(vault_dir, dest)

        assert result.returncode == 0, result.stderr
        assert sorted(os.listdir(folder)) == ["vault.backup"]
        titles = restored_titles(cli, dest, tmp_path / f"restored-{round_number}")
        assert titles == {"Case 0", "Case 1", "Case 2"}
        dest.unlink()
    # The kills did land in the middle of backups, not only after them.
    assert killed > ROUNDS // 2, (killed, finished)


def test_a_leftover_of_an_older_version_does_not_block_a_backup(cli, full_vault, tmp_path):
    dest = tmp_path / "vault.backup"
    (tmp_path / ".vault.backup.tmp").write_bytes(b"PK\x03\x04 half an archive")
    (tmp_path / ".vault.backup.partial").mkdir()
    (tmp_path / ".vault.backup.partial" / "hrdesk.db").write_bytes(b"half a copy")

    result = cli("backup", str(dest))

    assert result.code == 0, result.err
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    assert restored_titles(cli, dest, tmp_path / "restored") == {"Case 0", "Case 1", "Case 2"}


def test_a_live_backup_is_not_disturbed_by_a_second_one_to_the_same_name(
    cli, full_vault, vault_dir, tmp_path
):
    """A backup stopped (SIGSTOP) in the middle of its archive is alive: a second backup
    to the same name is refused and touches nothing of it; resumed, it completes."""
    folder = tmp_path / "backups"
    folder.mkdir()
    dest = folder / "vault.backup"
    for _attempt in range(20):
        child = start_backup(vault_dir, dest)
        while child.poll() is None and written(folder) < 1_000_000:
            pass
        if stop(child) and not dest.exists():
            break
        if child.returncode is None:
            child.send_signal(signal.SIGCONT)
            child.wait()
        child.stderr.close()
        dest.unlink(missing_ok=True)
    else:
        pytest.fail("every backup finished before it could be stopped")
    try:
        before = {path: size(path) for path in folder.rglob("*")}

        second = backup(vault_dir, dest)

        assert second.returncode == 1
        assert "Another backup to" in second.stderr and "being written" in second.stderr
        assert "unexpected error" not in second.stderr
        assert {path: size(path) for path in folder.rglob("*")} == before
        assert not dest.exists()
    finally:
        child.send_signal(signal.SIGCONT)
        child.wait()
        child.stderr.close()
    assert child.returncode == 0
    assert sorted(os.listdir(folder)) == ["vault.backup"]
    assert restored_titles(cli, dest, tmp_path / "restored") == {"Case 0", "Case 1", "Case 2"}


def test_a_lock_left_by_a_dead_backup_is_free_and_the_leftover_is_cleared(
    cli, full_vault, tmp_path
):
    """The lock is the kernel's: it ends with the process. A lock file a dead backup left
    (unlocked) is no obstacle; one held by a live process (here, this one) is."""
    dest = tmp_path / "vault.backup"
    staging = tmp_path / ".vault.backup.partial"
    staging.mkdir()
    (staging / "backup.zip.part").write_bytes(b"a live backup's archive")
    handle = os.open(staging / "lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        refused = cli("backup", str(dest))
        assert refused.code == 1
        assert "is being written" in refused.err
        assert (staging / "backup.zip.part").read_bytes() == b"a live backup's archive"
    finally:
        os.close(handle)  # as a killed process's lock ends

    result = cli("backup", str(dest))

    assert result.code == 0, result.err
    assert not staging.exists()
