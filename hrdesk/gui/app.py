"""Starting the desktop app: Qt application, language, the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from babel import Locale, UnknownLocaleError
from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication

from hrdesk import i18n
from hrdesk.gui.client import VaultClient
from hrdesk.gui.main_window import MainWindow
from hrdesk.gui.settings import AppSettings, default_settings_path
from hrdesk.gui.worker import DbWorker


def is_right_to_left(language: str) -> bool:
    try:
        return Locale.parse(language.replace("-", "_")).character_order == "right-to-left"
    except (UnknownLocaleError, ValueError):
        return False


def apply_language(app: QApplication, language: str) -> None:
    """hrdesk's catalog, Qt's own (stock dialog buttons), and the layout direction."""
    if language:
        i18n.set_language([language])
    else:
        i18n.set_language()
        language = QLocale.system().name()
    translator = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{language}", qt_dir) or translator.load(
        f"qtbase_{language.split('_')[0]}", qt_dir
    ):
        app.installTranslator(translator)
    direction = (
        Qt.LayoutDirection.RightToLeft
        if is_right_to_left(language)
        else (Qt.LayoutDirection.LeftToRight)
    )
    app.setLayoutDirection(direction)


class App:
    """The pieces of a running app, so tests can drive them and close them cleanly."""

    def __init__(
        self, vault_path: Path, settings_path: Path | None = None, language: str | None = None
    ) -> None:
        self.qapp = QApplication.instance() or QApplication(sys.argv)
        self.qapp.setApplicationName("hrdesk")
        self.qapp.setApplicationDisplayName("hrdesk")
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
