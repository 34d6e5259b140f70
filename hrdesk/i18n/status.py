"""How complete and how correct each catalog is (``hrdesk i18n status``).

Checked without GNU gettext: percent translated, fuzzy entries, and errors a
translator can fix — a placeholder missing or added (``{count}``), a keyboard
mnemonic (``&``) lost or doubled, a Plural-Forms header that does not match
the language's CLDR plural rules. Those rules are the installed babel's (the
version requirements/ locks): CLDR changes them from time to time (CLDR 42 gave
French and Spanish a third form, "many", for exact millions), and a catalog
whose header lags picks the wrong sentence at run time.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from hrdesk.i18n import catalogs

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


def _mnemonics(text: str) -> int:
    return len(re.findall(r"&(?!&)", text.replace("&&", "")))


@dataclass
class Report:
    language: str
    path: Path
    total: int = 0
    translated: int = 0
    fuzzy: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 0.0


# The numbers on which a catalog's plural formula must agree with CLDR's: every
# remainder modulo 100 and 1000 (Arabic, the Slavic languages…) and the millions
# (French and Spanish "many").
_PLURAL_SAMPLES = (*range(1001), 1_000_001, *(k * 1_000_000 for k in (1, 2, 5, 10, 1000)))


def plural_forms_error(language: str, catalog: Catalog) -> str | None:
    """What is wrong with the catalog's Plural-Forms against the CLDR plural rules of the
    installed babel, or None. The catalog must have as many forms as CLDR and group the
    numbers as CLDR does; the order of its forms is its own (the msgstr[] follow it)."""
    try:
        cldr = get_plural(Locale.parse(language))
    except (UnknownLocaleError, ValueError):
        return None  # a language CLDR does not know: nothing to compare with
    fix = f"the header babel writes is “Plural-Forms: {cldr.plural_forms}”"
    if catalog.num_plurals != cldr.num_plurals:
        return (
            f"Plural-Forms: {catalog.num_plurals} forms, CLDR has {cldr.num_plurals} for "
            f"{language} ({fix})"
        )
    try:
        ours = gettext.c2py(catalog.plural_expr)  # what the running app evaluates
    except (ValueError, SyntaxError):
        return f"Plural-Forms: the formula “{catalog.plural_expr}” cannot be read ({fix})"
    theirs = gettext.c2py(cldr.plural_expr)
    first_of_ours: dict[int, int] = {}  # form → the first number seen taking it
    first_of_theirs: dict[int, int] = {}
    for n in _PLURAL_SAMPLES:
        a, b = ours(n), theirs(n)
        m = first_of_ours.setdefault(a, n)
        k = first_of_theirs.setdefault(b, n)
        if theirs(m) != b:
            return (
                f"Plural-Forms: {m} and {n} take the same form, CLDR gives them different "
                f"forms in {language} ({fix})"
            )
        if ours(k) != a:
            return (
                f"Plural-Forms: {k} and {n} take different forms, CLDR gives them the same "
                f"form in {language} ({fix})"
            )
    return None


def check_catalog(language: str, path: Path) -> Report:
    with path.open("rb") as handle:
        catalog: Catalog = read_po(handle)
    report = Report(language, path)
    plural_error = plural_forms_error(language, catalog)
    if plural_error:
        report.errors.append(plural_error)
    for message in catalog:
        if not message.id:
            continue
        report.total += 1
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            report.fuzzy += 1  # a guess awaiting review: not used, so not checked
            continue
        if not all(strings):
            continue
        report.translated += 1
        where = f"{message.context}|{ids[0]}" if message.context else ids[0]
        wanted = _placeholders(ids[-1])
        for index, text in enumerate(strings):
            found = _placeholders(text)
            # A plural form may leave out {count} where the language says "one" or "two"
            # in words; it may never bring a placeholder the source does not have.
            plural_form = len(ids) > 1
            if found != wanted and not (plural_form and set(found) <= set(wanted)):
                report.errors.append(f"placeholders differ in “{where}” (form {index})")
            if _mnemonics(text) != _mnemonics(ids[0]):
                report.errors.append(f"keyboard mnemonic (&) differs in “{where}”")
    return report


def all_reports() -> list[Report]:
    reports = []
    for language in sorted(catalogs.codes()):
        found = catalogs.find(language)
        if found is not None and found[0] == "po":
            reports.append(check_catalog(language, found[1]))
    return reports
