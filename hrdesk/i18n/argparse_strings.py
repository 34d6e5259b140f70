"""The messages of Python's argparse that a user of ``hrdesk`` can read, so that
usage lines, help headings and command-line errors are translated too.

argparse looks ``_`` and ``ngettext`` up in its own module each time it shows a
message; ``install()`` points them at hrdesk's catalog. These N_() marks only
put the strings in our template (they must match argparse's text exactly).
"""

from __future__ import annotations

import argparse

from hrdesk.i18n import N_, _, ngettext

MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("can't open '%(filename)s': %(error)s"),
)


def _plural_marks() -> None:
    ngettext("expected %s argument", "expected %s arguments", 1)


def install() -> None:
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
