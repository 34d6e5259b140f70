"""Reading what a user hands to hrdesk: JSON and text, from a file or the standard input.

Every command that reads a document someone gave it (case, service, provider and
follow-up JSON, an import mapping, a JSON import, a backup's manifest, a dossier
password file, a join request…) reads it here, so that each way such a file can be
wrong ends in one clear, translated, one-line message naming the problem and where it
is (line, byte, field path), never in "unexpected error", and never with the
offending value in the message (it may be sensitive):

- bytes that are not UTF-8 (Latin-1, Windows-1252, random bytes) are refused with the
  line and byte where decoding failed; a UTF-8 or UTF-16 byte-order mark is accepted;
- JSON nested deeper than ``MAX_DEPTH``: Python's parser recurses and would stop with a
  RecursionError, and each layer that walks the document recurses again;
- integers longer than ``MAX_NUMBER_DIGITS``: Python refuses to convert more than 4,300
  digits (a ValueError the parser does not report as bad JSON);
- ``NaN``, ``Infinity`` and numbers too large for a float, which Python's parser
  accepts but which are not JSON numbers and cannot be stored;
- lone surrogates (``"\\ud800"``): valid JSON escapes that are not text; SQLite, files
  and the terminal cannot encode them;
- more bytes than the caller allows (memory stays bounded whatever is piped in).
"""

from __future__ import annotations

import codecs
import json
import math
import sys
from pathlib import Path
from typing import Any

from hrdesk.core.errors import HrdeskError, ValidationError
from hrdesk.i18n import _
from hrdesk.i18n.formatting import format_size

STDIN = "-"

# One case, service, provider, follow-up or mapping. The longest text field takes
# 100,000 characters (core/validate.text): 16 MiB is far above any real document and
# keeps what is held in memory for one command small.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024

# The deepest real document (an export: {cases: [{people: [{languages: [..]}]}]}) nests
# 5 levels. 32 leaves room for what comes, and stays far below Python's recursion limit
# (1,000), which the parser and every later walk of the document share.
MAX_DEPTH = 32

# A year has 4 digits, a count or a 64-bit id at most 20; Python refuses to convert
# integers of more than 4,300 digits. 30 gives every real number its field's own message.
MAX_NUMBER_DIGITS = 30


class InputError(ValidationError):
    """A document cannot be read as what it should be. ``source`` (a file name, or
    None for the standard input or an argument) prefixes the message."""

    def __init__(self, message: str, path: str = "", source: str | None = None) -> None:
        super().__init__(path, message)
        self.source = source
        if source:
            self.args = (f"{source}: {self.args[0]}",)


class JsonSyntaxError(InputError):
    """The text is not JSON at all (the parser's own complaint, with line and column)."""


class Unreadable(HrdeskError):
    """The file (or the standard input) cannot be read at all."""


