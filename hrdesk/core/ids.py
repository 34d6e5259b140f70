"""Identifiers that are unique across devices without any server."""

from __future__ import annotations

import secrets
import time

# Crockford's base32: no I, L, O, U, so a reference can be read out over a phone.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id() -> str:
    """A 128-bit record identifier: 48 bits of milliseconds, then 80 random bits.

    Unique without coordination like a random id, but records created together
    sort together, so each write touches a few index pages instead of scattering
    over every index of a large vault.
    """
    millis = time.time_ns() // 1_000_000
    return f"{millis & 0xFFFF_FFFF_FFFF:012x}{secrets.token_hex(10)}"


def new_device_tag() -> str:
    """Four Crockford characters (about a million values) naming a device in references."""
    return "".join(secrets.choice(_CROCKFORD) for _ in range(4))


def case_reference(year: int, device_tag: str, number: int) -> str:
    """``2026-K7QM-0042``: year opened, device that created it, that device's counter."""
    return f"{year:04d}-{device_tag}-{number:04d}"
