"""Argon2id calibration and the key-slot format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hrdesk.core.errors import ValidationError, WrongPassphrase
from hrdesk.store import kdf, vault
from hrdesk.store.keyslots import KeySlots

from .conftest import PASSPHRASE, REAL_CALIBRATE


def test_calibration_never_goes_below_the_floor() -> None:
    params = REAL_CALIBRATE(target_seconds=0.01)
    assert params.time_cost >= kdf.FLOOR_TIME_COST
    assert params.memory_kib >= kdf.FLOOR_MEMORY_KIB
    assert len(params.salt) == 16 and not params.below_floor()


def test_derivation_depends_on_passphrase_and_salt() -> None:
    params = kdf.KdfParams(1, 1024, 1, b"s" * 16)
    assert kdf.derive("a long passphrase", params) == kdf.derive("a long passphrase", params)
    assert kdf.derive("a long passphrase", params) != kdf.derive("a long passphrasE", params)
    assert kdf.derive("a long passphrase", params) != kdf.derive(
        "a long passphrase", params.with_new_salt()
    )


def test_slot_file_names_no_user_and_holds_no_key(created, vault_dir: Path) -> None:
    text = (vault_dir / vault.SLOTS_NAME).read_text()
    data = json.loads(text)
    assert "amina" not in text
    raw_hex = created.session.raw_key.hex()
    assert raw_hex not in text.lower()
    assert len(data["slots"]) == 1 and data["slots"][0]["kdf"]["name"] == "argon2id"


def test_short_passphrase_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        vault.create_vault(tmp_path / "v", "short", "Org", "amina")
    assert not (tmp_path / "v" / vault.DB_NAME).exists()


def test_two_users_cannot_share_a_passphrase(created) -> None:
    slots: KeySlots = created.session.slots
    with pytest.raises(ValidationError):
        slots.set_passphrase(
            "someone-else",
            PASSPHRASE,
            created.session.raw_key,
            kdf.KdfParams(1, 1024, 1, b"x" * 16),
        )


def test_changing_a_passphrase_rewrites_one_slot_only(created, vault_dir: Path) -> None:
    from hrdesk.services import users

    users.add_user(created.session, "karim", "caseworker", "karim's own passphrase")
    before = json.loads((vault_dir / vault.SLOTS_NAME).read_text())["slots"]
    db_before = (vault_dir / vault.DB_NAME).stat().st_mtime_ns
    users.change_passphrase(created.session, "a brand new passphrase")
    after = json.loads((vault_dir / vault.SLOTS_NAME).read_text())["slots"]
    karim = [slot for slot in before if slot["user_id"] != created.session.user_id]
    assert karim[0] in after and len(after) == 2
    assert (vault_dir / vault.DB_NAME).stat().st_mtime_ns == db_before
    assert (vault_dir / vault.SLOTS_NAME).stat().st_mode & 0o777 == 0o600
    created.session.lock()
    with pytest.raises(WrongPassphrase):
        vault.unlock(vault_dir, PASSPHRASE)
    with vault.unlock(vault_dir, "a brand new passphrase") as again:
        assert again.user_id == created.session.user_id
    with vault.unlock(vault_dir, "karim's own passphrase") as karim_session:
        assert karim_session.user_id == karim[0]["user_id"]
