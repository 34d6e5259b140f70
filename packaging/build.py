"""Build the hrdesk app for this computer's OS: one command, nothing to prepare.

    .venv/bin/pip install --require-hashes -r requirements/app.txt    # once (docs/install.md)
    .venv/bin/pip install --require-hashes --no-build-isolation -r requirements/dev.txt
    .venv/bin/pip install --no-deps --no-build-isolation -e .
    .venv/bin/python packaging/build.py

1. PyInstaller turns packaging/hrdesk.spec into a one-folder app: ``dist/hrdesk/``
   (Linux, Windows) or ``dist/hrdesk.app`` (macOS).
2. Then, per OS:
   - Linux: ``dist/hrdesk-<version>-linux-<arch>.tar.gz``, the app with an install
     script, menu entry, AppStream metadata and icons;
   - Windows: ``dist/hrdesk-<version>-windows-x64-setup.exe`` with Inno Setup 6
     (packaging/windows/hrdesk.iss), when ISCC.exe is installed;
   - macOS: ``dist/hrdesk-<version>-macos-<arch>.dmg`` with hdiutil;
   each with a ``.sha256`` file beside it, for users to check their download.

The bundle freezes the exact releases CI tested: the build stops if this Python has
anything else than requirements/dev.txt (scripts/lock.sh) installed, and names it.

Options: ``--clean`` (PyInstaller starts from an empty cache), ``--no-archive`` (the
folder only), ``--skip-pyinstaller`` (archive the folder already in dist/),
``--unlocked`` (build with whatever is installed: to try newer releases, never to
publish).
"""

from __future__ import annotations

import argparse
import gettext
import hashlib
import importlib.util
import io
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

import bundle_rules as rules  # noqa: E402

DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
APP_ID = rules.APP_ID
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# The catalog entry whose translations become the menu entry's and AppStream's summary.
SUMMARY = "Encrypted case management for human-rights organizations."


def log(message: str) -> None:
    print(f"build: {message}", flush=True)


def folder_size(path: Path) -> int:
    """Bytes of the regular files under ``path`` (links count once, as themselves)."""
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


INSTALL_LOCKED = (
    "{pip} install --require-hashes -r requirements/app.txt && "
    "{pip} install --require-hashes --no-build-isolation -r requirements/dev.txt && "
    "{pip} install --no-deps --no-build-isolation -e ."
)


def check_locked(unlocked: bool) -> None:
    """Stop unless this Python has exactly the releases of requirements/dev.txt (those
    CI tested) installed; with ``unlocked``, only say what differs."""
    spec = importlib.util.spec_from_file_location("hrdesk_locked", ROOT / "scripts" / "locked.py")
    locked = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = locked  # its dataclass looks itself up there
    spec.loader.exec_module(locked)
    differences = locked.drift(locked.DEV)
    if not differences:
        log("every release is the locked one (requirements/dev.txt)")
        return
    listing = locked.describe(differences)
    if unlocked:
        log(f"--unlocked: building with releases the lock does not have:\n{listing}")
        return
    pip = f"{sys.executable} -m pip"
    raise SystemExit(
        f"This Python's releases differ from requirements/dev.txt:\n{listing}\n"
        f"Install the locked ones (from {ROOT}):\n  {INSTALL_LOCKED.format(pip=pip)}\n"
        "or build with --unlocked (not for publishing)."
    )


def run_pyinstaller(clean: bool) -> None:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        pip = f"{sys.executable} -m pip"
        raise SystemExit(
            "PyInstaller is not installed in this Python: run, from "
            f"{ROOT}:\n  {INSTALL_LOCKED.format(pip=pip)}"
        ) from None
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        str(HERE / "hrdesk.spec"),
        "--noconfirm",
        "--log-level=WARN",
        f"--distpath={DIST}",
        f"--workpath={WORK}",
    ]
    if clean:
        command.append("--clean")
    log("PyInstaller " + " ".join(command[4:]))
    started = time.monotonic()
    subprocess.run(command, check=True, cwd=ROOT)
    log(f"PyInstaller done in {time.monotonic() - started:.0f} s")


def translations(msgid: str) -> dict[str, str]:
    """``{lang: translation}`` of one message from translations/*.po (translated only)."""
    from hrdesk.i18n.catalogs import compile_po

    found = {}
    for po in sorted((ROOT / "translations").glob("*/LC_MESSAGES/hrdesk.po")):
        text = gettext.GNUTranslations(io.BytesIO(compile_po(po))).gettext(msgid)
        if text != msgid:
            found[po.parent.parent.name] = text
    return found


def desktop_entry() -> bytes:
    """packaging/linux's entry with the summary in every language hrdesk speaks."""
    lines = (HERE / "linux" / f"{APP_ID}.desktop").read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Comment=")) + 1
    extra = [f"Comment[{lang}]={text}" for lang, text in translations(SUMMARY).items()]
    return ("\n".join(lines[:at] + extra + lines[at:]) + "\n").encode("utf-8")


def metainfo() -> bytes:
    """packaging/linux's AppStream file with the summary in every language hrdesk speaks."""
    from xml.sax.saxutils import escape

    text = (HERE / "linux" / f"{APP_ID}.metainfo.xml").read_text(encoding="utf-8")
    anchor = "</summary>\n"
    extra = "".join(
        f'  <summary xml:lang="{lang}">{escape(summary.rstrip("."))}</summary>\n'
        for lang, summary in translations(SUMMARY).items()
    )
    return text.replace(anchor, anchor + extra, 1).encode("utf-8")


