"""The Sync section. Sync itself (end-to-end encrypted, over a folder, WebDAV or S3)
is not built yet; this page says so plainly instead of offering buttons that do nothing."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from hrdesk.i18n import _


class SyncPage(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        text = QLabel(
            _(
                "Sync is not available in this version of hrdesk. Everything you record stays "
                "in the encrypted vault on this computer. To move data to a colleague today, "
                "use an encrypted backup (hrdesk backup) or an encrypted export."
            ),
            self,
        )
        text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addStretch(1)

    def start(self) -> None:
        pass
