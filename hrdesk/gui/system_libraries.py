"""Before Qt opens a window on X11: name the system packages its X11 plugin lacks.

pip installs Qt, but Qt's X11 platform plugin (``platforms/libqxcb.so``) also needs
libraries of the operating system (libxcb-cursor, libxcb-icccm…) that many desktops
do not have. Without them ``QApplication`` prints "Could not load the Qt platform
plugin "xcb"…" and aborts the process, which tells a caseworker nothing. So, when Qt
would use X11, the app first loads the plugin itself; if that fails, it lists the
missing libraries (``ldd``), prints in the user's language which Debian/Ubuntu
packages to install, with the one command, and exits with status 1.

Cost when nothing is missing: one ``dlopen`` of the plugin, whose libraries Qt loads
a moment later anyway; ``ldd`` runs only when the plugin cannot be loaded. On
Wayland, offscreen, or another OS, nothing is done.
"""

from __future__ import annotations

import ctypes
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from hrdesk.i18n import _

PLUGIN = "libqxcb.so"

# Shared library (soname) → the Debian and Ubuntu package that has it (names checked
# with apt-cache): what Qt's X11 plugin, libQt6XcbQpa and libQt6Gui need from the system.
PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libpng16.so.16": "libpng16-16",
    "libz.so.1": "zlib1g",
    "libzstd.so.1": "libzstd1",
}

_CANNOT_OPEN = re.compile(r"([^\s:/]+\.so[.\d]*): cannot open shared object file")


def xcb_would_be_used(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether Qt will take its X11 plugin, and only it: QT_QPA_PLATFORM says xcb, or
    is unset in an X11 session (DISPLAY set, no Wayland, where Qt would try Wayland)."""
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        names = [part.split(":")[0].strip() for part in chosen.split(";") if part.strip()]
        return names == ["xcb"]  # offscreen, wayland, or xcb with a fallback: Qt's choice
    return (
        bool(environ.get("DISPLAY"))
        and not environ.get("WAYLAND_DISPLAY")
        and environ.get("XDG_SESSION_TYPE", "") != "wayland"
    )


def plugin_paths(environ: Mapping[str, str]) -> list[Path]:
    """Where Qt looks for its platform plugins, in its order."""
    from PySide6.QtCore import QLibraryInfo

    folders = []
    if environ.get("QT_QPA_PLATFORM_PLUGIN_PATH"):
        folders.append(Path(environ["QT_QPA_PLATFORM_PLUGIN_PATH"]))
    for entry in environ.get("QT_PLUGIN_PATH", "").split(os.pathsep):
        if entry:
            folders.append(Path(entry) / "platforms")
    folders.append(Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms")
    return folders


def find_plugin(environ: Mapping[str, str]) -> Path | None:
    return next((f / PLUGIN for f in plugin_paths(environ) if (f / PLUGIN).is_file()), None)


def missing_libraries(plugin: Path) -> list[str]:
    """The sonames the dynamic loader cannot find for ``plugin`` and the libraries it
    needs, in ldd's order; [] when the plugin loads (or fails for another reason, such
    as a symbol missing from an old library: Qt then says so itself)."""
    try:
        ctypes.CDLL(str(plugin))  # what Qt does next: its libraries stay loaded for it
        return []
    except OSError as error:
        first = _CANNOT_OPEN.search(str(error))
    import subprocess  # only now: the check costs one dlopen when nothing is missing

    try:
        listing = subprocess.run(
            ["ldd", str(plugin)], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        listing = ""  # no ldd (not glibc?): the loader named the first one
    missing: list[str] = []
    for line in listing.splitlines():
        name, _arrow, where = line.strip().partition(" => ")
        if where.strip() == "not found" and name not in missing:
            missing.append(name)
    if not missing and first:
        missing.append(first.group(1))
    return missing


def message(missing: list[str]) -> str:
    """What to tell the user, in their language: the libraries, the packages, the
    command; libraries without a known package are named as they are."""
    packages = sorted({PACKAGES[name] for name in missing if name in PACKAGES})
    unknown = [name for name in missing if name not in PACKAGES]
    lines = [
        _(
            "hrdesk cannot open its window: the X11 display needs system libraries that "
            "this computer does not have: {libraries}."
        ).format(libraries=", ".join(missing))
    ]
    if packages:
        lines.append(
            _("On Debian or Ubuntu, install them with this command, then start hrdesk again:")
        )
        lines.append("    sudo apt install " + " ".join(packages))
    if unknown:
        lines.append(
            _(
                "Your distribution's package search tells which packages have these files: "
                "{libraries}."
            ).format(libraries=", ".join(unknown))
        )
    return "\n".join(lines)


def check(environ: Mapping[str, str] | None = None) -> int:
    """0 when Qt can open its window here (or will not use X11); otherwise print why not
    and return the exit status (1)."""
    environ = os.environ if environ is None else environ
    if not xcb_would_be_used(environ):
        return 0
    plugin = find_plugin(environ)
    if plugin is None:
        return 0  # no X11 plugin at all: Qt lists the plugins it has
    missing = missing_libraries(plugin)
    if not missing:
        return 0
    print(message(missing), file=sys.stderr)
    return 1
