"""The one worker thread that touches the vault.

Every database call runs here, in order; results come back to the GUI thread
through a queued Qt signal, so no widget is ever touched off the GUI thread.
Long work gets a ``Progress`` it reports through and polls for Cancel.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from hrdesk.core.errors import Cancelled
from hrdesk.i18n import _

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class Progress(QObject):
    """Shared between a long job (worker thread) and its progress dialog (GUI thread)."""

    changed = Signal(int)  # per mille done

    def __init__(self) -> None:
        super().__init__()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def report(self, done: int, total: int) -> None:
        """Called by the job; raises ``Cancelled`` once the user asked to stop."""
        if self._cancel.is_set():
            raise Cancelled(_("Cancelled."))
        self.changed.emit(int(done * 1000 / max(total, 1)))


class DbWorker(QObject):
    _finished = Signal(object, object, object, object)

    def __init__(self) -> None:
        super().__init__()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hrdesk-db")
        self._pending = 0
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        """True while work is queued or its result has not reached the GUI yet."""
        return self._pending > 0

    def submit(
        self, fn: Callable[[], Any], done: Done | None = None, failed: Failed | None = None
    ) -> None:
        self._pending += 1

        def job() -> None:
            try:
                result = fn()
            except BaseException as exc:  # delivered to the GUI thread, never raised here
                self._finished.emit(done, failed, None, exc)
            else:
                self._finished.emit(done, failed, result, None)

        self._pool.submit(job)

    def _deliver(self, done: Done | None, failed: Failed | None, result: Any, error: Any) -> None:
        self._pending -= 1
        if error is None:
            if done is not None:
                done(result)
        elif failed is not None:
            failed(error)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
