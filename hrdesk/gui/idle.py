"""Watches for the user's input; after the configured idle time, locks the vault."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal

_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)
_CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
QUIET_MS = 30_000  # after this much calm the database tidies up (WAL checkpoint)


class IdleWatcher(QObject):
    """Installed on the whole application, it sees every key press, in every window,
    even behind a modal dialog. That is also where the lock and hide-now keys are
    caught: a QAction's shortcut does not fire while a dialog blocks its window."""

    idle_timeout = Signal()  # lock now
    quiet = Signal()  # a good moment for housekeeping
    lock_keys = Signal()  # Ctrl+L
    hide_keys = Signal()  # Ctrl+Shift+H

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
        self.unlocked = False  # the keys lock only what is open (the recovery page too)

    @property
    def _active_or_unlocked(self) -> bool:
        return self._active or self.unlocked

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
        if event.type() == QEvent.Type.KeyPress and self._active_or_unlocked:
            mods = event.modifiers()
            if event.key() == Qt.Key.Key_L and mods == Qt.KeyboardModifier.ControlModifier:
                self.lock_keys.emit()
                return True
            if event.key() == Qt.Key.Key_H and mods == _CTRL_SHIFT:
                self.hide_keys.emit()
                return True
        if self._active and event.type() in _ACTIVITY:
            self._lock_timer.start()
            self._quiet_timer.start()
        return False
