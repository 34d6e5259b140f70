"""A band above an open case that has conflicting edits (sync), with the way to settle them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QPushButton, QStyle

from hrdesk.i18n import _, ngettext


class ConflictBanner(QFrame):
    settle = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictBanner")
        self.setStyleSheet(
            "#conflictBanner { background: #fff4ce; border: 1px solid #c19c00;"
            " border-radius: 3px; } #conflictBanner QLabel { color: #1f1f1f; }"
        )
        icon = QLabel(self)
        size = self.fontMetrics().height() + 4
        icon.setPixmap(
            QApplication.style()
            .standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            .pixmap(size)
        )
        self.text = QLabel("", self)
        self.text.setWordWrap(True)
        self.button = QPushButton(_("Se&ttle conflicts…"), self)
        layout = QHBoxLayout(self)
        layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.button)
        self.button.clicked.connect(self.settle)
        self.hide()

    def show_count(self, count: int) -> None:
        if count:
            self.text.setText(
                ngettext(
                    "This case has {count} conflicting edit from another device: two devices "
                    "changed the same thing. The newest is shown; choose which to keep.",
                    "This case has {count} conflicting edits from other devices: two devices "
                    "changed the same things. The newest are shown; choose which to keep.",
                    count,
                ).format(count=count)
            )
            self.setAccessibleName(self.text.text())
        self.setVisible(count > 0)
