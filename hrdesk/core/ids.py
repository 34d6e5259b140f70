"""Identifiers that are unique across devices without any server."""

from __future__ import annotations

import secrets

# Crockford's base32: no I, L, O, U, so a reference can be read out over a phone.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id() -> str:
    """A random 128-bit identifier for a record or an operation."""
    return secrets.token_hex(16)


def new_device_tag() -> str:
    """Four Crockford characters (about a million values) naming a device in references."""
    return "".join(secrets.choice(_CROCKFORD) for _ in range(4))


def case_reference(year: int, device_tag: str, number: int) -> str:
    """``2026-K7QM-0042``: year opened, device that created it, that device's counter."""
    return f"{year:04d}-{device_tag}-{number:04d}"
