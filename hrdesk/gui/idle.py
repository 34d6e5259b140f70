"""Watches for the user's input; after the configured idle time, locks the vault."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)
QUIET_MS = 30_000  # after this much calm the database tidies up (WAL checkpoint)


class IdleWatcher(QObject):
    idle_timeout = Signal()  # lock now
    quiet = Signal()  # a good moment for housekeeping

    def __init__(self, timeout_ms: int, parent=None) -> None:
        super().__init__(parent)
        self._lock_timer = QTimer(self)
        self._lock_timer.setSingleShot(True)
        self._lock_timer.timeout.connect(self.idle_timeout)
        self._quiet_timer = QTimer(self)
        self._quiet_timer.setSingleShot(True)
        self._quiet_timer.setInterval(QUIET_MS)
        self._quiet_timer.timeout.connect(self.quiet)
        self.set_timeout(timeout_ms)
        self._active = False

    def set_timeout(self, timeout_ms: int) -> None:
        self._lock_timer.setInterval(max(timeout_ms, 50))
        if self._lock_timer.isActive():
            self._lock_timer.start()

    def start(self) -> None:
        self._active = True
        self._lock_timer.start()
        self._quiet_timer.start()

    def stop(self) -> None:
        self._active = False
        self._lock_timer.stop()
        self._quiet_timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._active and event.type() in _ACTIVITY:
            self._lock_timer.start()
            self._quiet_timer.start()
        return False
