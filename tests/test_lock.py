"""The lock (requirements/, written by scripts/lock.sh) against pyproject.toml: every
dependency pinned at a release pyproject allows, with hashes, and the app's lock a part
of the developers' lock at the same releases. A dependency added to pyproject.toml
without `scripts/lock.sh` fails here, before a fresh machine fails to install it."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
try:
    import locked  # scripts/locked.py
finally:
    sys.path.pop(0)

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
RUNTIME = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
BUILD = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]
EXTRAS = {
    extra: [Requirement(r) for r in requirements]
    for extra, requirements in PYPROJECT["project"]["optional-dependencies"].items()
}


def pins_by_name(path: Path) -> dict[str, list[locked.Pin]]:
    found: dict[str, list[locked.Pin]] = {}
    for pin in locked.read(path):
        found.setdefault(pin.name, []).append(pin)
    return found


def assert_pinned_within(requirements: list[Requirement], path: Path) -> None:
    pins = pins_by_name(path)
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is not in {path.name}: run scripts/lock.sh"
        for pin in pins[name]:
            assert requirement.specifier.contains(pin.version, prereleases=True), (
                f"{path.name} pins {name}=={pin.version}, pyproject.toml asks {requirement}: "
                "run scripts/lock.sh"
            )


@pytest.mark.parametrize("lock", [locked.APP, locked.DEV], ids=lambda p: p.name)
def test_the_app_and_its_build_requirements_are_pinned(lock):
    assert_pinned_within(RUNTIME + BUILD, lock)


@pytest.mark.parametrize("extra", sorted(EXTRAS))
def test_the_extras_are_pinned_in_the_developers_lock(extra):
    assert_pinned_within(EXTRAS[extra], locked.DEV)


def test_the_app_lock_is_a_part_of_the_developers_lock():
    """Same release, same files: the README's run command installs what CI tested."""
    dev = {(pin.name, str(pin.marker)): pin for pin in locked.read(locked.DEV)}
    for pin in locked.read(locked.APP):
        assert (pin.name, str(pin.marker)) in dev, pin.name
        twin = dev[(pin.name, str(pin.marker))]
        assert (pin.version, pin.hashes) == (twin.version, twin.hashes), pin.name


def test_the_app_lock_has_no_test_or_build_tool_of_its_own():
    """Users who only run the app do not download pytest, moto or PyInstaller."""
    app = pins_by_name(locked.APP)
    for requirement in (r for extra in EXTRAS.values() for r in extra):
        assert canonicalize_name(requirement.name) not in app, requirement.name


@pytest.mark.parametrize("lock", [locked.APP, locked.DEV], ids=lambda p: p.name)
def test_every_pin_is_exact_and_has_hashes(lock):
    """pip's hash-checking mode needs both; a line the parser misses would be installed
    unchecked or refused, so the pins counted here must be every requirement line."""
    pins = locked.read(lock)
    requirement_lines = [
        line
        for line in lock.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith((" ", "#"))
    ]
    assert len(pins) == len(requirement_lines)
    for pin in pins:
        assert pin.hashes, pin.name
        assert all(len(digest) == 64 for digest in pin.hashes)


def test_the_lock_is_what_this_python_has_installed_or_reports_the_drift(tmp_path):
    """locked.drift names a release that differs, and only that one."""
    fake = tmp_path / "lock.txt"
    pytest_version = locked.installed()["pytest"]
    fake.write_text(
        f"pytest=={pytest_version} \\\n    --hash=sha256:{'0' * 64}\n"
        f"babel==0.0.1 \\\n    --hash=sha256:{'1' * 64}\n"
        f"pywin32==312 ; sys_platform == 'nowhere' \\\n    --hash=sha256:{'2' * 64}\n"
        f"no-such-distribution-here==1.0 \\\n    --hash=sha256:{'3' * 64}\n",
        encoding="utf-8",
    )
    assert locked.drift(fake) == [
        ("babel", "0.0.1", locked.installed()["babel"]),
        ("no-such-distribution-here", "1.0", None),
    ]
    assert locked.main(["check", str(fake)]) == 1
    assert locked.main(["drift", str(fake)]) == 0
