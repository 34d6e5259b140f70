"""Users of a vault (several per shared laptop), their roles and passphrases."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hrdesk.core import validate as v
from hrdesk.core.errors import KeySlotsDamaged, PermissionDenied, ValidationError
from hrdesk.core.ids import new_id
from hrdesk.i18n import _
from hrdesk.store import kdf, keyslots, queries
from hrdesk.store.keyslots import KeySlots
from hrdesk.store.vault import Session, vault_meta


def current_user(session: Session) -> dict[str, Any]:
    return next(u for u in list_users(session) if u["id"] == session.user_id)


def list_users(session: Session) -> list[dict[str, Any]]:
    return queries.list_users(session.conn)


def _require_admin(session: Session) -> None:
    if current_user(session)["role"] != "admin":
        raise PermissionDenied(_("Only an administrator can manage users."))


def add_user(
    session: Session, name: str, role: str, passphrase: str, params: kdf.KdfParams | None = None
) -> dict[str, Any]:
    """A new user who can unlock this vault with their own passphrase."""
    _require_admin(session)
    name = v.text(100, allow_empty=False)(name, "name")
    role = v.slug("user-role")(role, "role")
    if any(u["name"] == name for u in list_users(session)):
        raise ValidationError("name", _("a user with this name already exists"))
    user_id = new_id()
    with _changing_slots(session) as slots:
        slots.set_passphrase(user_id, passphrase, session.raw_key, params or kdf.calibrate())
        with session.writer.batch() as batch:
            batch.put("user", user_id, {"name": name, "role": role}, new=True)
        # Saved (as the block ends) only once the user exists: no orphan slot after a crash.
    return {"id": user_id, "name": name, "role": role}


def change_passphrase(
    session: Session, new_passphrase: str, params: kdf.KdfParams | None = None
) -> None:
    """Rewrite the current user's slot (atomically); the database is untouched."""
    with _changing_slots(session) as slots:
        slots.set_passphrase(
            session.user_id, new_passphrase, session.raw_key, params or kdf.calibrate()
        )


def reset_passphrase(
    session: Session, name: str, passphrase: str, params: kdf.KdfParams | None = None
) -> None:
    """An administrator sets a new passphrase for another user (forgotten, or slot lost)."""
    _require_admin(session)
    user = next((u for u in list_users(session) if u["name"] == name), None)
    if user is None:
        raise ValidationError("name", _("is not a user of this vault"))
    with _changing_slots(session) as slots:
        slots.set_passphrase(user["id"], passphrase, session.raw_key, params or kdf.calibrate())


def users_without_passphrase(session: Session) -> list[str]:
    """Users who cannot unlock: their slot was lost with a damaged key-slot file."""
    have = set(session.slots.user_ids()) if session.slots else set()
    return [u["name"] for u in list_users(session) if u["id"] not in have]


@contextmanager
def _changing_slots(session: Session) -> Iterator[KeySlots]:
    """The slot file as it is on disk now (another program may have changed it since
    this session was unlocked), changed by the block and saved when it ends, with no
    other program's change in between; the session then holds the saved slots."""
    with keyslots.editing(session.slots_path):
        try:
            slots = KeySlots.load(session.slots_path)
        except KeySlotsDamaged:
            if session.slots is not None:  # damaged since: the copy read at unlock
                slots = KeySlots(session.slots.vault_id, list(session.slots.slots))
            else:  # unlocked with the recovery key after the file was lost: a fresh one
                slots = KeySlots(vault_meta(session)["vault_id"])
        yield slots
        slots.save(session.slots_path)
    session.slots = slots
