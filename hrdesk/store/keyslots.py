"""Key slots: the vault's raw database key, wrapped once per user.

``keyslots.json`` holds, per user, the Argon2id parameters and the raw key
encrypted with XChaCha20-Poly1305 under the passphrase-derived key. The slot's
own identity (vault, slot, user, KDF parameters) is authenticated as associated
data, so a slot cannot be moved to another vault or user or weakened by editing
its parameters. No names are stored here: who the users are is only known
inside the encrypted database.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; changes of the slots are not serialized there
    fcntl = None  # type: ignore[assignment]

from nacl.bindings import (
    crypto_aead_xchacha20poly1305_ietf_decrypt,
    crypto_aead_xchacha20poly1305_ietf_encrypt,
)
from nacl.exceptions import CryptoError

from hrdesk.core.errors import KeySlotsDamaged, ValidationError, WrongPassphrase
from hrdesk.i18n import _
from hrdesk.store import kdf
from hrdesk.store.atomic import write_atomic

FORMAT = "hrdesk-keyslots"
VERSION = 1
MIN_PASSPHRASE_CHARS = 10


@dataclass(frozen=True)
class Slot:
    slot_id: str
    user_id: str
    params: kdf.KdfParams
    nonce: bytes
    wrapped: bytes

    def aad(self, vault_id: str) -> bytes:
        fields = [FORMAT, str(VERSION), vault_id, self.slot_id, self.user_id]
        fields.append(json.dumps(self.params.to_json(), sort_keys=True))
        return "|".join(fields).encode("utf-8")


@dataclass(frozen=True)
class Opened:
    """What an unlock found: the raw key, the slot that gave it, and about what deriving
    that slot's key costs this machine when idle (``kdf.derive_timed``)."""

    raw_key: bytes
    slot: Slot
    seconds: float