def linux_tarball(app: Path, version: str) -> Path:
    """The app, install.sh, uninstall.sh, README.txt and share/ (menu entry, AppStream,
    icons) under one folder, as a .tar.gz."""
    arch = platform.machine() or "x86_64"
    top = f"hrdesk-{version}-linux-{arch}"
    archive = DIST / f"{top}.tar.gz"

    def normalized(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        return info

    def add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
        info = normalized(tarfile.TarInfo(f"{top}/{name}"))
        info.size, info.mode, info.mtime = len(data), mode, int(time.time())
        tar.addfile(info, io.BytesIO(data))

    log(f"writing {archive.relative_to(ROOT)}")
    partial = archive.with_suffix(".partial")
    with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
        tar.add(app, arcname=f"{top}/hrdesk", filter=normalized)
        for script in ("install.sh", "uninstall.sh"):
            add_bytes(tar, script, (HERE / "linux" / script).read_bytes(), 0o755)
        add_bytes(tar, "README.txt", (HERE / "linux" / "README.txt").read_bytes())
        add_bytes(tar, f"share/applications/{APP_ID}.desktop", desktop_entry())
        add_bytes(tar, f"share/metainfo/{APP_ID}.metainfo.xml", metainfo())
        for size in ICON_SIZES:
            png = (HERE / "icons" / "png" / f"hrdesk-{size}.png").read_bytes()
            add_bytes(tar, f"share/icons/hicolor/{size}x{size}/apps/{APP_ID}.png", png)
        svg = (HERE / "icons" / "hrdesk.svg").read_bytes()
        add_bytes(tar, f"share/icons/hicolor/scalable/apps/{APP_ID}.svg", svg)
    partial.replace(archive)
    return archive


def write_checksum(archive: Path) -> Path:
    """``<archive>.sha256`` in the format ``sha256sum -c`` reads (docs/install.md)."""
    digest = hashlib.sha256()
    with archive.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    checksum = archive.with_name(archive.name + ".sha256")
    checksum.write_text(f"{digest.hexdigest()}  {archive.name}\n", encoding="ascii")
    return checksum


def missing_system_libraries(app: Path) -> list[str]:
    """Libraries the X11 platform plugin needs that are neither bundled nor on this
    machine: the bundle will take them from the user's system (install.sh names them)."""
    plugin = app / "_internal" / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists() or shutil.which("ldd") is None:
        return []
    internal = app / "_internal"
    env = dict(os.environ, LD_LIBRARY_PATH=f"{internal}:{internal / 'PySide6' / 'Qt' / 'lib'}")
    output = subprocess.run(
        ["ldd", str(plugin)], capture_output=True, text=True, env=env, check=False
    ).stdout
    return sorted({line.split()[0] for line in output.splitlines() if "not found" in line})


def windows_installer(app: Path, version: str) -> Path | None:
    candidates = [shutil.which("ISCC"), shutil.which("iscc")]
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        if base:
            candidates.append(str(Path(base) / "Inno Setup 6" / "ISCC.exe"))
    iscc = next((c for c in candidates if c and Path(c).exists()), None)
    if iscc is None:
        log("Inno Setup 6 (ISCC.exe) not found: the installer is not built.")
        log("Install Inno Setup 6, then run this again (docs/install.md, for developers).")
        return None
    subprocess.run(
        [
            iscc,
            f"/DAppVersion={version}",
            f"/DSourceDir={app}",
            f"/DOutputDir={DIST}",
            str(HERE / "windows" / "hrdesk.iss"),
        ],
        check=True,
    )
    return DIST / f"hrdesk-{version}-windows-x64-setup.exe"


def macos_disk_image(app: Path, version: str) -> Path | None:
    """A compressed disk image holding hrdesk.app and a link to /Applications, so that
    installing is dragging one onto the other."""
    if shutil.which("hdiutil") is None:
        log("hdiutil not found: no disk image")
        return None
    image = DIST / f"hrdesk-{version}-macos-{platform.machine()}.dmg"
    staging = WORK / "dmg"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    subprocess.run(["ditto", str(app), str(staging / app.name)], check=True)
    (staging / "Applications").symlink_to("/Applications")
    subprocess.run(
        [
            *("hdiutil", "create", "-volname", "hrdesk", "-srcfolder", str(staging), "-ov"),
            *("-format", "UDZO", str(image)),
        ],
        check=True,
    )
    return image


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    parser.add_argument("--no-archive", action="store_true", help="build the folder only")
    parser.add_argument(
        "--skip-pyinstaller", action="store_true", help="archive the folder already in dist/"
    )
    parser.add_argument(
        "--unlocked",
        action="store_true",
        help="build with releases other than requirements/dev.txt's (never to publish)",
    )
    args = parser.parse_args(argv)

    project = rules.project_metadata(ROOT)
    version = project["version"]
    if not args.skip_pyinstaller:
        check_locked(args.unlocked)
        run_pyinstaller(args.clean)
    app = DIST / ("hrdesk.app" if sys.platform == "darwin" else "hrdesk")
    if not app.exists():
        raise SystemExit(f"{app} is missing: run without --skip-pyinstaller")
    log(f"{app.relative_to(ROOT)}: {folder_size(app) / 1e6:.1f} MB")

    archive = None
    if not args.no_archive:
        if sys.platform.startswith("linux"):
            archive = linux_tarball(app, version)
        elif sys.platform == "win32":
            archive = windows_installer(app, version)
        elif sys.platform == "darwin":
            archive = macos_disk_image(app, version)
    if archive is not None and archive.exists():
        write_checksum(archive)
        log(f"{archive.relative_to(ROOT)}: {archive.stat().st_size / 1e6:.1f} MB (+ .sha256)")
    if sys.platform.startswith("linux"):
        missing = missing_system_libraries(app)
        if missing:
            log(
                "note: not bundled, as this machine lacks them (the X11 window will need "
                f"them on the user's system): {' '.join(missing)}. To bundle them, install "
                "them here first (Debian: libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1) "
                "and build again."
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
