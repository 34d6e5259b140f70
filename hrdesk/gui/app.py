"""Starting the desktop app: Qt application, language, the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from hrdesk.gui.client import VaultClient
from hrdesk.gui.fonts import register_bundled_fonts
from hrdesk.gui.language import apply_language
from hrdesk.gui.main_window import MainWindow
from hrdesk.gui.settings import AppSettings, default_settings_path
from hrdesk.gui.system_libraries import check as check_system_libraries
from hrdesk.gui.worker import DbWorker
from hrdesk.resources import resource_path

DESKTOP_ID = "org.hrdesk.hrdesk"


def app_icon() -> QIcon:
    """The app's icon at every size shipped in resources/icons (packaging/make_icons.py)."""
    icon = QIcon()
    for path in sorted(resource_path("icons").glob("hrdesk-*.png")):
        icon.addFile(str(path))
    return icon


class App:
    """The pieces of a running app, so tests can drive them and close them cleanly."""

    def __init__(
        self, vault_path: Path, settings_path: Path | None = None, language: str | None = None
    ) -> None:
        self.qapp = QApplication.instance() or QApplication(sys.argv)
        self.qapp.setApplicationName("hrdesk")
        self.qapp.setApplicationDisplayName("hrdesk")
        # The menu entry's id (packaging/linux): lets Wayland docks match the window to it.
        self.qapp.setDesktopFileName(DESKTOP_ID)
        self.qapp.setWindowIcon(app_icon())
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
    # Before QApplication: without the system's X11 libraries Qt aborts the process with
    # a message nobody can act on; this names the packages to install instead.
    status = check_system_libraries()
    if status:
        return status
    app = App(vault_path, language=language)
    app.window.show()
    try:
        return app.qapp.exec()
    finally:
        app.worker.shutdown()
