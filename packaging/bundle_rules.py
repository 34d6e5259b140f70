"""What goes into the bundle: the rules packaging/hrdesk.spec applies to PyInstaller's
lists of files (``(destination, source, kind)`` tuples), kept here so that tests can
check them without running PyInstaller (tests/test_packaging.py).
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import tomllib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

Entry = tuple[str, str, str]  # PyInstaller's TOC entry: destination, source, kind

ROOT = Path(__file__).resolve().parents[1]
# The reverse-DNS id of the desktop entry, AppStream metadata, icons and macOS bundle.
APP_ID = "org.hrdesk.hrdesk"


def project_metadata(root: Path = ROOT) -> dict:
    """``[project]`` of pyproject.toml: the one place the name and version are written."""
    with (root / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["project"]


# Libraries of the desktop itself come from the user's system, as they do for a PySide6
# installed with pip: a copy from the build machine can clash with the system's own
# (graphics drivers, input methods, GTK themes, printing, D-Bus) and ties the bundle to
# this machine's versions. The list follows the AppImage project's exclude list (C++
# runtime, glib, fontconfig/freetype, X11/xcb core, zlib…), plus CUPS, D-Bus and systemd.
# PyInstaller itself already leaves out glibc, OpenGL/EGL, libxcb and Wayland.
SYSTEM_LIBRARIES = re.compile(
    r"lib("
    r"stdc\+\+|gcc_s|mvec"
    r"|(glib|gobject|gio|gmodule|gthread)-2\.0|(gtk|gdk)-3|gdk_pixbuf-2\.0"
    r"|atk-1\.0|atk-bridge-2\.0|cairo|cairo-gobject|(pango|pangocairo|pangoft2)-1\.0"
    r"|fontconfig|freetype|harfbuzz|fribidi|thai|expat|z|uuid"
    r"|X11|X11-xcb|ICE|SM"
    r"|cups|dbus-1|systemd|avahi-client|avahi-common|gpg-error|p11-kit|com_err"
    r"|asound|usb-1\.0|gbm|glapi|GLdispatch|OpenGL"
    r")\.so(\..*)?"
)

# Qt plugins for embedded devices (framebuffer, EGL full screen, VNC), TUIO touch over
# the network (the only user of QtNetwork, which brings Kerberos along) and the PDF image
# format (needs QtPdf, which PySide6-Essentials lacks). The desktop keeps xcb (X11),
# wayland and offscreen/minimal (headless runs); every other plugin type stays.
UNUSED_QT_PLUGINS = (
    "generic/libqtuiotouchplugin.",
    "platforms/libqeglfs.",
    "platforms/libqlinuxfb.",
    "platforms/libqminimalegl.",
    "platforms/libqvkkhrdisplay.",
    "platforms/libqvnc.",
    "egldeviceintegrations/",
    "imageformats/libqpdf.",
)
UNUSED_QT_LIBRARIES = (
    "libQt6EglFSDeviceIntegration",
    "libQt6EglFsKmsSupport",
    "libQt6Network",
    "libQt6Pdf",
)

# Python modules the app never loads. hrdesk imports QtCore, QtGui, QtWidgets and
# QtPrintSupport only (a test checks), and reportlab imports PIL.Image but dossiers
# hold no pictures: the codecs with large libraries of their own (AVIF, WebP), colour
# management and the Tk/Qt bridges stay out.
EXCLUDED_MODULES = [
    "tkinter",
    "_tkinter",
    "unittest",
    "pydoc",
    "pydoc_data",
    "lib2to3",
    "idlelib",
    "ensurepip",
    "venv",
    "test",
    "readline",
    # babel falls back to pkg_resources before Python 3.10 only; bundled, PyInstaller's
    # runtime hook would import it at every start (~100 ms).
    "pkg_resources",
    "setuptools",
    "pytest",
    "_pytest",
    "pytestqt",
    "apsw",
    "numpy",
    "PySide6.QtNetwork",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtXml",
    "PySide6.QtConcurrent",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "PySide6.QtUiTools",
    "PIL._avif",
    "PIL.AvifImagePlugin",
    "PIL._webp",
    "PIL.WebPImagePlugin",
    "PIL._imagingcms",
    "PIL.ImageCms",
    "PIL._imagingtk",
    "PIL.ImageTk",
    "PIL.ImageQt",
]


def _posix(path: str) -> str:
    return path.replace("\\", "/")


def qt_translations(entries: Iterable[Entry], languages: Iterable[str]) -> list[Entry]:
    """Only Qt's ``qtbase_<lang>.qm`` of the languages hrdesk speaks (stock buttons and
    dialogs: hrdesk/gui/language.py); PyInstaller's hook collects all ~200 catalogs."""
    keep = {f"qtbase_{lang}.qm" for lang in languages}
    return [
        entry
        for entry in entries
        if "/translations/" not in _posix(entry[0]) or PurePosixPath(_posix(entry[0])).name in keep
    ]


