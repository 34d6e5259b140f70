"""Where sync files are exchanged, behind one small interface.

A transport can list names under a prefix, get a file, and put a file only if no
file of that name exists yet. Nothing more is asked of storage: files are
immutable and each device writes only its own names, so create-only writes are
all the coordination sync needs (no locks, no server logic). The one removal is
of a deleted attachment's encrypted file. Names are relative,
slash-separated, and made only of letters, digits, ``.``, ``_`` and ``-``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Protocol

from hrdesk.core.errors import HrdeskError
from hrdesk.i18n import _
from hrdesk.store.atomic import fsync_dir

_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")
_TEMP = ".hrdesk-tmp-"


class TransportError(HrdeskError):
    """The shared place cannot be reached or used (a folder missing, a server down)."""


def check_name(name: str) -> str:
    parts = name.split("/")
    if not parts or any(not _SEGMENT.fullmatch(part) for part in parts):
        raise TransportError(_("Not a valid sync file name: {name}").format(name=name))
    return name


class Transport(Protocol):
    def list(self, prefix: str) -> list[str]: ...

    def get(self, name: str) -> bytes: ...

    def put_if_absent(self, name: str, data: bytes) -> bool:
        """True if written; False if a file of that name already exists (left as it is)."""
        ...

    def delete(self, name: str) -> None:
        """Remove a file; a missing one is fine. Used only for deleted evidence: the
        change files are never removed."""
        ...


class FolderTransport:
    """A plain folder: a USB stick, a Syncthing or Nextcloud folder, a network share."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, name: str) -> Path:
        return self.root.joinpath(*check_name(name).split("/"))

    def list(self, prefix: str) -> list[str]:
        base = self._path(prefix) if prefix else self.root
        if not self.root.is_dir():
            raise TransportError(_("The sync folder {path} is not there.").format(path=self.root))
        if not base.is_dir():
            return []
        found = []
        for path in base.rglob("*"):
            if path.is_file() and not path.name.startswith(_TEMP):
                found.append(path.relative_to(self.root).as_posix())
        return sorted(found)

    def get(self, name: str) -> bytes:
        try:
            return self._path(name).read_bytes()
        except OSError as exc:
            raise TransportError(
                _("Cannot read {name} from the sync folder.").format(name=name)
            ) from exc

    def put_if_absent(self, name: str, data: bytes) -> bool:
        target = self._path(name)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # Written under a temporary name, then linked into place: the link fails if
            # the name exists, so a reader never sees a half-written file and two writers
            # can never both succeed.
            temp = target.with_name(f"{_TEMP}{os.getpid()}-{os.urandom(4).hex()}")
            with open(temp, "xb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            try:
                os.link(temp, target)
            except FileExistsError:
                return False
            finally:
                temp.unlink(missing_ok=True)
            fsync_dir(target.parent)
            return True
        except OSError as exc:
            raise TransportError(
                _("Cannot write {name} to the sync folder.").format(name=name)
            ) from exc

    def delete(self, name: str) -> None:
        path = self._path(name)
        try:
            path.unlink()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise TransportError(
                _("Cannot remove {name} from the sync folder.").format(name=name)
            ) from exc
        fsync_dir(path.parent)
