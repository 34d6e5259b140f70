"""Small validators for JSON input. Each returns the normalized value or raises
``ValidationError`` with the path of the offending field.

Messages describe what was expected, never echo the (possibly sensitive) value,
except for short vocabulary slugs and dates, which users need to see to fix.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from hrdesk.core import vocab
from hrdesk.core.errors import ValidationError
from hrdesk.i18n import _

Validator = Callable[[Any, str], Any]

# What may be echoed in an error: a slug- or code-like token, or a date-like value.
# Anything else (a name, a phone number, a narrative pasted into the wrong field)
# is replaced by "…", so an error message can be shown or logged safely.
_ECHOABLE = re.compile(
    r"(?=[^\s]*[A-Za-z])[A-Za-z0-9_.-]{1,40}"
    r"|\d{4}[-/.]\d{1,2}([-/.]\d{1,2})?|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"
)


def shown(value: Any) -> str:
    text = str(value)
    return text if _ECHOABLE.fullmatch(text) and not re.search(r"\d{5}", text) else "…"


def text(max_len: int = 100_000, allow_empty: bool = True) -> Validator:
    def check(value: Any, path: str) -> str:
        if not isinstance(value, str):
            raise ValidationError(path, _("expected text"))
        value = value.strip()
        if not value and not allow_empty:
            raise ValidationError(path, _("must not be empty"))
        if len(value) > max_len:
            raise ValidationError(
                path, _("is too long (at most {limit} characters)").format(limit=max_len)
            )
        return value

    return check


def boolean(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(path, _("expected true or false"))
    return value


def integer(low: int, high: int) -> Validator:
    def check(value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(path, _("expected a whole number"))
        if not low <= value <= high:
            raise ValidationError(
                path, _("must be between {low} and {high}").format(low=low, high=high)
            )
        return value

    return check


def slug(vocabulary: str) -> Validator:
    def check(value: Any, path: str) -> str:
        allowed = vocab.slugs(vocabulary)
        if not isinstance(value, str) or value not in allowed:
            raise ValidationError(
                path,
                _("“{value}” is not one of: {allowed}").format(
                    value=shown(value), allowed=", ".join(allowed)
                ),
            )
        return value

    return check


def date(value: Any, path: str) -> str:
    # fromisoformat also takes "20260301" and week dates; only YYYY-MM-DD is documented.
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ValidationError(
        path, _("“{value}” is not a date (expected YYYY-MM-DD)").format(value=shown(value))
    )


def optional(inner: Validator) -> Validator:
    def check(value: Any, path: str) -> Any:
        return None if value is None else inner(value, path)

    return check


@cache
def _countries() -> frozenset[str]:
    from babel import Locale

    return frozenset(code for code in Locale("en").territories if re.fullmatch(r"[A-Z]{2}", code))


def country(value: Any, path: str) -> str:
    if isinstance(value, str) and value.upper() in _countries():
        return value.upper()
    raise ValidationError(
        path,
        _("“{value}” is not an ISO 3166 country code (such as SD, UA, MM)").format(
            value=shown(value)
        ),
    )


def language_code(value: Any, path: str) -> str:
    if isinstance(value, str) and re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        return value
    raise ValidationError(
        path, _("“{value}” is not a language code (such as ar, en, my)").format(value=shown(value))
    )


def list_of(inner: Validator, unique: bool = False, min_items: int = 0) -> Validator:
    def check(value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            raise ValidationError(path, _("expected a list"))
        if len(value) < min_items:
            raise ValidationError(path, _("needs at least {count} item(s)").format(count=min_items))
        items = [inner(item, f"{path}[{index}]") for index, item in enumerate(value)]
        if unique:
            items = list(dict.fromkeys(items))
        return items

    return check


def fields(
    value: Any, path: str, spec: dict[str, Validator], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Validate a JSON object against ``spec``; unknown keys are an error."""
    if not isinstance(value, dict):
        raise ValidationError(path, _("expected an object"))
    for key in value:
        if key not in spec:
            key_text = shown(key)
            where = f"{path}.{key_text}" if path else key_text
            raise ValidationError(
                where,
                _("unknown key (allowed: {allowed})").format(allowed=", ".join(sorted(spec))),
            )
    for key in required:
        if key not in value:
            where = f"{path}.{key}" if path else key
            raise ValidationError(where, _("is required"))
    return {key: spec[key](item, f"{path}.{key}" if path else key) for key, item in value.items()}
