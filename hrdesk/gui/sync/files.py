"""The small files of enrollment (join requests, enrollment files), read and written
with a message a user can act on when the disk says no."""

from __future__ import annotations

from pathlib import Path

from hrdesk.core.errors import HrdeskError
from hrdesk.i18n import _

MAX_BYTES = 1_000_000  # a request or an enrollment file is a few kilobytes
REQUEST_SUFFIX = ".hrdjoin"
ENROLLMENT_SUFFIX = ".hrdenroll"


def request_filter() -> str:
    return _("hrdesk join requests (*{suffix});;All files (*)").format(suffix=REQUEST_SUFFIX)


def enrollment_filter() -> str:
    return _("hrdesk enrollment files (*{suffix});;All files (*)").format(suffix=ENROLLMENT_SUFFIX)


def read_small(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise HrdeskError(
                _("{name} is too large to be a file from hrdesk.").format(name=path.name)
            )
        return path.read_bytes()
    except OSError as exc:
        raise HrdeskError(_("Cannot read {name}.").format(name=path.name)) from exc


def write_new(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise HrdeskError(_("Cannot write {name}.").format(name=path.name)) from exc