class _Refused:
    """What the parser puts in place of a number it must not convert; ``check`` reports
    it with its field path (the parser itself cannot say where it was)."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


def _int(digits: str) -> int | _Refused:
    if len(digits) - digits.startswith("-") > MAX_NUMBER_DIGITS:
        return _Refused(_("is a number with more than {max} digits").format(max=MAX_NUMBER_DIGITS))
    return int(digits)


def _float(text: str) -> float | _Refused:
    if sum(char.isdigit() for char in text) > MAX_NUMBER_DIGITS:
        return _Refused(_("is a number with more than {max} digits").format(max=MAX_NUMBER_DIGITS))
    value = float(text)
    if not math.isfinite(value):
        return _Refused(_("is a number too large to store"))
    return value


def _constant(name: str) -> _Refused:
    return _Refused(_("is NaN or Infinity, which is not a JSON number"))


def _source_name(source: str | Path) -> str | None:
    return None if str(source) == STDIN else str(source)


def read_bytes(source: str | Path, max_bytes: int = MAX_DOCUMENT_BYTES) -> bytes:
    """The bytes of a file, or of the standard input for ``-``; at most ``max_bytes``."""
    try:
        if str(source) == STDIN:
            stream = getattr(sys.stdin, "buffer", None)
            if stream is not None:
                data = stream.read(max_bytes + 1)
            else:  # a text stream put in place of stdin (embedding, tests)
                text = sys.stdin.read(max_bytes + 1)
                try:
                    data = text.encode("utf-8", "surrogateescape")
                except UnicodeEncodeError:
                    data = text.encode("utf-8", "surrogatepass")  # then refused as not UTF-8
        else:
            with open(source, "rb") as handle:
                data = handle.read(max_bytes + 1)
    except OSError as exc:
        if str(source) == STDIN:
            raise Unreadable(_("Cannot read the standard input.")) from exc
        raise Unreadable(_("Cannot read {path}.").format(path=source)) from exc
    if len(data) > max_bytes:
        limit = format_size(max_bytes)
        if str(source) == STDIN:
            raise InputError(
                _("The standard input is larger than {limit}, the most hrdesk reads here.").format(
                    limit=limit
                )
            )
        raise InputError(
            _("{path} is larger than {limit}, the most hrdesk reads here.").format(
                path=source, limit=limit
            )
        )
    return data


def decode_text(data: bytes, source: str | Path, advice: str | None = None) -> str:
    """``data`` as text: strict UTF-8 (a byte-order mark is dropped), or UTF-16 when it
    starts with a UTF-16 byte-order mark (Windows "Unicode text", PowerShell's ``>``).
    ``advice`` ends the message when it is not; by default: save it as UTF-8."""
    skipped = 0
    encoding = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        skipped = len(codecs.BOM_UTF8)
    elif data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        encoding = "utf-16"
    try:
        return data[skipped:].decode(encoding)
    except UnicodeDecodeError as exc:
        where = skipped + exc.start
        line = data[:where].count(b"\n") + 1
        advice = advice or _("save it as UTF-8 and try again")
        if str(source) == STDIN:
            message = _(
                "The standard input is not UTF-8 text (line {line}, byte {offset}): {advice}."
            )
        else:
            message = _("{path} is not UTF-8 text (line {line}, byte {offset}): {advice}.")
        raise InputError(
            message.format(path=source, line=line, offset=where + 1, advice=advice)
        ) from None


def parse_json(text: str | bytes, source: str | None = None) -> Any:
    """Parse and ``check`` a JSON document; bytes are decoded as by ``decode_text``."""
    if isinstance(text, bytes):
        text = decode_text(text, source or STDIN)
    try:
        value = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise JsonSyntaxError(
            _("not valid JSON (line {line}, column {column})").format(
                line=exc.lineno, column=exc.colno
            ),
            source=source,
        ) from None
    except RecursionError:
        raise InputError(_too_deep(), source=source) from None
    check(value, source)
    return value


def _too_deep() -> str:
    return _("not valid JSON: nested more than {max} levels deep").format(max=MAX_DEPTH)


def read_json(source: str | Path, max_bytes: int = MAX_DOCUMENT_BYTES) -> Any:
    """The checked JSON document in a file, or on the standard input for ``-``."""
    name = _source_name(source)
    return parse_json(decode_text(read_bytes(source, max_bytes), source), name)


def read_text(
    source: str | Path, max_bytes: int = MAX_DOCUMENT_BYTES, advice: str | None = None
) -> str:
    """The text of a file, or of the standard input for ``-``, decoded strictly."""
    return decode_text(read_bytes(source, max_bytes), source, advice)


def check_text(value: str, path: str = "", source: str | None = None) -> str:
    """``value`` if it can be stored and shown; a lone surrogate is refused by position."""
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(
            _(
                "holds half of a character (a lone surrogate, \\u{code}) at character "
                "{index}: it is not text"
            ).format(code=f"{ord(value[exc.start]):04x}", index=exc.start + 1),
            path,
            source,
        ) from None
    return value


def _path(parts: tuple[str | int, ...]) -> str:
    shown = ""
    for part in parts:
        if isinstance(part, int):
            shown += f"[{part}]"
        else:
            name = part if len(part) <= 40 and part.isprintable() else "…"
            shown += f".{name}" if shown else name
    return shown


def check(value: Any, source: str | None = None) -> None:
    """Refuse what the parser let through: depth past ``MAX_DEPTH``, refused numbers
    and lone surrogates in keys or strings; the first problem in document order is
    reported with its field path (``people[0].name``). No recursion: any depth is safe."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        node, parts = stack.pop()
        if isinstance(node, str):
            check_text(node, _path(parts), source)
        elif isinstance(node, dict | list):
            if len(parts) >= MAX_DEPTH:
                raise InputError(_too_deep(), "", source)  # a path this long says nothing
            if isinstance(node, dict):
                for key in node:
                    if not key.isascii():
                        try:
                            key.encode("utf-8")
                        except UnicodeEncodeError:
                            raise InputError(
                                _(
                                    "a key holds half of a character (a lone surrogate): "
                                    "it is not text"
                                ),
                                _path(parts),
                                source,
                            ) from None
                children = [(item, (*parts, key)) for key, item in node.items()]
            else:
                children = [(item, (*parts, index)) for index, item in enumerate(node)]
            stack.extend(reversed(children))
        elif isinstance(node, _Refused):
            raise InputError(node.message, _path(parts), source)
