"""Translation functions for every user-visible string.

One gettext domain (``hrdesk``) for the whole application. Catalogs are looked
up in ``translations/<locale>/LC_MESSAGES/hrdesk.mo``; with none installed the
English source strings are used. Modules import ``_`` from here and call it at
the moment a message is shown, so switching language takes effect at once.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "hrdesk"
_TRANSLATIONS_DIR = Path(__file__).resolve().parents[2] / "translations"

_catalog: gettext.NullTranslations = gettext.NullTranslations()


def set_language(languages: list[str] | None = None) -> None:
    """Load the catalog for the first available language (default: environment)."""
    global _catalog
    if languages is None:
        env = os.environ.get("LANGUAGE") or os.environ.get("LC_ALL") or os.environ.get("LANG")
        languages = [part.split(".")[0] for part in (env or "").split(":") if part]
    _catalog = gettext.translation(
        DOMAIN, localedir=_TRANSLATIONS_DIR, languages=languages or None, fallback=True
    )


def _(message: str) -> str:
    return _catalog.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalog.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _catalog.pgettext(context, message)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


def available_languages() -> list[str]:
    """Language codes with a catalog (English, the source language, always)."""
    found = {"en"}
    if _TRANSLATIONS_DIR.is_dir():
        for entry in _TRANSLATIONS_DIR.iterdir():
            if (entry / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file():
                found.add(entry.name)
    return sorted(found)