def check_passphrase_strength(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise ValidationError(
            "",
            _("A passphrase needs at least {count} characters; several words work well.").format(
                count=MIN_PASSPHRASE_CHARS
            ),
        )


class KeySlots:
    def __init__(self, vault_id: str, slots: list[Slot] | None = None) -> None:
        self.vault_id = vault_id
        self.slots: list[Slot] = list(slots or [])

    # -- file ---------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> KeySlots:
        damaged = KeySlotsDamaged(
            _(
                "The key-slot file of this vault is missing or damaged; "
                "unlock with the recovery key to repair it."
            )
        )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT or data.get("version") != VERSION:
                raise damaged
            slots = [
                Slot(
                    slot_id=str(item["id"]),
                    user_id=str(item["user_id"]),
                    params=kdf.KdfParams.from_json(item["kdf"]),
                    nonce=bytes.fromhex(item["nonce"]),
                    wrapped=bytes.fromhex(item["wrapped"]),
                )
                for item in data["slots"]
            ]
            return cls(str(data["vault_id"]), slots)
        except kdf.ParamsRefused as exc:
            if not exc.too_costly:
                raise damaged from exc
            # Checked before any derivation: a file asking for hours of work is refused
            # at once instead of hanging the unlock.
            raise KeySlotsDamaged(
                _(
                    "The key-slot file of this vault asks for far more memory or time than "
                    "hrdesk ever uses: it is damaged or was altered. Nothing was tried; "
                    "unlock with the recovery key to repair it."
                )
            ) from exc
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            raise damaged from exc

    def save(self, path: Path) -> None:
        data = {
            "format": FORMAT,
            "version": VERSION,
            "vault_id": self.vault_id,
            "slots": [
                {
                    "id": slot.slot_id,
                    "user_id": slot.user_id,
                    "kdf": slot.params.to_json(),
                    "nonce": slot.nonce.hex(),
                    "wrapped": slot.wrapped.hex(),
                }
                for slot in self.slots
            ],
        }
        write_atomic(path, (json.dumps(data, indent=1) + "\n").encode("utf-8"))

    # -- keys ---------------------------------------------------------------

    def open(self, passphrase: str, first_user: str | None = None) -> Opened:
        """The slot this passphrase opens, its raw key and what opening it cost.

        Each slot tried costs one key derivation; ``first_user`` (the last user of
        this computer) is tried first so the usual unlock costs one.
        """
        ordered = sorted(self.slots, key=lambda slot: slot.user_id != first_user)
        for slot in ordered:
            key, seconds = kdf.derive_timed(passphrase, slot.params)
            raw = self._unwrap(slot, key)
            if raw is not None:
                return Opened(raw, slot, seconds)
        raise WrongPassphrase(_("Wrong passphrase."))

    def set_passphrase(
        self, user_id: str, passphrase: str, raw_key: bytes, params: kdf.KdfParams
    ) -> None:
        """Add or replace the slot of ``user_id``; other slots are untouched."""
        check_passphrase_strength(passphrase)
        for slot in self.slots:
            if slot.user_id != user_id and self._try(slot, passphrase) is not None:
                # Two users with one passphrase could not be told apart at unlock.
                raise ValidationError(
                    "", _("This passphrase is already used in this vault; choose another.")
                )
        new_slot = self._wrap(os.urandom(8).hex(), user_id, passphrase, raw_key, params)
        self.slots = [slot for slot in self.slots if slot.user_id != user_id] + [new_slot]

    def _wrap(
        self, slot_id: str, user_id: str, passphrase: str, raw_key: bytes, params: kdf.KdfParams
    ) -> Slot:
        draft = Slot(slot_id, user_id, params, os.urandom(24), b"")
        wrapping_key = kdf.derive(passphrase, params)
        wrapped = crypto_aead_xchacha20poly1305_ietf_encrypt(
            raw_key, draft.aad(self.vault_id), draft.nonce, wrapping_key
        )
        return Slot(slot_id, user_id, params, draft.nonce, wrapped)

    def user_ids(self) -> list[str]:
        return [slot.user_id for slot in self.slots]

    def _try(self, slot: Slot, passphrase: str) -> bytes | None:
        return self._unwrap(slot, kdf.derive(passphrase, slot.params))

    def _unwrap(self, slot: Slot, key: bytes) -> bytes | None:
        try:
            return crypto_aead_xchacha20poly1305_ietf_decrypt(
                slot.wrapped, slot.aad(self.vault_id), slot.nonce, key
            )
        except CryptoError:
            return None


@contextmanager
def editing(path: Path) -> Iterator[None]:
    """Held while the slot file is read, changed and written again, so that two programs
    changing slots at once (a passphrase changed in the app, a user added from the
    command line, a slot upgraded at unlock) never write over each other's change."""
    if fcntl is None:
        yield
        return
    # The vault's folder itself is locked (flock works on a directory): no lock file.
    handle = os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def upgrade(path: Path, slots: KeySlots, opened: Opened, passphrase: str) -> KeySlots | None:
    """After an unlock: re-wrap the slot that opened under stronger parameters, if it is
    below the floor or cheap for this machine (``kdf.worth_recalibrating``), so that a
    slot made by an older version or on a busy machine does not stay weak for good.

    Only that slot changes (same id, user and key; new salt, nonce and parameters), and
    only if the file still holds it as it was read: the new slot is made first (the
    costly part), then the file is read again and replaced atomically, so a slot added
    meanwhile by another program is kept. Returns the key slots now on disk, or None
    when nothing changed. The passphrase's strength is not checked again: it already
    opens this slot (an older version may have allowed a shorter one); only the cost
    of trying it changes.
    """
    if not kdf.worth_recalibrating(opened.slot.params, opened.seconds):
        return None
    params = kdf.calibrate()
    if not kdf.stronger(params, opened.slot.params):
        return None
    old = opened.slot
    new = slots._wrap(old.slot_id, old.user_id, passphrase, opened.raw_key, params)
    with editing(path):
        current = KeySlots.load(path)
        if current.vault_id != slots.vault_id or old not in current.slots:
            return None
        current.slots = [new if slot == old else slot for slot in current.slots]
        current.save(path)
    return current
