"""The pseudo-locale (``en_XA``): every string stretched by about 40% and wrapped
in markers, so text that escaped gettext (plain English) or is cut off in a
layout (a missing closing marker) shows at a glance. Placeholders such as
``{count}`` and mnemonics (``&``) are kept working."""

from __future__ import annotations

import gettext
import re

CODE = "en_XA"
_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķĺɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĹṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
_PROTECTED = re.compile(r"(\{[^{}]*\}|%\([^)]*\)[a-z]|%[a-z]|&&|&.|<[^>]+>)")
OPEN, CLOSE = "⟦", "⟧"


def pseudo(text: str) -> str:
    if not text:
        return text
    parts = _PROTECTED.split(text)
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            out.append(part)  # a placeholder, mnemonic or tag: untouched
        else:
            out.append(part.translate(_ACCENTED))
    body = "".join(out)
    letters = sum(1 for c in text if c.isalpha())
    padding = "·" * max(1, round(letters * 0.4))
    return f"{OPEN}{body}{padding}{CLOSE}"


def is_pseudo(text: str) -> bool:
    return text.startswith(OPEN) and text.endswith(CLOSE)


class PseudoTranslations(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return pseudo(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return pseudo(singular if n == 1 else plural)

    def pgettext(self, context: str, message: str) -> str:
        return pseudo(message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return pseudo(singular if n == 1 else plural)
