"""Catalogs: well-formed, complete for the shipped languages, loaded with fallbacks,
and a .po dropped in the user's folder is picked up without a rebuild."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po

from hrdesk import i18n
from hrdesk.i18n import catalogs, pseudo
from hrdesk.i18n.status import check_catalog

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("fr", "es", "ar")
PO_FILES = sorted((ROOT / "translations").glob("*/LC_MESSAGES/hrdesk.po"))


@pytest.fixture(autouse=True)
def english_afterwards(monkeypatch, tmp_path):
    monkeypatch.setenv("HRDESK_TRANSLATIONS", str(tmp_path / "user-translations"))
    yield
    i18n.set_language(["en"])


def test_the_shipped_languages_have_catalogs():
    assert {p.parent.parent.name for p in PO_FILES} >= set(SHIPPED)


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: p.parent.parent.name)
def test_msgfmt_check_passes(po):
    assert shutil.which("msgfmt"), "GNU gettext (msgfmt) is needed: scripts/test.sh installs it"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: p.parent.parent.name)
def test_placeholders_mnemonics_and_plural_forms_match(po):
    report = check_catalog(po.parent.parent.name, po)
    assert report.errors == []


@pytest.mark.parametrize("language", SHIPPED)
def test_the_catalogs_have_the_plural_forms_of_the_installed_babel(language):
    """The locked babel's CLDR decides: fr and es have 3 forms since CLDR 42 (babel 2.19)."""
    po = ROOT / "translations" / language / "LC_MESSAGES" / "hrdesk.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    assert catalog.num_plurals == get_plural(language).num_plurals
    plural_entries = [m for m in catalog if m.id and isinstance(m.id, tuple)]
    assert plural_entries
    for message in plural_entries:
        assert len(message.string) == catalog.num_plurals, message.id
        if any(message.string):  # translated (completeness is the test below): every form
            assert all(message.string), message.id


@pytest.mark.parametrize(
    ("language", "n", "expected"),
    [
        ("fr", 0, "0 ligne lue"),  # French says 0 in the singular
        ("fr", 1, "1 ligne lue"),
        ("fr", 2, "2 lignes lues"),
        ("fr", 1_000_000, "1000000 lignes lues"),  # CLDR "many": form 1
        ("fr", 1_000_001, "1000001 lignes lues"),
        ("es", 0, "0 filas leídas"),
        ("es", 1, "1 fila leída"),
        ("es", 2, "2 filas leídas"),
        ("es", 1_000_000, "1000000 filas leídas"),
        ("es", 3_000_000, "3000000 filas leídas"),
    ],
)
def test_ngettext_picks_the_cldr_form_at_run_time(language, n, expected):
    assert i18n.set_language([language]) == language
    text = i18n.ngettext("{count} row read", "{count} rows read", n)
    assert text.format(count=n) == expected


def test_the_many_form_is_the_one_millions_take():
    """Form 1 of the French and Spanish catalogs is CLDR's "many" (exact millions), form 2
    the other plurals: the running app must agree with babel on which is which."""
    for language in ("fr", "es"):
        i18n.set_language([language])
        translations = i18n._catalog
        for n, form in ((1, 0), (2, 2), (1_000_000, 1), (7_000_000, 1), (1_000_002, 2)):
            assert translations.plural(n) == form, (language, n)


def write_po_with_header(path: Path, language: str, plural_forms: str, forms: int) -> Path:
    strings = "\n".join(f'msgstr[{i}] "{{count}} x{i}"' for i in range(forms))
    path.write_text(
        f'msgid ""\nmsgstr ""\n"Language: {language}\\n"\n'
        f'"Plural-Forms: {plural_forms}\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        f'msgid "{{count}} case"\nmsgid_plural "{{count}} cases"\n{strings}\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("plural_forms", "forms", "error"),
    [
        # babel < 2.19 (CLDR < 42): two forms
        ("nplurals=2; plural=(n > 1);", 2, "2 forms, CLDR has 3 for fr"),
        # three forms, but 0 grouped with the millions (Spanish rules)
        ("nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);", 3, "0 and"),
        # three forms, but millions with the other plurals
        ("nplurals=3; plural=(n == 0 || n == 1) ? 0 : n == 2 ? 1 : 2;", 3, "CLDR gives them"),
        ("nplurals=3; plural=(n == 1 ? 0 : m);", 3, "cannot be read"),  # not C: refused
    ],
)
def test_status_flags_plural_forms_unlike_cldr(tmp_path, plural_forms, forms, error):
    po = write_po_with_header(tmp_path / "fr.po", "fr", plural_forms, forms)
    report = check_catalog("fr", po)
    assert len(report.errors) == 1
    assert error in report.errors[0]
    assert "nplurals=3; plural=(n == 0 || n == 1) ? 0" in report.errors[0]  # the fix


