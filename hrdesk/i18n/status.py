"""How complete and how correct each catalog is (``hrdesk i18n status``).

Checked without GNU gettext: percent translated, fuzzy entries, and errors a
translator can fix — a placeholder missing or added (``{count}``), a keyboard
mnemonic (``&``) lost or doubled, a Plural-Forms header that does not match
the language's CLDR plural rules.
"""

from __future__ import annotations

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


def _expected_plurals(language: str) -> int | None:
    try:
        return get_plural(Locale.parse(language)).num_plurals
    except (UnknownLocaleError, ValueError):
        return None


def check_catalog(language: str, path: Path) -> Report:
    with path.open("rb") as handle:
        catalog: Catalog = read_po(handle)
    report = Report(language, path)
    expected = _expected_plurals(language)
    if expected is not None and catalog.num_plurals != expected:
        report.errors.append(
            f"Plural-Forms: {catalog.num_plurals} forms, CLDR has {expected} for {language}"
        )
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
