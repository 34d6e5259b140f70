"""Who may sync: the device list and the sync keys, kept in the shared place.

- ``admin/devices/<n>.hrd`` is version n of the device list (each device's id,
  label, public keys, whether it is an admin, when it was revoked): a sync
  file (envelope.py) sealed with the sync key of its epoch and signed by an
  admin device of version n-1, naming version n-1's digest. A device adopts a
  new version only if that holds, so the storage cannot add a device, and a
  non-admin device cannot either.
- ``admin/keys/<e>.hrd`` hands out the sync key of epoch e (started when a device
  is revoked): for each remaining device, the key sealed to its X25519 public
  key; the file itself is sealed with epoch e-1's key and signed by an admin.
  A revoked device is not given the new key, so it reads nothing written after.

Lists and keys are published with put-if-absent: two admins changing the list at
once cannot both write version n; the one that loses reads the winner's and
tries again on top of it.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable

from nacl.exceptions import CryptoError
from nacl.public import PublicKey, SealedBox
from nacl.signing import VerifyKey

from hrdesk.core.errors import HrdeskError, SyncFileRejected
from hrdesk.i18n import _
from hrdesk.store import sync_state
from hrdesk.store.migrations import LATEST
from hrdesk.store.sync_state import DeviceEntry
from hrdesk.store.vault import Session
from hrdesk.sync import envelope
from hrdesk.sync.transport import Transport, TransportError

LISTS = "admin/devices"
KEYS = "admin/keys"
ATTEMPTS = 5


class NotAnAdminDevice(HrdeskError):
    pass


def entry_json(entry: DeviceEntry) -> dict:
    return {
        "device": entry.device_id,
        "label": entry.label,
        "verify": entry.verify_key.hex(),
        "box": entry.box_key.hex(),
        "admin": entry.admin,
        "added_at": entry.added_at,
        "revoked_at": entry.revoked_at,
    }


def entry_from_json(item: dict) -> DeviceEntry:
    entry = DeviceEntry(
        str(item["device"]),
        str(item["label"]),
        bytes.fromhex(item["verify"]),
        bytes.fromhex(item["box"]),
        bool(item["admin"]),
        str(item["added_at"]),
        None if item.get("revoked_at") is None else str(item["revoked_at"]),
    )
    if len(entry.verify_key) != 32 or len(entry.box_key) != 32:
        raise ValueError("bad key length")
    return entry


def _admin_key(conn, device_id: str) -> VerifyKey | None:
    """The verify key of a device that may change the list: an admin, not revoked."""
    return sync_state.verify_key_of(conn, device_id, admin=True)


def _numbers(transport: Transport, prefix: str) -> list[int]:
    found = (envelope.number_of(name) for name in transport.list(prefix))
    return sorted(number for folder, number in filter(None, found) if folder == prefix)


def refresh(session: Session, transport: Transport) -> list[str]:
    """Adopt every newer key and device-list file that checks out; returns the problems
    met (translated), each naming the file. Keys and lists can depend on each other
    (a key handed out by an admin added in a newer list), so both are read in turns
    until nothing more can be adopted."""
    problems: dict[str, str] = {}
    while True:
        progressed = _refresh_keys(session, transport, problems)
        progressed = _refresh_lists(session, transport, problems) or progressed
        if not progressed:
            return [
                _("{name}: {problem}").format(name=name, problem=text)
                for name, text in problems.items()
            ]


def _refresh_keys(session: Session, transport: Transport, problems: dict[str, str]) -> bool:
    conn = session.conn
    vault_id = sync_state.shared_vault_id(conn)
    me = sync_state.identity(conn)
    progressed = False
    for epoch in _numbers(transport, KEYS):
        if sync_state.sync_key(conn, epoch) is not None:
            continue
        name = envelope.numbered(KEYS, epoch)
        try:
            header, body = envelope.open_file(
                transport.get(name),
                vault_id,
                lambda device: _admin_key(conn, device),
                lambda number, wanted=epoch - 1: (
                    sync_state.sync_key(conn, number) if number == wanted else None
                ),
                LATEST,
            )
            if header.seq != epoch:
                raise SyncFileRejected(_("The sync file's name does not match its contents."))
            wraps = json.loads(body)["wraps"]
            sealed = wraps.get(me.device_id)
            if sealed is None:
                raise SyncFileRejected(
                    _("This device was not given the new sync key: it may have been revoked.")
                )
            key = SealedBox(me.box_key).decrypt(bytes.fromhex(sealed))
        except SyncFileRejected as exc:
            problems[name] = str(exc)
            return progressed
        except (ValueError, KeyError, TypeError, CryptoError):
            problems[name] = _("The sync file's contents are damaged.")
            return progressed
        sync_state.add_sync_key(conn, epoch, key)
        problems.pop(name, None)
        progressed = True
    return progressed


def _refresh_lists(session: Session, transport: Transport, problems: dict[str, str]) -> bool:
    conn = session.conn
    vault_id = sync_state.shared_vault_id(conn)
    progressed = False
    for version in _numbers(transport, LISTS):
        current = sync_state.config(conn)
        if version <= current.list_version:
            continue
        name = envelope.numbered(LISTS, version)
        if version != current.list_version + 1:
            problems[name] = _("An earlier version of the device list is missing.")
            return progressed
        data = transport.get(name)
        try:
            entries = read_list(conn, data, vault_id, version, current.list_digest)
        except SyncFileRejected as exc:
            problems[name] = str(exc)
            return progressed
        sync_state.replace_devices(conn, entries, version, envelope.file_digest(data))
        problems.pop(name, None)
        progressed = True
    return progressed


def read_list(conn, data: bytes, vault_id: str, version: int, prev: str) -> list[DeviceEntry]:
    header, body = envelope.open_file(
        data,
        vault_id,
        lambda device: _admin_key(conn, device),
        lambda epoch: sync_state.sync_key(conn, epoch),
        LATEST,
    )
    if header.seq != version:
        raise SyncFileRejected(_("The sync file's name does not match its contents."))
    if header.prev != prev:
        raise SyncFileRejected(
            _(
                "The device list does not follow the version this device has (a version is "
                "missing, or an old one was replayed)."
            )
        )
    try:
        return [entry_from_json(item) for item in json.loads(body)["devices"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise SyncFileRejected(_("The sync file's contents are damaged.")) from exc


def _seal_doc(session: Session, epoch: int, key: bytes, seq: int, prev: str, doc: dict) -> bytes:
    conn = session.conn
    me = sync_state.identity(conn)
    header = envelope.Header(
        format=envelope.FORMAT,
        vault=sync_state.shared_vault_id(conn),
        epoch=epoch,
        device=me.device_id,
        seq=seq,
        prev=prev,
        schema=LATEST,
    )
    payload = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return envelope.seal(header, payload, key, me.signing_key)


def require_admin_device(session: Session) -> None:
    me = sync_state.identity(session.conn)
    if _admin_key(session.conn, me.device_id) is None:
        raise NotAnAdminDevice(_("Only an administrator's device can enroll or revoke devices."))


def publish(
    session: Session,
    transport: Transport,
    change: Callable[[list[DeviceEntry]], list[DeviceEntry]],
    first: bool = False,
) -> int:
    """Write the next version of the device list, ``change`` applied to the newest one;
    returns its version. ``first`` is the very first list, written at setup."""
    conn = session.conn
    for _attempt in range(ATTEMPTS):
        if not first:
            refresh(session, transport)
            require_admin_device(session)
        current = sync_state.config(conn)
        entries = change(sync_state.device_entries(conn))
        epoch = sync_state.current_epoch(conn)
        key = sync_state.sync_key(conn, epoch)
        version = current.list_version + 1
        data = _seal_doc(
            session,
            epoch,
            key,
            version,
            current.list_digest or envelope.GENESIS,
            {"devices": [entry_json(entry) for entry in entries]},
        )
        if transport.put_if_absent(envelope.numbered(LISTS, version), data):
            sync_state.replace_devices(conn, entries, version, envelope.file_digest(data))
            return version
        if first:
            raise TransportError(
                _("This shared place is already used by another vault; choose an empty one.")
            )
    raise TransportError(
        _("The device list is being changed from another device; try again in a moment.")
    )


def rotate_key(session: Session, transport: Transport, keep: list[DeviceEntry]) -> int:
    """Start a new epoch: a fresh key, sealed to each device of ``keep``; returns it."""
    conn = session.conn
    for _attempt in range(ATTEMPTS):
        refresh(session, transport)
        previous = sync_state.current_epoch(conn)
        epoch = previous + 1
        key = secrets.token_bytes(32)
        wraps = {
            entry.device_id: SealedBox(PublicKey(entry.box_key)).encrypt(key).hex()
            for entry in keep
        }
        data = _seal_doc(
            session,
            previous,
            sync_state.sync_key(conn, previous),
            epoch,
            envelope.GENESIS,
            {"wraps": wraps},
        )
        if transport.put_if_absent(envelope.numbered(KEYS, epoch), data):
            sync_state.add_sync_key(conn, epoch, key)
            return epoch
    raise TransportError(
        _("The sync key is being changed from another device; try again in a moment.")
    )
