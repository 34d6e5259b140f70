"""The GUI's handle on the vault: posts service calls to the database worker.

Widgets receive a ``VaultClient`` and call services through it; they never see
the session, a connection or a cursor. Locking bumps a generation counter, so a
result that arrives after the lock is dropped instead of refilling a cleared view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from hrdesk.core.errors import VaultLocked
from hrdesk.gui.worker import DbWorker, Done, Failed, Progress
from hrdesk.i18n import _
from hrdesk.services import users
from hrdesk.store import vault
from hrdesk.store.kdf import KdfParams
from hrdesk.store.vault import Session


@dataclass(frozen=True)
class Identity:
    """Who unlocked the vault: shown in the status bar, used for admin-only screens."""

    user_id: str
    user_name: str
    role: str
    org_name: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class VaultClient(QObject):
    unlocked = Signal(object)  # Identity
    locked = Signal()
    changed = Signal()  # something was written: views refresh what they show

    def __init__(self, worker: DbWorker, path: Path) -> None:
        super().__init__()
        self.worker = worker
        self.path = Path(path)
        self._session: Session | None = None  # touched only on the worker thread
        self._generation = 0
        self.identity: Identity | None = None

    # -- state -----------------------------------------------------------------

    @property
    def exists(self) -> bool:
        return (self.path / vault.DB_NAME).is_file()

    @property
    def is_unlocked(self) -> bool:
        return self.identity is not None

    def user_count(self) -> int:
        return vault.user_count(self.path)

    # -- opening and closing ---------------------------------------------------

    def create(
        self,
        passphrase: str,
        org_name: str,
        user_name: str,
        done: Callable[[str], None],
        failed: Failed,
        params: KdfParams | None = None,
    ) -> None:
        """Create the vault and unlock it; ``done`` receives the recovery key."""

        def run() -> tuple[Identity, str]:
            created = vault.create_vault(self.path, passphrase, org_name, user_name, params)
            self._session = created.session
            return self._identity(created.session), created.recovery_key

        def opened(result: tuple[Identity, str]) -> None:
            identity, recovery_key = result
            self._opened(identity)
            done(recovery_key)

        self.worker.submit(run, opened, failed)

    def unlock(self, passphrase: str, first_user: str | None, failed: Failed) -> None:
        def run() -> Identity:
            session = vault.unlock(self.path, passphrase, first_user)
            self._session = session
            return self._identity(session)

        self.worker.submit(run, self._opened, failed)

    def unlock_with_recovery_key(self, recovery_key: str, failed: Failed) -> None:
        def run() -> Identity:
            session = vault.unlock_with_recovery_key(self.path, recovery_key)
            self._session = session
            return self._identity(session)

        self.worker.submit(run, self._opened, failed)

    def _identity(self, session: Session) -> Identity:
        me = users.current_user(session)
        org = vault.vault_meta(session).get("org_name", "")
        return Identity(session.user_id, me["name"], me["role"], org)

    def _opened(self, identity: Identity) -> None:
        self._generation += 1
        self.identity = identity
        self.unlocked.emit(identity)

    def forget_pending_views(self) -> None:
        """Results still on their way go nowhere: the views that asked are being rebuilt
        (a language switch). The work itself, a save included, still completes."""
        self._generation += 1

    def lock(self, before_close: Callable[[], None] | None = None) -> None:
        """Forget everything now; the worker closes the connection after queued writes.

        ``before_close`` runs on the worker first: background work on a sibling session
        (sync) is waited for there, so the key goes only once nothing uses it, and the
        GUI shows the unlock screen at once instead of freezing until it ends."""
        if self.identity is None:
            return
        self._generation += 1
        self.identity = None

        def run() -> None:
            if before_close is not None:
                before_close()
            if self._session is not None:
                self._session.lock()
                self._session = None

        self.worker.submit(run)
        self.locked.emit()

    def open_sibling(self, done: Callable[[Session], None], failed: Failed) -> None:
        """A second session on the vault for work in a thread of its own (sync, which
        waits on the network and must not hold saves behind it). ``done`` receives it on
        the GUI thread and whoever runs the work closes it (``lock()``) when it ends; one
        that arrives after a lock is closed here at once."""
        generation = self._generation

        def run() -> Session:
            if self._session is None:
                raise VaultLocked(_("The vault is locked."))
            return self._session.sibling()

        def deliver(session: Session) -> None:
            if generation != self._generation:
                self.worker.submit(session.lock)
            else:
                done(session)

        def fail(error: BaseException) -> None:
            if generation == self._generation:
                failed(error)

        self.worker.submit(run, deliver, fail)

    def notify_changed(self) -> None:
        """Data changed without a call through here (sync, on its own session): views
        refresh as after a save."""
        self.changed.emit()

    # -- service calls -----------------------------------------------------------

    def call(
        self,
        fn: Callable[..., Any],
        *args: Any,
        done: Done | None = None,
        failed: Failed | None = None,
        write: bool = False,
        progress: Progress | None = None,
    ) -> None:
        """Run ``fn(session, *args)`` on the worker; ``done(result)`` on the GUI thread.

        ``write=True`` announces ``changed`` afterwards so views refresh. With a
        ``progress``, the job receives it as the keyword ``progress``.
        """
        generation = self._generation

        def run() -> Any:
            if self._session is None:
                raise VaultLocked(_("The vault is locked."))
            if progress is not None:
                return fn(self._session, *args, progress=progress)
            return fn(self._session, *args)

        def deliver(result: Any) -> None:
            if generation != self._generation:
                return
            if done is not None:
                done(result)
            if write:
                self.changed.emit()

        def fail(error: BaseException) -> None:
            if generation == self._generation and failed is not None:
                failed(error)

        self.worker.submit(run, deliver, fail)

    def idle(self) -> None:
        """Quiet-moment housekeeping (folds the write-ahead log back)."""
        self.call(Session.idle)
