"""Dates and numbers for people, through babel's CLDR data in the user's locale."""

from __future__ import annotations

import datetime as dt
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime


def current_locale() -> Locale:
    """The locale of the interface language (babel's CLDR data for dates, numbers)."""
    from hrdesk.i18n import PSEUDO, current_language

    language = current_language()
    return _locale("en" if language == PSEUDO else language)


@cache
def _locale(code: str) -> Locale:
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale("en")


def locale_for(language: str) -> Locale:
    return _locale(language)


def format_date(iso: str | None, locale: Locale | None = None) -> str:
    if not iso:
        return ""
    try:
        return _format_date(
            dt.date.fromisoformat(iso), format="medium", locale=locale or current_locale()
        )
    except ValueError:
        return iso  # partial dates (2026-03, 2026) are shown as recorded


def format_timestamp_ms(wall_ms: int) -> str:
    moment = dt.datetime.fromtimestamp(wall_ms / 1000, tz=dt.UTC).astimezone()
    return _format_datetime(moment, format="short", locale=current_locale())


def format_size(size: int) -> str:
    """A file size for people (1.2 MB), in the user's locale."""
    from babel.numbers import format_decimal

    value, unit = float(size), "B"
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            break
        value /= 1000
    return f"{format_decimal(round(value, 1), locale=current_locale())} {unit}"


def format_number(value: int | float, locale: Locale | None = None) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=locale or current_locale())
