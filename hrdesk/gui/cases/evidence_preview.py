"""In-app preview of evidence: decrypted into memory, never written to disk."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hrdesk.i18n import _

_TEXT_SAMPLE = 4096


def looks_like_text(data: bytes) -> bool:
    sample = data[:_TEXT_SAMPLE]
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        return exc.start >= len(sample) - 3
    return True


class PreviewDialog(QDialog):
    def __init__(self, filename: str, data: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Preview: {name}").format(name=filename))
        layout = QVBoxLayout(self)
        image = QImage()
        if image.loadFromData(data):
            label = QLabel(self)
            label.setPixmap(QPixmap.fromImage(image))
            label.setAccessibleName(_("Image preview"))
            scroll = QScrollArea(self)
            scroll.setWidget(label)
            scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.content: QWidget = scroll
            self.kind = "image"
        elif looks_like_text(data):
            text = QPlainTextEdit(self)
            text.setReadOnly(True)
            text.setPlainText(data.decode("utf-8", errors="replace"))
            text.setAccessibleName(_("Text preview"))
            self.content = text
            self.kind = "text"
        else:
            self.content = QLabel(
                _(
                    "hrdesk cannot show this kind of file. "
                    "Export it to open it with another program."
                ),
                self,
            )
            self.kind = "none"
        layout.addWidget(self.content, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(800, 600)
