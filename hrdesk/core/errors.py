"""Errors a user can meet. Each carries a translated, one-line message.

Messages never include field *values* from the vault (a name, a narrative):
only paths, slugs and counts, so an error can be shown or logged safely.
"""

from __future__ import annotations


class HrdeskError(Exception):
    """Base of every predictable failure; ``str(err)`` is the user-facing message."""

    exit_code = 1


class VaultError(HrdeskError):
    """The vault cannot be opened or used."""


class NotAVault(VaultError):
    pass


class WrongPassphrase(VaultError):
    exit_code = 2


class KeySlotsDamaged(VaultError):
    pass


class DatabaseDamaged(VaultError):
    pass


class VaultBusy(VaultError):
    """Another program (the desktop app, a command, a sync) holds the vault's write
    lock for longer than we wait: nothing is wrong, and the same action works later."""

    exit_code = 75  # EX_TEMPFAIL: "try again later"


class VaultTooNew(VaultError):
    pass


class VaultExists(VaultError):
    pass


class VaultLocked(VaultError):
    pass


class ValidationError(HrdeskError):
    """Bad input; ``path`` names the offending field (``people[1].role``)."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.detail = message
        super().__init__(f"{path}: {message}" if path else message)


class NotFound(HrdeskError):
    pass


class PermissionDenied(HrdeskError):
    pass


class BackupError(HrdeskError):
    pass


class SyncFileRejected(HrdeskError):
    """A file in the shared sync location cannot be trusted; nothing of it was applied."""


class Cancelled(HrdeskError):
    """The user pressed Cancel; the work stopped and its transaction rolled back."""
