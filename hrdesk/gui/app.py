"""Starting the desktop app: Qt application, language, the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from hrdesk.gui.client import VaultClient
from hrdesk.gui.fonts import register_bundled_fonts
from hrdesk.gui.language import apply_language
from hrdesk.gui.main_window import MainWindow
from hrdesk.gui.settings import AppSettings, default_settings_path
from hrdesk.gui.worker import DbWorker


class App:
    """The pieces of a running app, so tests can drive them and close them cleanly."""

    def __init__(
        self, vault_path: Path, settings_path: Path | None = None, language: str | None = None
    ) -> None:
        self.qapp = QApplication.instance() or QApplication(sys.argv)
        self.qapp.setApplicationName("hrdesk")
        self.qapp.setApplicationDisplayName("hrdesk")
        register_bundled_fonts()
        self.settings = AppSettings(settings_path or default_settings_path())
        apply_language(self.qapp, language if language is not None else self.settings.language)
        self.worker = DbWorker()
        self.client = VaultClient(self.worker, vault_path)
        self.window = MainWindow(self.client, self.settings)

    def close(self) -> None:
        self.window.close()
        self.worker.shutdown()


def run(vault_path: Path, language: str | None = None) -> int:
    app = App(vault_path, language=language)
    app.window.show()
    try:
        return app.qapp.exec()
    finally:
        app.worker.shutdown()
