"""The bundled Noto fonts, registered with Qt so that every script displays
even on a machine whose only font is Latin (Burmese, Ethiopic, Khmer…)."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase

from hrdesk.resources import resource_path


def register_bundled_fonts() -> int:
    """Qt falls back to these for characters the system fonts lack; returns how many."""
    count = 0
    for path in sorted(resource_path("fonts").glob("*.ttf")):
        if QFontDatabase.addApplicationFont(str(path)) >= 0:
            count += 1
    return count
