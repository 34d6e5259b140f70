"""Missing X11 libraries are named, with the packages to install, instead of Qt's abort.

The broken plugin is real: a copy of PySide6's own X11 plugin (libqxcb.so) in which one
needed library, libxcb-cursor.so.0, is renamed to one no system has, so the dynamic
loader really fails on it, on any machine. Its own Qt libraries are reached through its
RUNPATH ($ORIGIN/../../lib), as in PySide6. The app is then started as a user would
start it, with Qt pointed at that plugin: without the check, Qt aborts (SIGABRT).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QLibraryInfo

from hrdesk import i18n
from hrdesk.gui import system_libraries as sl
from hrdesk.i18n import pseudo

QT_PLUGINS = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
QT_LIBS = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.LibrariesPath))
NEEDED = b"libxcb-cursor.so.0"
ABSENT = b"libhrdesktest.so.0"  # as long as NEEDED: the string table keeps its layout


@pytest.fixture
def broken_plugins(tmp_path: Path) -> Path:
    """A plugin folder whose libqxcb.so needs ABSENT instead of libxcb-cursor.so.0."""
    assert len(ABSENT) == len(NEEDED)
    data = (QT_PLUGINS / "platforms" / sl.PLUGIN).read_bytes()
    assert data.count(b"\0" + NEEDED + b"\0") == 1, "libqxcb.so no longer needs libxcb-cursor"
    platforms = tmp_path / "plugins" / "platforms"
    platforms.mkdir(parents=True)
    (platforms / sl.PLUGIN).write_bytes(
        data.replace(b"\0" + NEEDED + b"\0", b"\0" + ABSENT + b"\0")
    )
    (tmp_path / "lib").symlink_to(QT_LIBS, target_is_directory=True)  # $ORIGIN/../../lib
    return tmp_path / "plugins"


def really_missing() -> set[str]:
    """What this machine lacks for PySide6's own plugin (on a bare one: libxcb-icccm…)."""
    return set(sl.missing_libraries(QT_PLUGINS / "platforms" / sl.PLUGIN))


def test_the_loader_names_the_library_that_is_not_there(broken_plugins):
    missing = sl.missing_libraries(broken_plugins / "platforms" / sl.PLUGIN)
    assert ABSENT.decode() in missing
    assert set(missing) == {ABSENT.decode()} | really_missing()


def test_a_plugin_that_loads_has_nothing_missing():
    """The offscreen plugin the tests run on loads: the check then costs one dlopen."""
    assert sl.missing_libraries(QT_PLUGINS / "platforms" / "libqoffscreen.so") == []


def test_without_ldd_the_loader_still_names_one(broken_plugins, monkeypatch, tmp_path):
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("ldd") is None
    missing = sl.missing_libraries(broken_plugins / "platforms" / sl.PLUGIN)
    assert len(missing) == 1
    assert missing[0] in {ABSENT.decode()} | really_missing()


def test_qt_plugin_path_is_searched_first_as_qt_does(broken_plugins):
    environ = {"QT_PLUGIN_PATH": str(broken_plugins)}
    assert sl.find_plugin(environ) == broken_plugins / "platforms" / sl.PLUGIN
    assert sl.find_plugin({}) == QT_PLUGINS / "platforms" / sl.PLUGIN


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        ({"DISPLAY": ":0"}, "linux", True),  # an X11 session
        ({"QT_QPA_PLATFORM": "xcb"}, "linux", True),
        ({"QT_QPA_PLATFORM": "xcb:nograb", "DISPLAY": ":0"}, "linux", True),
        ({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, "linux", False),
        ({"QT_QPA_PLATFORM": "wayland"}, "linux", False),
        ({"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ":0"}, "linux", False),
        ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
        ({"DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland"}, "linux", False),
        ({}, "linux", False),  # no display at all: Qt says so itself
        ({"DISPLAY": ":0"}, "darwin", False),
        ({"QT_QPA_PLATFORM": "xcb"}, "win32", False),
    ],
)
def test_the_check_runs_only_where_qt_would_take_x11(environ, platform, expected):
    assert sl.xcb_would_be_used(environ, platform) is expected


def test_nothing_is_checked_offscreen(broken_plugins, capsys):
    environ = {"QT_QPA_PLATFORM": "offscreen", "QT_PLUGIN_PATH": str(broken_plugins)}
    assert sl.check(environ) == 0
    assert capsys.readouterr().err == ""


def test_the_check_prints_the_packages_and_fails(broken_plugins, capsys, monkeypatch):
    # The test's library stands for one the table knows, to see the command it makes.
    monkeypatch.setitem(sl.PACKAGES, ABSENT.decode(), "libhrdesk-test0")
    environ = {"QT_QPA_PLATFORM": "xcb", "QT_PLUGIN_PATH": str(broken_plugins)}
    assert sl.check(environ) == 1
    err = capsys.readouterr().err
    assert "cannot open its window" in err
    command = next(line for line in err.splitlines() if "sudo apt install" in line)
    wanted = {"libhrdesk-test0", *(sl.PACKAGES[name] for name in really_missing())}
    assert set(command.split()[3:]) == wanted


def test_the_message_names_packages_and_libraries_without_one():
    text = sl.message(["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libfoo.so.1"])
    assert "libxcb-cursor.so.0, libxcb-icccm.so.4, libfoo.so.1" in text
    assert "    sudo apt install libxcb-cursor0 libxcb-icccm4\n" in text
    assert text.splitlines()[-1].endswith("libfoo.so.1.")
    only_unknown = sl.message(["libfoo.so.1"])
    assert "apt" not in only_unknown


def test_the_message_is_translated():
    i18n.set_language([pseudo.CODE])
    try:
        text = sl.message(["libxcb-cursor.so.0", "libfoo.so.1"])
    finally:
        i18n.set_language(["en"])
    lines = text.splitlines()
    assert pseudo.is_pseudo(lines[0]) and "libxcb-cursor.so.0, libfoo.so.1" in lines[0]
    assert pseudo.is_pseudo(lines[1])
    assert lines[2] == "    sudo apt install libxcb-cursor0"  # a command: never translated
    assert pseudo.is_pseudo(lines[3]) and "libfoo.so.1" in lines[3]


def test_the_app_says_what_to_install_instead_of_aborting(broken_plugins, tmp_path):
    """The real start: `hrdesk` with Qt on X11 and the broken plugin first in its path."""
    home = tmp_path / "home"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "LANGUAGE": "en",
        "QT_QPA_PLATFORM": "xcb",
        "QT_PLUGIN_PATH": str(broken_plugins),
    }
    result = subprocess.run(
        [sys.executable, "-m", "hrdesk", "--vault", str(tmp_path / "vault")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1, (result.returncode, result.stderr)  # Qt's abort: -6
    assert "cannot open its window" in result.stderr
    assert ABSENT.decode() in result.stderr
    assert "Could not load the Qt platform plugin" not in result.stderr  # Qt never tried
    assert not (tmp_path / "vault").exists()
