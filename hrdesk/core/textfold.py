"""Folding text for search so that a query matches however it was typed.

SQLite's unicode61 tokenizer removes Latin diacritics itself; what it does not
know is applied here, to the indexed text and to every query alike: Unicode
compatibility forms, Arabic short vowels and tatweel, and the several written
forms of alef, yeh and teh marbuta that people type interchangeably.
"""

from __future__ import annotations

import re
import unicodedata

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = str.maketrans(
    {
        "\u0622": "\u0627",  # alef with madda -> alef
        "\u0623": "\u0627",  # alef with hamza above
        "\u0625": "\u0627",  # alef with hamza below
        "\u0671": "\u0627",  # alef wasla
        "\u0649": "\u064a",  # alef maksura -> yeh
        "\u06cc": "\u064a",  # Persian yeh -> Arabic yeh
        "\u06a9": "\u0643",  # Persian keheh -> kaf
        "\u0629": "\u0647",  # teh marbuta -> heh
    }
)
_HEBREW_POINTS = re.compile("[\u0591-\u05c7]")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_LETTERS)
    text = _HEBREW_POINTS.sub("", text)
    return text.casefold()


_COMBINING_ACCENTS = re.compile("[\u0300-\u036f]")


def fold_key(text: str) -> str:
    """Like ``fold``, and without accents too (Marché = marche): for exact-match keys
    such as tags, where the search index's own diacritic removal does not apply."""
    stripped = _COMBINING_ACCENTS.sub("", unicodedata.normalize("NFD", fold(text)))
    return unicodedata.normalize("NFC", stripped).strip()


# Vowel signs and viramas are *inside* words in Indic scripts, Burmese and Khmer;
# SQLite's tokenizer would split words at them, so they are declared word characters.
WORD_MARKS = "".join(
    chr(code)
    for code in (*range(0x0900, 0x1100), *range(0x1780, 0x1800))
    if unicodedata.category(chr(code)) in ("Mn", "Mc")
)


def words(text: str) -> list[str]:
    """Split folded text into words as the index does: letters, digits and marks."""
    found: list[str] = []
    current: list[str] = []
    for char in text:
        if unicodedata.category(char)[0] in "LNM":
            current.append(char)
        elif current:
            found.append("".join(current))
            current = []
    if current:
        found.append("".join(current))
    return found


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression: every word must match, each as a prefix."""
    terms = words(fold(query))
    if not terms:
        return None
    return " AND ".join('"' + word + '"*' for word in terms)
