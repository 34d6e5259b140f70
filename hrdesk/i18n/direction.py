"""Which way a language is written (CLDR's character order, through babel)."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError


def is_right_to_left(language: str) -> bool:
    try:
        return Locale.parse(language.replace("-", "_")).character_order == "right-to-left"
    except (UnknownLocaleError, ValueError):
        return False
