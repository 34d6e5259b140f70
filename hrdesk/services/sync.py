"""Sync as the CLI and the GUI use it: set up, run, devices, status.

A run refreshes the device list and keys, pushes this device's new changes and
pulls everyone else's; it can be cancelled between files (``progress`` raises)
and resumes where it stopped. Results are plain dicts of counts and names:
never a field value of a case.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from hrdesk.core.errors import Cancelled, HrdeskError, PermissionDenied
from hrdesk.i18n import _, ngettext
from hrdesk.i18n.formatting import format_number
from hrdesk.services.users import current_user
from hrdesk.store import conflict_queries, sync_state
from hrdesk.store.vault import Session
from hrdesk.sync import attachments, devices, enrollment, pull, push, remote
from hrdesk.sync.push import SyncNotSetUp
from hrdesk.sync.transport import Transport

Progress = Callable[[int, int], None]


@dataclasses.dataclass
class SyncResult:
    sent_files: int = 0
    sent_attachments: int = 0
    received_files: int = 0
    received_operations: int = 0
    conflicts: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)
    case_ids: set[str] = dataclasses.field(default_factory=set)
    entities: set[str] = dataclasses.field(default_factory=set)

    def summary(self) -> list[str]:
        """What the run did, one translated sentence each (the problems are apart)."""
        lines = [
            ngettext(
                "Received {count} change from other devices.",
                "Received {count} changes from other devices.",
                self.received_operations,
            ).format(count=format_number(self.received_operations)),
            ngettext(
                "Sent {count} file of changes.", "Sent {count} files of changes.", self.sent_files
            ).format(count=format_number(self.sent_files)),
        ]
        if self.sent_attachments:
            lines.append(
                ngettext(
                    "Sent {count} evidence file.",
                    "Sent {count} evidence files.",
                    self.sent_attachments,
                ).format(count=format_number(self.sent_attachments))
            )
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "sent_files": self.sent_files,
            "sent_attachments": self.sent_attachments,
            "received_files": self.received_files,
            "received_operations": self.received_operations,
            "conflicts": self.conflicts,
            "problems": self.problems,
        }


def _require_admin_user(session: Session) -> None:
    if current_user(session)["role"] != "admin":
        raise PermissionDenied(_("Only an administrator can enroll or revoke devices."))


def transport_of(session: Session) -> Transport:
    config = sync_state.config(session.conn)
    if not is_set_up(session):
        raise SyncNotSetUp(_("Sync is not set up for this vault."))
    return remote.open_transport(config.remote, config.options)


def is_set_up(session: Session) -> bool:
    config = sync_state.config(session.conn)
    return config.list_version > 0 and bool(config.remote)


def setup(session: Session, address: str, options: dict[str, str], label: str) -> dict[str, Any]:
    """Make this vault's first sync key and device list in an empty shared place; or,
    when sync is already set up, change the place's address or credentials."""
    address, options = remote.parse(address, options)
    transport = remote.open_transport(address, options)
    conn = session.conn
    first = sync_state.config(conn).list_version == 0  # first set-up (or an interrupted one)
    if first:
        _require_admin_user(session)
    transport.list("")  # fails clearly when the place cannot be reached
    if first:
        if sync_state.current_epoch(conn) is None:
            sync_state.new_epoch(conn)
        entry = enrollment.entry_for(
            enrollment.own_request(session, label), admin=True, added_at=sync_state.now()
        )
        devices.publish(session, transport, lambda _entries: [entry], first=True)
    sync_state.set_remote(conn, address, options)
    return status(session)


def run(session: Session, progress: Progress | None = None) -> SyncResult:
    """One sync: device list and keys, push, pull. Problems with single files are
    listed in the result; an unreachable place or a cancel raises."""
    conn = session.conn
    transport = transport_of(session)
    result = SyncResult()

    def step() -> None:  # a Cancel is noticed between steps, not only between files
        if progress is not None:
            progress(0, 1)

    try:
        result.problems += devices.refresh(session, transport)
        step()
        result.sent_files = push.push(session, transport)
        step()
        result.sent_attachments = attachments.upload(session, transport)
        step()
        pulled = pull.pull(session, transport, progress)
        attachments.erase_deleted(session, pulled.changes.entities.get("attachment", set()))
    except Cancelled:
        raise  # the user's choice, not a problem to show next time
    except HrdeskError as exc:
        sync_state.record_outcome(conn, str(exc))
        raise
    result.received_files = pulled.files
    result.received_operations = pulled.operations
    result.problems += [
        _("{name}: {problem}").format(name=name, problem=problem)
        for name, problem in pulled.rejected
    ]
    result.case_ids = pulled.changes.case_ids
    result.entities = set(pulled.changes.entities)
    result.conflicts = conflict_queries.count(conn)
    sync_state.record_outcome(conn, "; ".join(result.problems) or None)
    return result


def attachment_is_here(session: Session, row: dict[str, Any]) -> bool:
    return attachments.is_local(session, row["blob_id"])


def fetch_attachment_if_missing(session: Session, row: dict[str, Any]) -> None:
    """An attachment recorded on another device: bring its file before it is opened."""
    if attachments.is_local(session, row["blob_id"]) or not is_set_up(session):
        return
    attachments.fetch(session, transport_of(session), row)


