"""Sealed files: an export the user asked for, encrypted with a passphrase.

Layout: ``HRDSEAL1`` | 4-byte header length | JSON header (Argon2id parameters,
nonce) | XChaCha20-Poly1305 ciphertext with the header as associated data.
Built in memory and written atomically: no plaintext copy touches the disk.
"""

from __future__ import annotations

import json
import os
import struct

from nacl.bindings import (
    crypto_aead_xchacha20poly1305_ietf_decrypt,
    crypto_aead_xchacha20poly1305_ietf_encrypt,
)
from nacl.exceptions import CryptoError

from hrdesk.core.errors import HrdeskError, WrongPassphrase
from hrdesk.i18n import _
from hrdesk.store import kdf

MAGIC = b"HRDSEAL1"


def seal(plaintext: bytes, passphrase: str, params: kdf.KdfParams) -> bytes:
    nonce = os.urandom(24)
    header = json.dumps({"kdf": params.to_json(), "nonce": nonce.hex()}, sort_keys=True).encode()
    key = kdf.derive(passphrase, params)
    body = crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, MAGIC + header, nonce, key)
    return MAGIC + struct.pack(">I", len(header)) + header + body


def unseal(blob: bytes, passphrase: str) -> bytes:
    not_sealed = HrdeskError(_("This is not a sealed hrdesk file, or it is damaged."))
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 4:
        raise not_sealed
    (length,) = struct.unpack(">I", blob[8:12])
    header = blob[12 : 12 + length]
    try:
        data = json.loads(header)
        params = kdf.KdfParams.from_json(data["kdf"])
        nonce = bytes.fromhex(data["nonce"])
    except kdf.ParamsRefused as exc:
        if not exc.too_costly:
            raise not_sealed from exc
        # Refused before any derivation: a sealed file can ask for hours of work (and
        # gigabytes) before its passphrase is even tried.
        raise HrdeskError(
            _(
                "This sealed file asks for far more memory or time than hrdesk ever uses: "
                "it is damaged or was made to stall hrdesk. Nothing was done."
            )
        ) from exc
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise not_sealed from exc
    key = kdf.derive(passphrase, params)
    try:
        return crypto_aead_xchacha20poly1305_ietf_decrypt(
            blob[12 + length :], MAGIC + header, nonce, key
        )
    except CryptoError as exc:
        raise WrongPassphrase(_("Wrong passphrase, or the sealed file was altered.")) from exc