def unused_qt(entries: Iterable[Entry]) -> list[Entry]:
    """Without the Qt plugins and libraries listed above (and links to them)."""
    kept = []
    for entry in entries:
        dest, source = _posix(entry[0]), _posix(entry[1])
        names = (PurePosixPath(dest).name, PurePosixPath(source).name)
        if any(part in dest for part in UNUSED_QT_PLUGINS):
            continue
        if any(name.startswith(UNUSED_QT_LIBRARIES) for name in names):
            continue
        kept.append(entry)
    return kept


def elf_needed(path: Path) -> list[str]:
    """DT_NEEDED entries of a 64-bit little-endian ELF file ([] for anything else)."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return []
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)
    ]
    needed = []
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind != 6 or not entsize:  # SHT_DYNAMIC
            continue
        strtab = sections[link]
        str_offset = strtab[4]
        for index in range(size // entsize):
            tag, value = struct.unpack_from("<qQ", data, offset + index * entsize)
            if tag == 0:
                break
            if tag == 1:  # DT_NEEDED
                start = str_offset + value
                needed.append(data[start : data.index(b"\x00", start)].decode())
    return needed


def prune_libraries(
    binaries: list[Entry], system: re.Pattern[str] = SYSTEM_LIBRARIES
) -> list[Entry]:
    """Without the system's libraries, then without the loose libraries only they needed
    (PyInstaller collected those before we could say no), until nothing else falls: a
    library at the top of the bundle stays only if a kept binary names it (DT_NEEDED)."""
    kept = [e for e in binaries if not system.fullmatch(PurePosixPath(_posix(e[0])).name)]
    needs = {e[1]: elf_needed(Path(e[1])) for e in kept if e[2] in ("BINARY", "EXTENSION")}
    while True:
        needed = {name for entry in kept for name in needs.get(entry[1], ())}
        loose = {
            entry[0]
            for entry in kept
            if entry[2] == "BINARY"
            and "/" not in _posix(entry[0])
            and not entry[0].startswith("libpython")
            and entry[0] not in needed
        }
        if not loose:
            return kept
        kept = [entry for entry in kept if entry[0] not in loose]


def without_dangling_links(datas: list[Entry], binaries: list[Entry]) -> list[Entry]:
    """Without the links (kind SYMLINK: destination, target) whose target is gone."""
    present = {_posix(entry[0]) for entry in [*binaries, *datas] if entry[2] != "SYMLINK"}
    return [entry for entry in datas if entry[2] != "SYMLINK" or _posix(entry[1]) in present]


def without_debug_info(binaries: list[Entry], out_dir: Path) -> list[Entry]:
    """Linux: copies without DWARF debug sections (``strip --strip-debug``: every symbol
    stays) of the libraries that carry them. A Python built from source (libpython,
    lib-dynload) and some wheels (sqlcipher3) do: ~40 MB. Qt's are stripped already."""
    strip = shutil.which("strip")
    if strip is None:
        print("WARNING: no `strip` (binutils): libraries keep their debug sections")
        return binaries
    result = []
    for dest, src, kind in binaries:
        source = Path(src)
        if b"\x00.debug_info\x00" not in source.read_bytes():
            result.append((dest, src, kind))
            continue
        stripped = out_dir / dest
        stat = source.stat()
        if not stripped.exists() or stripped.stat().st_mtime_ns != stat.st_mtime_ns:
            stripped.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([strip, "--strip-debug", "-o", str(stripped), src], check=True)
            os.utime(stripped, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        result.append((dest, str(stripped), kind))
    return result
