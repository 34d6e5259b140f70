"""The sync file format: one device's batch of operations, sealed for the shared place.

A file ``log/<device>/<seq>.hrd`` is::

    MAGIC (8 bytes) | header length (4, big-endian) | header (canonical JSON)
    | nonce (24) | ciphertext | signature (64)

- The **header** is readable without keys (the storage must know nothing more):
  format version, vault id, key epoch, device id, sequence number, the SHA-256 of
  the device's previous file, and the schema version of the operations.
- The **operations** are encrypted with XChaCha20-Poly1305 under the vault's sync
  key of that epoch; MAGIC and the header are its associated data, so a header
  cannot be edited without the decryption failing.
- The **signature** is the device's Ed25519 signature over everything before it:
  the storage can neither forge nor alter a file, and a file signed by a revoked
  or unknown device is refused before anything is decrypted.

Each check failing raises ``SyncFileRejected`` with a message saying which, and
nothing is returned: a caller can never apply half of a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from collections.abc import Callable
from dataclasses import asdict, dataclass

from nacl.bindings import (
    crypto_aead_xchacha20poly1305_ietf_decrypt,
    crypto_aead_xchacha20poly1305_ietf_encrypt,
)
from nacl.exceptions import BadSignatureError, CryptoError
from nacl.signing import SigningKey, VerifyKey

from hrdesk.core.errors import SyncFileRejected
from hrdesk.i18n import _

MAGIC = b"HRDSYNC\x01"
FORMAT = 1
NONCE_BYTES = 24
SIGNATURE_BYTES = 64
MAX_HEADER_BYTES = 4096
GENESIS = "0" * 64


@dataclass(frozen=True)
class Header:
    format: int
    vault: str
    epoch: int
    device: str
    seq: int
    prev: str  # SHA-256 (hex) of this device's previous file; GENESIS for the first
    schema: int

    def encode(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")).encode("utf-8")


def numbered(folder: str, number: int) -> str:
    """The name of file ``number`` in a folder of the shared place: ``<folder>/<n>.hrd``."""
    return f"{folder}/{number}.hrd"


def number_of(name: str) -> tuple[str, int] | None:
    """(folder, n) of a name ``<folder>/<n>.hrd``; None for any other name."""
    folder, _slash, stem = name.rpartition("/")
    if not folder or not stem.endswith(".hrd") or not stem[:-4].isdigit():
        return None
    return folder, int(stem[:-4])


def file_digest(data: bytes) -> str:
    """What the next file of the same device names as ``prev``."""
    return hashlib.sha256(data).hexdigest()


def seal(header: Header, payload: bytes, sync_key: bytes, signing_key: SigningKey) -> bytes:
    """The file for ``payload`` (the operations, already serialized)."""
    head = header.encode()
    prefix = MAGIC + struct.pack(">I", len(head)) + head
    nonce = os.urandom(NONCE_BYTES)
    sealed = crypto_aead_xchacha20poly1305_ietf_encrypt(payload, prefix, nonce, sync_key)
    body = prefix + nonce + sealed
    return body + signing_key.sign(body).signature


def read_header(data: bytes) -> Header:
    """The header alone, unverified: to know which device signed and with which epoch."""
    if len(data) < len(MAGIC) + 4 or not data.startswith(MAGIC):
        raise SyncFileRejected(_("This is not an hrdesk sync file, or it is truncated."))
    (length,) = struct.unpack(">I", data[len(MAGIC) : len(MAGIC) + 4])
    start = len(MAGIC) + 4
    if length > MAX_HEADER_BYTES or len(data) < start + length + NONCE_BYTES + SIGNATURE_BYTES:
        raise SyncFileRejected(_("The sync file is truncated."))
    try:
        fields = json.loads(data[start : start + length])
        header = Header(**fields)
    except (ValueError, TypeError) as exc:
        raise SyncFileRejected(_("The sync file's header is damaged.")) from exc
    if header.format > FORMAT:
        raise SyncFileRejected(
            _("This sync file was written by a newer version of hrdesk; update to read it.")
        )
    return header


def open_file(
    data: bytes,
    vault_id: str,
    verify_key_of: Callable[[str], VerifyKey | None],
    sync_key_of: Callable[[int], bytes | None],
    max_schema: int,
    expected: tuple[str, int] | None = None,
) -> tuple[Header, bytes]:
    """Check a file completely, then return its header and decrypted payload.

    ``verify_key_of(device)`` gives the key of an enrolled, not revoked device (else
    None); ``sync_key_of(epoch)`` the sync key of an epoch this device holds;
    ``expected`` is the (device, seq) its path claims, so a renamed file is refused.
    """
    header = read_header(data)
    if header.vault != vault_id:
        raise SyncFileRejected(_("The sync file belongs to another vault."))
    if expected is not None and (header.device, header.seq) != expected:
        raise SyncFileRejected(_("The sync file's name does not match its contents."))
    verify_key = verify_key_of(header.device)
    if verify_key is None:
        raise SyncFileRejected(
            _("The sync file was signed by a device that is unknown or has been revoked.")
        )
    body, signature = data[:-SIGNATURE_BYTES], data[-SIGNATURE_BYTES:]
    try:
        verify_key.verify(body, signature)
    except BadSignatureError as exc:
        raise SyncFileRejected(
            _("The sync file's signature is not valid: it was altered or forged.")
        ) from exc
    if header.schema > max_schema:
        raise SyncFileRejected(
            _("This sync file holds changes from a newer version of hrdesk; update to apply them.")
        )
    sync_key = sync_key_of(header.epoch)
    if sync_key is None:
        raise SyncFileRejected(_("This device does not hold the key for this sync file."))
    length = struct.unpack(">I", data[len(MAGIC) : len(MAGIC) + 4])[0]
    prefix_end = len(MAGIC) + 4 + length
    nonce = body[prefix_end : prefix_end + NONCE_BYTES]
    try:
        payload = crypto_aead_xchacha20poly1305_ietf_decrypt(
            body[prefix_end + NONCE_BYTES :], body[:prefix_end], nonce, sync_key
        )
    except CryptoError as exc:
        raise SyncFileRejected(_("The sync file cannot be decrypted: it is damaged.")) from exc
    return header, payload
