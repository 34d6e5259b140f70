"""Finding and loading gettext catalogs.

Three places, in this order, for each language asked for:
1. the user's translations folder (``<user data>/hrdesk/translations``): a ``.po``
   a translator drops there is compiled in memory at start-up, so they see their
   work by restarting the app, without tools or a rebuild;
2. compiled ``.mo`` files inside the package (written at build time);
3. the ``.po`` files of a source checkout (``translations/``), compiled in memory.
"""

from __future__ import annotations

import gettext
import io
import os
from pathlib import Path

DOMAIN = "hrdesk"
PACKAGE_LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
SOURCE_DIR = Path(__file__).resolve().parents[2] / "translations"


def user_translations_dir() -> Path:
    override = os.environ.get("HRDESK_TRANSLATIONS")
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path("hrdesk", appauthor=False) / "translations"


def _po_candidates(folder: Path, code: str) -> list[Path]:
    return [folder / f"{code}.po", folder / code / "LC_MESSAGES" / f"{DOMAIN}.po"]


def find(code: str) -> tuple[str, Path] | None:
    """('po' | 'mo', path) of the catalog for exactly this code, or None."""
    for path in _po_candidates(user_translations_dir(), code):
        if path.is_file():
            return "po", path
    mo = PACKAGE_LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if mo.is_file():
        return "mo", mo
    po = SOURCE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    if po.is_file():
        return "po", po
    return None


def compile_po(path: Path) -> bytes:
    """A .po file as .mo bytes (fuzzy entries left out, as msgfmt does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalog = read_po(handle)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def compile_tree(source: Path, target: Path) -> list[Path]:
    """Every ``<lang>/LC_MESSAGES/hrdesk.po`` under ``source`` as ``.mo`` under ``target``
    (the build does this; the app does the same in memory for a source checkout)."""
    written = []
    for po in sorted(Path(source).glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo = (Path(target) / po.relative_to(source)).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        mo.write_bytes(compile_po(po))
        written.append(mo)
    return written


def load(code: str) -> gettext.GNUTranslations | None:
    found = find(code)
    if found is None:
        return None
    kind, path = found
    data = path.read_bytes() if kind == "mo" else compile_po(path)
    return gettext.GNUTranslations(io.BytesIO(data))


def codes() -> set[str]:
    """Every language code with a catalog in any of the three places."""
    found: set[str] = set()
    user = user_translations_dir()
    if user.is_dir():
        found |= {p.stem for p in user.glob("*.po")}
        found |= {p.parent.parent.name for p in user.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    if PACKAGE_LOCALE_DIR.is_dir():
        found |= {
            p.parent.parent.name for p in PACKAGE_LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")
        }
    if SOURCE_DIR.is_dir():
        found |= {p.parent.parent.name for p in SOURCE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return found


def fallback_chain(code: str) -> list[str]:
    """pt_BR → [pt_BR, pt]; sr_Latn_RS → [sr_Latn_RS, sr_Latn, sr]."""
    code = code.replace("-", "_").split(".")[0].split("@")[0]
    parts = code.split("_")
    return ["_".join(parts[:n]) for n in range(len(parts), 0, -1) if parts[0]]
