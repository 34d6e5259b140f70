"""Schema steps: registered in one place, one transaction each, a backup before
upgrading, and a vault from a newer hrdesk refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from hrdesk.core.errors import VaultError, VaultTooNew
from hrdesk.services import cases
from hrdesk.store import migrations, vault
from hrdesk.store.connection import connect

from .conftest import PASSPHRASE


def _set_version(created, version: int) -> None:
    created.session.conn.execute(f"PRAGMA user_version = {version}")
    created.session.lock()


def test_a_new_vault_is_at_the_latest_schema(session) -> None:
    assert session.conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST


def test_a_vault_from_a_newer_version_is_refused_untouched(created, vault_dir: Path) -> None:
    _set_version(created, migrations.LATEST + 1)
    before = (vault_dir / vault.DB_NAME).read_bytes()
    with pytest.raises(VaultTooNew, match="newer version of hrdesk"):
        vault.unlock(vault_dir, PASSPHRASE)
    assert (vault_dir / vault.DB_NAME).read_bytes() == before


def test_upgrade_keeps_an_encrypted_backup_and_runs_new_steps(
    created, vault_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = cases.add_case(created.session, {"title": "Kept across upgrades"})["ref"]
    created.session.lock()
    step = migrations.Step(
        migrations.LATEST + 1,
        "test step",
        ("CREATE TABLE upgrade_marker (x INTEGER)", "INSERT INTO upgrade_marker VALUES (42)"),
    )
    monkeypatch.setattr(migrations, "STEPS", (*migrations.STEPS, step))
    monkeypatch.setattr(migrations, "LATEST", step.version)
    with vault.unlock(vault_dir, PASSPHRASE) as session:
        assert session.conn.execute("PRAGMA user_version").fetchone()[0] == step.version
        assert session.conn.execute("SELECT x FROM upgrade_marker").fetchone() == (42,)
        assert cases.show_case(session, ref)["title"] == "Kept across upgrades"
        raw_key = session.raw_key
    backups = list((vault_dir / "backups").glob("*.db"))
    assert len(backups) == 1
    assert b"Kept across upgrades" not in backups[0].read_bytes()
    old = connect(backups[0], raw_key)
    assert old.execute("PRAGMA user_version").fetchone()[0] == step.version - 1
    old.close()


def test_a_failing_step_rolls_back_and_leaves_the_old_schema(
    created, vault_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    created.session.lock()
    step = migrations.Step(
        migrations.LATEST + 1,
        "broken step",
        ("CREATE TABLE half_done (x INTEGER)", "INSERT INTO no_such_table VALUES (1)"),
    )
    original = (migrations.STEPS, migrations.LATEST)
    monkeypatch.setattr(migrations, "STEPS", (*migrations.STEPS, step))
    monkeypatch.setattr(migrations, "LATEST", step.version)
    with pytest.raises(VaultError, match="nothing was changed"):
        vault.unlock(vault_dir, PASSPHRASE)
    monkeypatch.setattr(migrations, "STEPS", original[0])
    monkeypatch.setattr(migrations, "LATEST", original[1])
    with vault.unlock(vault_dir, PASSPHRASE) as session:
        assert session.conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
        tables = {r[0] for r in session.conn.execute("SELECT name FROM sqlite_master")}
        assert "half_done" not in tables
