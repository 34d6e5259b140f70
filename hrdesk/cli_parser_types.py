"""Argument types shared by the command-line parsers."""

from __future__ import annotations

import argparse

from hrdesk.core import validate
from hrdesk.core.errors import ValidationError
from hrdesk.i18n import _


def date_argument(text: str) -> str:
    """A YYYY-MM-DD option value, refused by argparse with hrdesk's own message."""
    try:
        return validate.date(text, "")
    except ValidationError as err:
        raise argparse.ArgumentTypeError(err.detail) from None


def json_input(parser: argparse.ArgumentParser) -> None:
    """``--json FILE|-``: the JSON a command reads."""
    parser.add_argument("--json", required=True, metavar="FILE", help=_("file, or - for stdin"))


def json_output(parser: argparse.ArgumentParser) -> None:
    """``--json``: print JSON instead of text for people."""
    parser.add_argument("--json", dest="as_json", action="store_true", help=_("print JSON"))
