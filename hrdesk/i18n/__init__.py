"""Translation functions for every user-visible string.

One gettext domain (``hrdesk``) for the whole application (GUI, CLI, errors,
vocabularies, dossiers). Modules import ``_`` from here and call it at the
moment a message is shown, so switching language takes effect at once. Where
catalogs come from is in ``catalogs.py``; the pseudo-locale in ``pseudo.py``.
"""

from __future__ import annotations

import gettext
import itertools
import os

from hrdesk.i18n import catalogs
from hrdesk.i18n.pseudo import CODE as PSEUDO
from hrdesk.i18n.pseudo import PseudoTranslations

DOMAIN = catalogs.DOMAIN
SOURCE_LANGUAGE = "en"

_catalog: gettext.NullTranslations = gettext.NullTranslations()
_language = SOURCE_LANGUAGE


def system_languages() -> list[str]:
    """The user's languages from the environment (LANGUAGE is a colon-separated list)."""
    env = os.environ.get("LANGUAGE") or os.environ.get("LC_ALL") or os.environ.get("LANG")
    codes = [part.split(".")[0] for part in (env or "").split(":") if part]
    return [code for code in codes if code not in ("C", "POSIX")]


def _catalog_for(wanted: list[str]) -> tuple[gettext.NullTranslations, str]:
    for code in wanted:
        if code == PSEUDO:
            return PseudoTranslations(), PSEUDO
        chain = [c for c in catalogs.fallback_chain(code) if c != SOURCE_LANGUAGE]
        loaded = [t for t in (catalogs.load(c) for c in chain) if t is not None]
        if loaded:
            for outer, inner in itertools.pairwise(loaded):
                outer.add_fallback(inner)
            return loaded[0], code.replace("-", "_")
        if catalogs.fallback_chain(code)[-1] == SOURCE_LANGUAGE:
            break  # English asked for: the source strings
    return gettext.NullTranslations(), SOURCE_LANGUAGE


def set_language(languages: list[str] | None = None) -> str:
    """Load the first language of ``languages`` (default: the environment's) that has a
    catalog, each with its fallbacks (pt_BR → pt → English). Returns the code chosen."""
    global _catalog, _language
    _catalog, _language = _catalog_for(languages if languages else system_languages())
    return _language


class Translator:
    """A language of its own, beside the interface's: a dossier in Arabic is written
    while the app speaks French, from the worker thread, without switching the app."""

    def __init__(self, language: str | None) -> None:
        if language:
            self._catalog, self.language = _catalog_for([language])
        else:
            self._catalog, self.language = _catalog, _language

    def _(self, message: str) -> str:
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalog.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self._catalog.pgettext(context, message)


def current_language() -> str:
    return _language


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
    """Languages the user can choose: English, every catalog found, and the pseudo-locale."""
    return sorted({SOURCE_LANGUAGE, PSEUDO, *catalogs.codes()})
