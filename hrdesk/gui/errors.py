"""Turning a failure into words a caseworker can act on, without leaking data."""

from __future__ import annotations

from hrdesk.core.errors import HrdeskError
from hrdesk.i18n import _
from hrdesk.store.connection import DatabaseError, user_error


def message_for(error: BaseException) -> str:
    """Our own errors carry a translated message that names fields, never values.

    Anything else is a bug: its text could quote data (a database error can echo
    a value), so only its kind is shown, and the user is told nothing was saved.
    """
    if isinstance(error, HrdeskError):
        return str(error)
    if isinstance(error, DatabaseError):
        return str(user_error(error))  # busy in another program, disk full, damaged...
    return _(
        "Something went wrong ({kind}); nothing was saved. Please report this problem."
    ).format(kind=type(error).__name__)
