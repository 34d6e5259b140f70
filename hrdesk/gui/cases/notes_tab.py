"""The Notes tab: the case's timeline of notes, and a box to add one.

Notes are append-only (they cannot be edited once written), so the composer
says so; what is typed and not yet added is part of a lock's draft.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hrdesk.gui.cases.context import CaseContext
from hrdesk.gui.errors import message_for
from hrdesk.gui.widgets import ErrorLabel
from hrdesk.i18n import _
from hrdesk.i18n.formatting import format_date


class NotesTab(QWidget):
    def __init__(self, ctx: CaseContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.timeline = QTextBrowser(self)
        self.timeline.setAccessibleName(_("Notes of this case"))
        self.composer = QPlainTextEdit(self)
        self.composer.setAccessibleName(_("New note"))
        self.composer.setPlaceholderText(
            _("Write a note. Once added, a note cannot be changed (Ctrl+Enter adds it).")
        )
        self.composer.setTabChangesFocus(True)
        self.composer.setMaximumHeight(self.fontMetrics().height() * 7)
        self.confidential = QCheckBox(_("&Confidential (internal dossiers only)"), self)
        self.add_button = QPushButton(_("A&dd note"), self)
        self.error = ErrorLabel(self)
        row = QHBoxLayout()
        row.addWidget(self.confidential)
        row.addStretch(1)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.timeline, 1)
        layout.addWidget(QLabel(_("New note"), self))
        layout.addWidget(self.composer)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self.add_button.clicked.connect(self.add)
        self.composer.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+Enter in the composer adds the note (the editor would take it as a newline)."""
        if (
            watched is self.composer
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.add()
            return True
        return super().eventFilter(watched, event)

    def show_case(self, case: dict[str, Any]) -> None:
        blocks = []
        for note in reversed(case.get("notes", [])):
            heading = _("{date} — {author}").format(
                date=format_date(note["date"]), author=note.get("author", "")
            )
            if note.get("confidential"):
                heading += " · " + _("confidential")
            text = html.escape(note["text"]).replace("\n", "<br>")
            blocks.append(f"<p><b>{html.escape(heading)}</b><br>{text}</p>")
        self.timeline.setHtml("".join(blocks) or html.escape(_("No notes yet.")))

    def draft(self) -> dict[str, Any]:
        return {"text": self.composer.toPlainText(), "confidential": self.confidential.isChecked()}

    def restore(self, draft: dict[str, Any]) -> None:
        self.composer.setPlainText(draft.get("text", ""))
        self.confidential.setChecked(bool(draft.get("confidential")))

    @property
    def dirty(self) -> bool:
        return bool(self.composer.toPlainText().strip())

    def add(self) -> None:
        text = self.composer.toPlainText().strip()
        if not text:
            return
        self.error.clear_message()
        self.add_button.setEnabled(False)
        note = {"text": text, "confidential": self.confidential.isChecked()}

        def done(_case: dict[str, Any]) -> None:
            self.add_button.setEnabled(True)
            self.composer.clear()
            self.confidential.setChecked(False)

        def failed(error: BaseException) -> None:
            self.add_button.setEnabled(True)
            self.error.show_message(message_for(error))

        self.ctx.update_case({"notes": [note]}, done, failed)
