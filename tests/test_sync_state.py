"""Sync's keys and device list, inside the encrypted vault."""

from __future__ import annotations

import dataclasses

from nacl.signing import SigningKey

from hrdesk.store import migrations, sync_state, vault
from tests.conftest import PASSPHRASE

CANARY_KEY = b"K" * 32


def test_a_vault_has_its_own_device_keys_that_survive_a_lock(created, vault_dir):
    first = sync_state.identity(created.session.conn)
    created.session.lock()
    again = vault.unlock(vault_dir, PASSPHRASE)
    second = sync_state.identity(again.conn)
    assert first.device_id == second.device_id
    assert bytes(first.signing_key) == bytes(second.signing_key)
    assert bytes(first.box_key) == bytes(second.box_key)
    again.lock()
    # Secret keys only ever inside the encrypted database.
    for path in vault_dir.rglob("*"):
        if path.is_file():
            assert bytes(first.signing_key) not in path.read_bytes()


def test_two_vaults_do_not_share_keys(created, tmp_path):
    other = vault.create_vault(tmp_path / "other", PASSPHRASE, "Org", "bob")
    mine = sync_state.identity(created.session.conn)
    theirs = sync_state.identity(other.session.conn)
    assert bytes(mine.signing_key) != bytes(theirs.signing_key)
    other.session.lock()


def test_epochs_start_at_one_and_each_has_its_key(session):
    conn = session.conn
    assert sync_state.current_epoch(conn) is None
    assert sync_state.new_epoch(conn) == 1
    first = sync_state.sync_key(conn, 1)
    assert first is not None and len(first) == 32
    assert sync_state.new_epoch(conn) == 2
    assert sync_state.sync_key(conn, 2) != first
    sync_state.add_sync_key(conn, 1, CANARY_KEY)  # an epoch's key never changes
    assert sync_state.sync_key(conn, 1) == first
    assert sync_state.sync_key(conn, 3) is None


def test_devices_are_trusted_until_revoked(session):
    conn = session.conn
    key = SigningKey.generate()
    entry = sync_state.DeviceEntry(
        "dev-b", "Karim's laptop", bytes(key.verify_key), b"b" * 32, False, "2026-11-24"
    )
    sync_state.replace_devices(conn, [entry], 1, "digest-1")
    assert sync_state.verify_key_of(conn, "dev-b") == key.verify_key
    assert sync_state.verify_key_of(conn, "dev-b", admin=True) is None  # not an admin
    assert sync_state.verify_key_of(conn, "dev-unknown") is None
    revoked = dataclasses.replace(entry, revoked_at="2026-11-25")
    sync_state.replace_devices(conn, [revoked], 2, "digest-2")
    assert sync_state.verify_key_of(conn, "dev-b") is None
    assert sync_state.device_entries(conn) == [revoked]
    assert (sync_state.config(conn).list_version, sync_state.config(conn).list_digest) == (
        2,
        "digest-2",
    )


def test_a_schema_3_vault_gets_device_keys_when_upgraded(created, vault_dir):
    conn = created.session.conn
    # Undo schemas 6, 5 and 4.
    for table in ("sync_pulled", "sync_config", "conflicts", "sync_pushed"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DROP INDEX users_name")
    conn.execute("CREATE UNIQUE INDEX users_name ON users (name) WHERE deleted = 0")
    for table in ("device_keys", "sync_keys", "devices"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("PRAGMA user_version = 3")
    created.session.lock()
    upgraded = vault.unlock(vault_dir, PASSPHRASE)
    assert upgraded.conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
    assert len(bytes(sync_state.identity(upgraded.conn).signing_key)) == 32
    assert list((vault_dir / "backups").glob("hrdesk-schema3-*.db"))
    upgraded.lock()
