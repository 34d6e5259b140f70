"""A passphrase strength estimate for the meter on the create and change screens.

Deliberately simple and honest: length and variety give a rough number of bits;
words separated by spaces are counted as words from a large list. The only hard
rule is the store's (at least 10 characters); the meter only encourages more.
"""

from __future__ import annotations

import math

from hrdesk.i18n import _
from hrdesk.store.keyslots import MIN_PASSPHRASE_CHARS

_WORD_BITS = 11.0  # a word drawn from a ~2,000-word vocabulary


def estimate_bits(passphrase: str) -> float:
    if not passphrase:
        return 0.0
    words = passphrase.split()
    if len(words) >= 3:
        return len(words) * _WORD_BITS
    pool = 0
    if any(c.islower() for c in passphrase):
        pool += 26
    if any(c.isupper() for c in passphrase):
        pool += 26
    if any(c.isdigit() for c in passphrase):
        pool += 10
    if any(not c.isalnum() for c in passphrase):
        pool += 32
    if any(ord(c) > 127 for c in passphrase):
        pool += 100
    distinct = len(set(passphrase))
    # Repeats (aaaaaaaaaa) add little: count distinct characters more than length.
    return math.log2(max(pool, 2)) * min(len(passphrase), distinct * 2)


def verdict(passphrase: str) -> tuple[int, str]:
    """(0–100 for the meter, a short word for it)."""
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        return (
            min(25, len(passphrase) * 2),
            _("Too short: at least {count} characters").format(count=MIN_PASSPHRASE_CHARS),
        )
    bits = estimate_bits(passphrase)
    score = int(min(100, bits * 100 / 80))
    if bits < 40:
        return score, _("Weak: add words")
    if bits < 60:
        return score, _("Fair")
    return score, _("Strong")
