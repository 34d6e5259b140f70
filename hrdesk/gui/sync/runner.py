"""Sync in the background: a thread of its own on a connection of its own.

A sync run waits on the network. On the database worker it would hold every save
behind it, so it runs here instead, in its own thread, on a sibling session (a
second connection to the same vault, opened on the worker and closed by the
thread when the run ends). Its result comes back to the GUI thread through a
queued signal; no widget is touched from the thread. The other calls that talk
to the shared place (setting up, enrolling, revoking) take the same lane, one
job at a time, so two of them never change the device list at once.

Locking cancels: the run stops at its next step (the engine applies whole files
only, so nothing is left half-applied), nothing of it is delivered, and the main
session is closed only once the thread has ended (``wait``, run on the database
worker, so the window shows the unlock screen at once).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from hrdesk.gui.client import VaultClient
from hrdesk.gui.worker import Progress
from hrdesk.services import sync
from hrdesk.store.vault import Session


@dataclass(eq=False)
class _Job:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    done: Callable[[Any], None] | None
    failed: Callable[[BaseException], None] | None
    progress: Progress | None
    generation: int
    views: int
    thread: threading.Thread | None = None

    @property
    def is_sync(self) -> bool:
        return self.progress is not None


class SyncRunner(QObject):
    """Owned by the main window: it outlives a language switch (screens are rebuilt and
    reconnect) and is cancelled by a lock."""

    busy_changed = Signal(bool)
    progressed = Signal(int)  # per mille of the files being received
    synced = Signal(object)  # the SyncResult of a run
    sync_failed = Signal(object)  # its error (Cancelled when the user stopped it)
    _ended = Signal(object, object, object)  # job, result, error: queued from the thread

    def __init__(self, client: VaultClient, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self._job: _Job | None = None
        self._stopping: _Job | None = None  # cancelled by a lock; ``wait`` joins its thread
        self._generation = 0  # a lock: nothing of the job under way is delivered
        self._views = 0  # a language switch: its callbacks are for screens now gone
        self._ended.connect(self._end, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        return self._job is not None

    @property
    def syncing(self) -> bool:
        return self._job is not None and self._job.is_sync

    @property
    def thread_alive(self) -> bool:
        """True while a thread started here is still running (tests check a lock ends it)."""
        return any(
            job is not None and job.thread is not None and job.thread.is_alive()
            for job in (self._job, self._stopping)
        )

    # -- starting --------------------------------------------------------------------------

    def sync_now(self) -> bool:
        """Start a sync run; False if other work on the shared place is under way."""
        progress = Progress()
        progress.changed.connect(self._progressed)  # a bound slot: queued to this thread
        return self._start(sync.run, (progress.report,), None, None, progress)

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> bool:
        """Run ``fn(session, *args)`` in the background (a call that talks to the shared
        place); ``done``/``failed`` on the GUI thread. False if the lane is busy."""
        return self._start(fn, args, done, failed, None)

    def _start(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        done: Callable[[Any], None] | None,
        failed: Callable[[BaseException], None] | None,
        progress: Progress | None,
    ) -> bool:
        if self._job is not None or not self.client.is_unlocked:
            return False
        job = _Job(fn, args, done, failed, progress, self._generation, self._views)
        self._job = job
        self.busy_changed.emit(True)
        self.client.open_sibling(
            lambda session: self._launch(job, session), lambda error: self._end(job, None, error)
        )
        return True

    def _launch(self, job: _Job, session: Session) -> None:
        if job is not self._job:
            # Cancelled while the connection was being opened (a lock drops such a
            # session in the client already; this is the same for any other cancel).
            session.lock()
            return

        def work() -> None:
            result: Any = None
            error: BaseException | None = None
            try:
                result = job.fn(session, *job.args)
            except BaseException as exc:  # delivered to the GUI thread, never raised here
                error = exc
            finally:
                session.lock()
            with contextlib.suppress(RuntimeError):  # the window is gone: nobody to tell
                self._ended.emit(job, result, error)

        job.thread = threading.Thread(target=work, name="hrdesk-sync", daemon=True)
        job.thread.start()

    # -- progress and the end ----------------------------------------------------------------

    def _progressed(self, per_mille: int) -> None:
        if self.syncing:
            self.progressed.emit(per_mille)

    def _end(self, job: _Job, result: Any, error: BaseException | None) -> None:
        if job.thread is not None:
            job.thread.join()  # all it had left to do was this signal
        if self._stopping is job:
            self._stopping = None
        if self._job is job:
            self._job = None
            self.busy_changed.emit(False)
        if job.generation != self._generation:
            return  # the vault was locked meanwhile: the result goes nowhere
        if job.is_sync:
            if error is None:
                if result.received_operations:
                    self.client.notify_changed()
                self.synced.emit(result)
            else:
                self.sync_failed.emit(error)
        if job.views != self._views:
            return
        if error is None and job.done is not None:
            job.done(result)
        elif error is not None and job.failed is not None:
            job.failed(error)

    # -- stopping --------------------------------------------------------------------------

    def cancel_sync(self) -> None:
        """The user's Cancel: the run stops at its next step and reports ``Cancelled``."""
        if self._job is not None and self._job.progress is not None:
            self._job.progress.cancel()

    def cancel(self) -> None:
        """For a lock: stop the work under way; nothing of it will be delivered."""
        self._generation += 1
        job, self._job = self._job, None
        if job is None:
            return
        if job.progress is not None:
            job.progress.cancel()
        self._stopping = job
        self.busy_changed.emit(False)

    def wait(self) -> None:
        """Until cancelled work has ended. Called on the database worker before the main
        session closes; a thread started after ``cancel`` is impossible (the sibling it
        would need is opened on that same worker, behind this)."""
        job = self._stopping
        if job is not None and job.thread is not None:
            job.thread.join()

    def forget_pending_views(self) -> None:
        """The screens are being rebuilt (language switch): callbacks of the job under
        way go nowhere; the work itself, and the ``synced`` signal, still complete."""
        self._views += 1
