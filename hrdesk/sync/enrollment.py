"""Joining a vault from a new device: a request out, an enrollment file back.

1. The new device writes a *join request*: its id, a label, and its public keys,
   signed with its own key (``make_request``). It shows a safety code.
2. An administrator enrolls it (``make_enrollment``): the device is added to the
   device list, and the enrollment file carries, sealed to the new device's
   X25519 key, the sync keys of every epoch, the shared place and its
   credentials, and the device list itself. The administrator's device signs it.
3. The new device opens it (``read_enrollment``). The safety codes shown on both
   screens let the two people check, by phone or in person, that no one swapped
   a file on the way; neither file reveals anything to whoever carries it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import PublicKey, SealedBox
from nacl.signing import VerifyKey

from hrdesk.core import safeinput
from hrdesk.core.errors import SyncFileRejected, ValidationError
from hrdesk.i18n import _
from hrdesk.store import sync_state
from hrdesk.store.sync_state import DeviceEntry
from hrdesk.store.vault import Session

REQUEST_MAGIC = b"HRDJOIN\x01"
ENROLL_MAGIC = b"HRDENRL\x01"
SIGNATURE_BYTES = 64


@dataclass(frozen=True)
class Request:
    device_id: str
    label: str
    verify_key: bytes
    box_key: bytes

    @property
    def code(self) -> str:
        return safety_code(self.verify_key, self.box_key)


def safety_code(verify_key: bytes, box_key: bytes) -> str:
    """Twelve digits derived from a device's public keys, to compare aloud."""
    number = int.from_bytes(hashlib.sha256(verify_key + box_key).digest()[:8], "big")
    digits = f"{number % 10**12:012d}"
    return " ".join(digits[i : i + 4] for i in range(0, 12, 4))


def own_code(session: Session) -> str:
    return own_request(session, "").code


def _signed(magic: bytes, doc: dict, signing_key) -> bytes:
    body = magic + json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return body + signing_key.sign(body).signature


def _unsigned(magic: bytes, data: bytes, what: str) -> tuple[dict, bytes, bytes]:
    if not data.startswith(magic) or len(data) < len(magic) + SIGNATURE_BYTES + 2:
        raise SyncFileRejected(what)
    body, signature = data[:-SIGNATURE_BYTES], data[-SIGNATURE_BYTES:]
    try:
        doc = safeinput.parse_json(body[len(magic) :])
    except ValidationError as exc:
        raise SyncFileRejected(what) from exc
    if not isinstance(doc, dict):
        raise SyncFileRejected(what)
    return doc, body, signature


def own_request(session: Session, label: str) -> Request:
    """This device as a join request describes it."""
    me = sync_state.identity(session.conn)
    return Request(
        me.device_id, label, bytes(me.signing_key.verify_key), bytes(me.box_key.public_key)
    )


def make_request(session: Session, label: str) -> bytes:
    request = own_request(session, label)
    doc = {
        "format": 1,
        "device": request.device_id,
        "label": request.label,
        "verify": request.verify_key.hex(),
        "box": request.box_key.hex(),
    }
    return _signed(REQUEST_MAGIC, doc, sync_state.identity(session.conn).signing_key)


def read_request(data: bytes) -> Request:
    what = _("This is not a join request from hrdesk, or it is damaged.")
    doc, body, signature = _unsigned(REQUEST_MAGIC, data, what)
    try:
        request = Request(
            str(doc["device"]),
            str(doc["label"]),
            bytes.fromhex(doc["verify"]),
            bytes.fromhex(doc["box"]),
        )
        VerifyKey(request.verify_key).verify(body, signature)
        PublicKey(request.box_key)
    except (KeyError, ValueError, TypeError, BadSignatureError, CryptoError) as exc:
        raise SyncFileRejected(what) from exc
    return request


def make_enrollment(session: Session, request: Request, secret: dict[str, Any]) -> bytes:
    """The enrollment file for ``request``; ``secret`` is sealed to the new device."""
    me = sync_state.identity(session.conn)
    sealed = SealedBox(PublicKey(request.box_key)).encrypt(
        json.dumps(secret, sort_keys=True).encode("utf-8")
    )
    doc = {
        "format": 1,
        "vault": sync_state.shared_vault_id(session.conn),
        "for": request.device_id,
        "admin": me.device_id,
        "admin_verify": bytes(me.signing_key.verify_key).hex(),
        "admin_box": bytes(me.box_key.public_key).hex(),
        "sealed": sealed.hex(),
    }
    return _signed(ENROLL_MAGIC, doc, me.signing_key)


@dataclass(frozen=True)
class Enrollment:
    vault_id: str
    admin_code: str
    secret: dict[str, Any]


def read_enrollment(session: Session, data: bytes) -> Enrollment:
    what = _("This is not an enrollment file from hrdesk, or it is damaged.")
    doc, body, signature = _unsigned(ENROLL_MAGIC, data, what)
    me = sync_state.identity(session.conn)
    try:
        if doc["for"] != me.device_id:
            raise SyncFileRejected(
                _("This enrollment file was made for another device's join request.")
            )
        admin_verify = bytes.fromhex(doc["admin_verify"])
        VerifyKey(admin_verify).verify(body, signature)
        secret = safeinput.parse_json(SealedBox(me.box_key).decrypt(bytes.fromhex(doc["sealed"])))
        return Enrollment(
            str(doc["vault"]),
            safety_code(admin_verify, bytes.fromhex(doc["admin_box"])),
            secret,
        )
    except (
        KeyError,
        ValueError,
        TypeError,
        BadSignatureError,
        CryptoError,
        ValidationError,
    ) as exc:
        raise SyncFileRejected(what) from exc


def entry_for(request: Request, admin: bool, added_at: str) -> DeviceEntry:
    return DeviceEntry(
        request.device_id, request.label, request.verify_key, request.box_key, admin, added_at
    )
