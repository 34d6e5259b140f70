"""Data files shipped inside the package (vocabularies, demo seeds), so that any
installation (pip, wheel, PyInstaller) carries them."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    return _HERE.joinpath(*parts)
