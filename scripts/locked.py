#!/usr/bin/env python3
"""The lock files of requirements/ (written by scripts/lock.sh), read back.

pip installs them; this module answers the questions pip does not: which locked
releases differ from what this Python has installed (the bundle build refuses to freeze
anything else; ``scripts/test.sh --latest`` prints the drift), and what each pin is
(the tests check the lock against pyproject.toml).

    python scripts/locked.py drift requirements/dev.txt   what differs (always exits 0)
    python scripts/locked.py check requirements/dev.txt   exits 1 if anything differs
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "requirements" / "dev.txt"
APP = ROOT / "requirements" / "app.txt"

_PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)\s*(?:;(?P<marker>[^\\]+))?"
)
_HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})")


@dataclass
class Pin:
    name: str  # canonical (PEP 503): pyside6-essentials
    version: str
    marker: Marker | None = None
    hashes: set[str] = field(default_factory=set)

    def applies(self) -> bool:
        """Whether pip installs it on this OS and Python."""
        return self.marker is None or self.marker.evaluate()


def read(path: Path) -> list[Pin]:
    """Every ``name==version ; marker`` of a lock, with its ``--hash`` lines."""
    pins: list[Pin] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("#"):
            continue
        found = _PIN.match(line)
        if found:
            marker = found["marker"]
            pins.append(
                Pin(
                    canonicalize_name(found["name"]),
                    found["version"],
                    Marker(marker.strip()) if marker and marker.strip() else None,
                )
            )
        elif pins:
            pins[-1].hashes.update(_HASH.findall(line))
    return pins


def installed() -> dict[str, str]:
    """{canonical name: version} of every distribution this Python sees."""
    return {
        canonicalize_name(dist.metadata["Name"]): dist.version
        for dist in metadata.distributions()
        if dist.metadata["Name"]
    }


def drift(path: Path) -> list[tuple[str, str, str | None]]:
    """``(name, locked, installed or None)`` for each pin that applies here and differs."""
    have = installed()
    return [
        (pin.name, pin.version, have.get(pin.name))
        for pin in read(path)
        if pin.applies() and have.get(pin.name) != pin.version
    ]


def describe(differences: list[tuple[str, str, str | None]]) -> str:
    return "\n".join(
        f"  {name}: {current or 'not installed'} (locked: {locked})"
        for name, locked, current in differences
    )


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("drift", "check"):
        print(__doc__)
        return 2
    path = Path(argv[1])
    differences = drift(path)
    if not differences:
        print(f"{path}: every locked release is the one installed")
        return 0
    print(f"{path}: installed releases that differ from the lock ({len(differences)}):")
    print(describe(differences))
    return 1 if argv[0] == "check" else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
