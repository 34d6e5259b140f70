#!/usr/bin/env python3
"""The translator's toolbox, one command per step (see docs/translating.md).

python scripts/i18n.py update        extract every string into translations/hrdesk.pot
                                     and merge it into every translations/*/LC_MESSAGES/hrdesk.po
python scripts/i18n.py init LANG     start a new language (e.g. sw, pt_BR)
python scripts/i18n.py compile       write .mo files into hrdesk/locale (done by the build)
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the vocabulary extractor lives in the package
POT = ROOT / "translations" / "hrdesk.pot"


METHODS = [
    ("hrdesk/**.py", "python"),
    ("hrdesk/resources/vocabularies.json", "hrdesk.i18n.extract:extract_vocabularies"),
]


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract() -> None:
    """Every string of the package into the template, with file:line references."""
    catalog = Catalog(
        project="hrdesk",
        copyright_holder="hrdesk contributors",
        msgid_bugs_address="translators@hrdesk.invalid",
        charset="utf-8",
    )
    found = extract_from_dir(
        str(ROOT),
        METHODS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    with POT.open("wb") as out:
        write_po(out, catalog, width=100, sort_by_file=True, omit_header=False)


def update() -> None:
    extract()
    for po in sorted((ROOT / "translations").glob("*/LC_MESSAGES/hrdesk.po")):
        pybabel(
            "update",
            "-D",
            "hrdesk",
            "-i",
            str(POT),
            "-d",
            str(ROOT / "translations"),
            "-l",
            po.parent.parent.name,
            "--width=100",
            "--ignore-obsolete",
        )


def init(language: str) -> None:
    pybabel(
        "init", "-D", "hrdesk", "-i", str(POT), "-d", str(ROOT / "translations"), "-l", language
    )


def compile_all() -> None:
    """Into hrdesk/locale, where an installed app finds them (the build does the same)."""
    from hrdesk.i18n.catalogs import compile_tree

    for mo in compile_tree(ROOT / "translations", ROOT / "hrdesk" / "locale"):
        print(mo.relative_to(ROOT))


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("update", "init", "compile"):
        print(__doc__)
        return 2
    if argv[0] == "update":
        update()
    elif argv[0] == "init":
        if len(argv) != 2:
            print(__doc__)
            return 2
        init(argv[1])
    else:
        compile_all()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