def test_status_accepts_the_cldr_grouping_in_another_order(tmp_path):
    """A catalog may number its forms its own way (its msgstr[] follow its formula)."""
    reordered = "nplurals=3; plural=(n == 0 || n == 1) ? 0 : n % 1000000 == 0 ? 2 : 1;"
    po = write_po_with_header(tmp_path / "fr.po", "fr", reordered, 3)
    assert check_catalog("fr", po).errors == []


@pytest.mark.parametrize("language", SHIPPED)
def test_shipped_languages_are_complete(language):
    po = ROOT / "translations" / language / "LC_MESSAGES" / "hrdesk.po"
    report = check_catalog(language, po)
    assert report.fuzzy == 0
    assert report.translated == report.total


def test_the_template_is_up_to_date(tmp_path):
    """A string added to the code without `python scripts/i18n.py update` fails here."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import i18n as tool  # scripts/i18n.py
    finally:
        sys.path.pop(0)
    fresh = tmp_path / "fresh.pot"
    original = tool.POT
    tool.POT = fresh
    try:
        tool.extract()
    finally:
        tool.POT = original

    def ids(path: Path) -> set:
        with path.open("rb") as handle:
            return {(m.context, m.id) for m in read_po(handle) if m.id}

    assert ids(fresh) == ids(ROOT / "translations" / "hrdesk.pot")
    for po in PO_FILES:
        assert ids(po) == ids(fresh), f"{po} needs `python scripts/i18n.py update`"


def write_catalog(path: Path, language: str, entries: dict) -> None:
    catalog = Catalog(locale=language)
    for msgid, msgstr in entries.items():
        catalog.add(msgid, msgstr)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)


def test_a_po_dropped_in_the_user_folder_is_a_choice_and_is_used(tmp_path):
    folder = tmp_path / "user-translations"
    write_catalog(folder / "sw.po", "sw", {"Wrong passphrase.": "Nenosiri si sahihi."})
    assert "sw" in i18n.available_languages()
    assert i18n.set_language(["sw"]) == "sw"
    assert i18n._("Wrong passphrase.") == "Nenosiri si sahihi."
    assert i18n._("Cancelled.") == "Cancelled."  # untranslated: the English source


def test_regional_language_falls_back_to_the_language_then_english(tmp_path):
    folder = tmp_path / "user-translations"
    write_catalog(folder / "pt.po", "pt", {"Cancelled.": "Cancelado.", "Search cases": "Buscar"})
    write_catalog(folder / "pt_BR.po", "pt_BR", {"Search cases": "Pesquisar casos"})
    assert catalogs.fallback_chain("pt-BR") == ["pt_BR", "pt"]
    assert i18n.set_language(["pt_BR"]) == "pt_BR"
    assert i18n._("Search cases") == "Pesquisar casos"
    assert i18n._("Cancelled.") == "Cancelado."
    assert i18n._("Wrong passphrase.") == "Wrong passphrase."
    assert i18n.set_language(["xx_YY", "pt"]) == "pt"  # the first language that exists


def test_pseudo_locale_stretches_and_marks_but_keeps_placeholders_and_mnemonics():
    text = pseudo.pseudo("&Save {count} cases")
    assert pseudo.is_pseudo(text)
    assert "{count}" in text and "&S" in text
    assert len(text) >= len("&Save {count} cases") * 1.3
    assert pseudo.pseudo("{name}").count("{name}") == 1


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "Rechercher"), ("es", "Buscar"), ("ar", "بحث")],
)
def test_cli_speaks_the_chosen_language(language, expected):
    result = subprocess.run(
        [sys.executable, "-m", "hrdesk", "--lang", language, "--help"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"},
        cwd=ROOT,
    )
    assert result.returncode == 0
    assert expected.casefold() in result.stdout.casefold()


def test_i18n_status_reports_every_language(cli):
    result = cli("i18n", "status")
    for language in SHIPPED:
        assert f"{language}: 100" in result.out
    assert result.code == 0
