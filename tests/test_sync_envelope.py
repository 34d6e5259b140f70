"""The sync file format: sealed, signed, and every tampering refused before use."""

from __future__ import annotations

import json
import os
from dataclasses import replace

import pytest
from nacl.signing import SigningKey

from hrdesk.core.errors import SyncFileRejected
from hrdesk.sync.envelope import GENESIS, Header, file_digest, open_file, read_header, seal

CANARY = "Canary-Sync-Heron-93"
VAULT = "vault-1"
SYNC_KEY = os.urandom(32)
DEVICE_KEY = SigningKey.generate()
HEADER = Header(format=1, vault=VAULT, epoch=1, device="dev-a", seq=1, prev=GENESIS, schema=3)
PAYLOAD = json.dumps([{"field": "title", "value": CANARY}]).encode()


def opened(data: bytes, **overrides):
    options = {
        "vault_id": VAULT,
        "verify_key_of": lambda device: DEVICE_KEY.verify_key if device == "dev-a" else None,
        "sync_key_of": lambda epoch: SYNC_KEY if epoch == 1 else None,
        "max_schema": 3,
        "expected": ("dev-a", 1),
    }
    return open_file(data, **(options | overrides))


def test_a_sealed_file_opens_and_hides_its_contents():
    data = seal(HEADER, PAYLOAD, SYNC_KEY, DEVICE_KEY)
    assert CANARY.encode() not in data
    header, payload = opened(data)
    assert header == HEADER and payload == PAYLOAD
    assert read_header(data).seq == 1
    assert len(file_digest(data)) == 64


def flip(data: bytes, index: int) -> bytes:
    changed = bytearray(data)
    changed[index] ^= 0x01
    return bytes(changed)


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda d: d[:20], "truncated"),
        (lambda d: d[: len(d) - 10], "signature"),
        (lambda d: flip(d, len(d) - 100), "signature"),  # a bit of the ciphertext
        (lambda d: flip(d, 30), "header"),  # a bit of the header's JSON
        (lambda d: b"PK\x03\x04" + d[4:], "not an hrdesk sync file"),
    ],
    ids=["truncated", "cut-short", "flipped-ciphertext", "flipped-header", "not-ours"],
)
def test_tampered_files_are_refused(tamper, message):
    data = seal(HEADER, PAYLOAD, SYNC_KEY, DEVICE_KEY)
    with pytest.raises(SyncFileRejected) as caught:
        opened(tamper(data))
    assert message in str(caught.value) or "damaged" in str(caught.value)


def test_a_forged_signature_is_refused():
    forged = seal(HEADER, PAYLOAD, SYNC_KEY, SigningKey.generate())
    with pytest.raises(SyncFileRejected, match="altered or forged"):
        opened(forged)


def test_files_of_revoked_or_unknown_devices_are_refused_before_decryption():
    data = seal(HEADER, PAYLOAD, SYNC_KEY, DEVICE_KEY)
    with pytest.raises(SyncFileRejected, match="unknown or has been revoked"):
        opened(data, verify_key_of=lambda device: None)


def test_another_vault_a_renamed_file_a_future_schema_and_a_missing_key():
    data = seal(HEADER, PAYLOAD, SYNC_KEY, DEVICE_KEY)
    with pytest.raises(SyncFileRejected, match="another vault"):
        opened(data, vault_id="vault-2")
    with pytest.raises(SyncFileRejected, match="name does not match"):
        opened(data, expected=("dev-a", 2))
    with pytest.raises(SyncFileRejected, match="newer version"):
        opened(data, max_schema=2)
    with pytest.raises(SyncFileRejected, match="does not hold the key"):
        opened(data, sync_key_of=lambda epoch: None)


def test_a_file_of_a_future_format_is_refused_with_a_clear_message():
    data = seal(replace(HEADER, format=2), PAYLOAD, SYNC_KEY, DEVICE_KEY)
    with pytest.raises(SyncFileRejected, match="newer version of hrdesk"):
        opened(data)


def test_a_file_sealed_under_another_key_does_not_decrypt():
    data = seal(HEADER, PAYLOAD, os.urandom(32), DEVICE_KEY)
    with pytest.raises(SyncFileRejected, match="cannot be decrypted"):
        opened(data)
