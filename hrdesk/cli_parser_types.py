"""Argument types shared by the command-line parsers."""

from __future__ import annotations

import argparse

from hrdesk.core import validate
from hrdesk.core.errors import ValidationError


def date_argument(text: str) -> str:
    """A YYYY-MM-DD option value, refused by argparse with hrdesk's own message."""
    try:
        return validate.date(text, "")
    except ValidationError as err:
        raise argparse.ArgumentTypeError(err.detail) from None