def status(session: Session) -> dict[str, Any]:
    conn = session.conn
    config = sync_state.config(conn)
    pushed = sync_state.pushed(conn)
    me = sync_state.identity(conn)
    local_seq = sync_state.local_seq(conn)
    return {
        "set_up": is_set_up(session),
        **remote.describe(config.remote, config.options),
        "device": me.device_id,
        "code": enrollment.own_code(session),
        "epoch": sync_state.current_epoch(conn),
        "device_list_version": config.list_version,
        "last_sync": config.last_sync,
        "last_error": config.last_error,
        "unsent_changes": max(0, local_seq - pushed.commit_seq),
        "conflicts": conflict_queries.count(conn),
        "devices": sum(1 for e in sync_state.device_entries(conn) if e.revoked_at is None),
    }


def list_devices(session: Session) -> list[dict[str, Any]]:
    me = sync_state.identity(session.conn).device_id
    return [
        {
            "device_id": entry.device_id,
            "label": entry.label,
            "admin": entry.admin,
            "added_at": entry.added_at,
            "revoked_at": entry.revoked_at,
            "this_device": entry.device_id == me,
            "code": enrollment.safety_code(entry.verify_key, entry.box_key),
        }
        for entry in sync_state.device_entries(session.conn)
    ]


def _not_joined_yet(session: Session) -> None:
    if sync_state.current_epoch(session.conn) is not None:
        raise HrdeskError(_("This vault already syncs; a vault joins only once."))


def join_request(session: Session, label: str) -> tuple[bytes, str]:
    """The request file a new device hands to an administrator, and its safety code."""
    _not_joined_yet(session)
    return enrollment.make_request(session, label), enrollment.own_code(session)


def read_request(data: bytes) -> dict[str, str]:
    request = enrollment.read_request(data)
    return {"device_id": request.device_id, "label": request.label, "code": request.code}


def enroll(session: Session, request_data: bytes, admin: bool = False) -> tuple[bytes, dict]:
    """Add the requesting device to the device list (published at once) and make its
    enrollment file."""
    _require_admin_user(session)
    request = enrollment.read_request(request_data)
    conn = session.conn
    transport = transport_of(session)
    entry = enrollment.entry_for(request, admin, sync_state.now())

    def add(entries: list[sync_state.DeviceEntry]) -> list[sync_state.DeviceEntry]:
        return [*entries, entry]

    devices.refresh(session, transport)
    known = {e.device_id: e for e in sync_state.device_entries(conn)}
    if request.device_id not in known:
        devices.publish(session, transport, add)
    elif known[request.device_id].revoked_at is not None:
        raise HrdeskError(_("This device was revoked; it cannot join again."))
    # else: enrolled already (its file was lost on the way): the file is made again.
    config = sync_state.config(conn)
    secret = {
        "keys": {str(epoch): key.hex() for epoch, key in sync_state.all_sync_keys(conn).items()},
        "remote": config.remote,
        "options": config.options,
        "list": {
            "version": config.list_version,
            "digest": config.list_digest,
            "devices": [devices.entry_json(e) for e in sync_state.device_entries(conn)],
        },
    }
    data = enrollment.make_enrollment(session, request, secret)
    return data, {"device_id": request.device_id, "label": request.label, "code": request.code}


def join(session: Session, data: bytes) -> dict[str, Any]:
    """Adopt an enrollment file made for this device: keys, device list, shared place."""
    conn = session.conn
    _not_joined_yet(session)
    found = enrollment.read_enrollment(session, data)
    try:
        secret = found.secret
        keys = {int(epoch): bytes.fromhex(key) for epoch, key in secret["keys"].items()}
        entries = [devices.entry_from_json(item) for item in secret["list"]["devices"]]
        version, digest = int(secret["list"]["version"]), str(secret["list"]["digest"])
        address, options = str(secret["remote"]), dict(secret["options"])
    except (KeyError, ValueError, TypeError) as exc:
        raise HrdeskError(
            _("This is not an enrollment file from hrdesk, or it is damaged.")
        ) from exc
    sync_state.join_vault(conn, found.vault_id, keys)
    sync_state.replace_devices(conn, entries, version, digest)
    sync_state.set_remote(conn, address, options)
    return {"admin_code": found.admin_code, **status(session)}


def revoke(session: Session, device_id: str) -> int:
    """Remove a device (lost, stolen, retired): the list marks it revoked and a new
    sync key, which it is not given, is used from now on. Returns the new epoch."""
    _require_admin_user(session)
    transport = transport_of(session)
    devices.refresh(session, transport)
    devices.require_admin_device(session)
    entries = sync_state.device_entries(session.conn)
    target = next((e for e in entries if e.device_id == device_id), None)
    if target is None:
        raise HrdeskError(_("No enrolled device has the id {device}.").format(device=device_id))
    if device_id == sync_state.identity(session.conn).device_id:
        raise HrdeskError(_("A device cannot revoke itself; revoke it from another admin device."))
    keep = [e for e in entries if e.revoked_at is None and e.device_id != device_id]
    epoch = devices.rotate_key(session, transport, keep)
    when = sync_state.now()

    def mark(current: list[sync_state.DeviceEntry]) -> list[sync_state.DeviceEntry]:
        return [
            dataclasses.replace(e, revoked_at=when) if e.device_id == device_id else e
            for e in current
        ]

    devices.publish(session, transport, mark)
    return epoch
