"""Helpers for the GUI tests: a real app on a real vault, driven through its widgets."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QWidget

from hrdesk.gui.app import App


def wait_idle(qtbot, app: App) -> None:
    """Until every queued database call has come back to the GUI thread."""
    qtbot.waitUntil(lambda: not app.worker.busy, timeout=10_000)


def unlock(qtbot, app: App, passphrase: str) -> None:
    page = app.window.unlock_page
    page.secret.setText(passphrase)
    qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.window.workspace is not None, timeout=10_000)
    wait_idle(qtbot, app)


def visible_texts(root: QWidget | None = None) -> list[str]:
    """Every text a user could read in the app's windows right now."""
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QLabel,
        QLineEdit,
        QPlainTextEdit,
        QTextEdit,
    )

    roots = [root] if root else QApplication.topLevelWidgets()
    texts: list[str] = []
    for top in roots:
        widgets = [top, *top.findChildren(QWidget)]
        for widget in widgets:
            if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
                texts.append(widget.text())
            elif isinstance(widget, QPlainTextEdit | QTextEdit):
                texts.append(widget.toPlainText())
            elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
                model = widget.model()
                root_index = QModelIndex()
                # A list model's columnCount is private in Qt: it has one column.
                listing = isinstance(model, QAbstractListModel)
                columns = 1 if listing else model.columnCount(root_index)
                for row in range(min(model.rowCount(root_index), 200)):
                    for column in range(columns):
                        value = model.data(model.index(row, column))
                        if value:
                            texts.append(str(value))
            texts.append(widget.windowTitle())
    return texts


def screenshot(widget: QWidget, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    widget.grab().save(str(path))
    return path
