"""The interface language: hrdesk's catalog, Qt's own, and the layout direction."""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, Qt, QTranslator
from PySide6.QtWidgets import QApplication

from hrdesk import i18n
from hrdesk.i18n.direction import is_right_to_left

_installed: list[QTranslator] = []


def apply_language(app: QApplication, language: str) -> None:
    """hrdesk's catalog, Qt's own (stock dialog buttons), and the layout direction."""
    language = i18n.set_language([language] if language else None)
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    translator = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{language}", qt_dir) or translator.load(
        f"qtbase_{language.split('_')[0]}", qt_dir
    ):
        app.installTranslator(translator)
        _installed.append(translator)
    direction = (
        Qt.LayoutDirection.RightToLeft
        if is_right_to_left(language)
        else (Qt.LayoutDirection.LeftToRight)
    )
    app.setLayoutDirection(direction)
