"""Packaging (packaging/): what goes into the bundle, icons, menu entry, AppStream
metadata, installers; and the smoke test of a built bundle.

The smoke test runs the frozen app itself, so it needs a build (about a minute): its
tests (marked ``bundle``) are deselected unless ``HRDESK_BUNDLE`` names the one-folder
build (tests/conftest.py). packaging/smoke.sh builds it and runs this file with that
variable set; CI (.ci/run) runs smoke.sh after the main suite. Every run of the bundle
gets its own HOME and XDG folders and the C locale.
"""

from __future__ import annotations

import configparser
import importlib.util
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import hrdesk
from hrdesk.i18n import catalogs

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
LANGUAGES = sorted(p.parent.parent.name for p in ROOT.glob("translations/*/LC_MESSAGES/*.po"))
SUMMARY = "Encrypted case management for human-rights organizations."


def load(name: str):
    """A script of packaging/ (a folder of scripts, not a package: 'packaging' is PyPI's)."""
    module_name = "hrdesk_packaging_" + re.sub(r"\W", "_", name)
    spec = importlib.util.spec_from_file_location(module_name, PACKAGING / name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


rules = load("bundle_rules.py")
icons = load("make_icons.py")
APP_ID = rules.APP_ID


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


# -- the version, the rules of the bundle ------------------------------------------------


def test_the_bundle_is_named_and_versioned_by_pyproject() -> None:
    project = rules.project_metadata()
    assert project["name"] == "hrdesk"
    assert project["version"] == hrdesk.__version__  # what `hrdesk --version` prints
    assert project["optional-dependencies"]["package"][0].startswith("pyinstaller>=6")


def test_hrdesk_imports_nothing_the_bundle_leaves_out() -> None:
    import ast

    excluded = set(rules.EXCLUDED_MODULES)
    for path in (ROOT / "hrdesk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            else:
                continue
            for name in names:
                parts = name.split(".")
                prefixes = {".".join(parts[: n + 1]) for n in range(len(parts))}
                assert not prefixes & excluded, f"{path.relative_to(ROOT)} imports {name}"


def test_only_qtbase_catalogs_of_our_languages() -> None:
    base = "PySide6/Qt/translations/"
    entries = [
        (base + name, "/src/" + name, "DATA")
        for name in ("qtbase_fr.qm", "qtbase_de.qm", "qt_fr.qm", "qtbase_ar.qm")
    ] + [("hrdesk/locale/fr/LC_MESSAGES/hrdesk.mo", "/x/hrdesk.mo", "DATA")]
    kept = [entry[0].rsplit("/", 1)[1] for entry in rules.qt_translations(entries, ["fr", "ar"])]
    assert kept == ["qtbase_fr.qm", "qtbase_ar.qm", "hrdesk.mo"]


def test_unused_qt_plugins_libraries_and_their_links_go() -> None:
    plugins = "PySide6/Qt/plugins/"
    binaries = [
        (plugins + "platforms/libqxcb.so", "/s/libqxcb.so", "BINARY"),
        (plugins + "platforms/libqvnc.so", "/s/libqvnc.so", "BINARY"),
        (plugins + "generic/libqtuiotouchplugin.so", "/s/libqtuio.so", "BINARY"),
        ("PySide6/Qt/lib/libQt6Network.so.6", "/s/libQt6Network.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Core.so.6", "/s/libQt6Core.so.6", "BINARY"),
    ]
    kept = rules.unused_qt(binaries)
    assert [entry[0] for entry in kept] == [binaries[0][0], binaries[4][0]]
    links = [
        ("libQt6Network.so.6", "PySide6/Qt/lib/libQt6Network.so.6", "SYMLINK"),
        ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
    ]
    assert rules.without_dangling_links(links, kept) == links[1:]


def test_system_libraries_go_with_what_only_they_needed(monkeypatch) -> None:
    needs = {
        "/s/_ssl.so": ["libssl.so.3", "libc.so.6"],
        "/s/libssl.so.3": ["libcrypto.so.3"],
        "/s/libcrypto.so.3": [],
        "/s/libglib-2.0.so.0": ["libpcre2-8.so.0"],  # a system library
        "/s/libpcre2-8.so.0": [],  # collected for glib only
        "/s/libpython3.11.so.1.0": [],  # loaded by the bootloader, named by nobody
    }
    monkeypatch.setattr(rules, "elf_needed", lambda path: needs[str(path)])
    binaries = [
        ("python3.11/lib-dynload/_ssl.so", "/s/_ssl.so", "EXTENSION"),
        *((Path(src).name, src, "BINARY") for src in list(needs)[1:]),
    ]
    kept = [entry[0] for entry in rules.prune_libraries(binaries)]
    assert kept == [
        "python3.11/lib-dynload/_ssl.so",
        "libssl.so.3",
        "libcrypto.so.3",
        "libpython3.11.so.1.0",
    ]
    for name in ("libstdc++.so.6", "libfontconfig.so.1", "libX11.so.6", "libcups.so.2"):
        assert rules.SYSTEM_LIBRARIES.fullmatch(name)
    for name in ("libxcb-icccm.so.4", "libicuuc.so.73", "libffi.so.8", "libpython3.11.so.1.0"):
        assert not rules.SYSTEM_LIBRARIES.fullmatch(name)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF files on Linux only")
def test_elf_needed_reads_real_libraries(tmp_path: Path) -> None:
    import _ctypes

    assert "libc.so.6" in rules.elf_needed(Path(_ctypes.__file__))
    not_elf = tmp_path / "notes.txt"
    not_elf.write_text("not a library")
    assert rules.elf_needed(not_elf) == []


# -- icons -----------------------------------------------------------------------------------


def test_icons_exist_in_every_size_and_container() -> None:
    folder = PACKAGING / "icons"
    ET.parse(folder / "hrdesk.svg")
    pngs = {}
    for size in icons.PNG_SIZES:
        pngs[size] = (folder / "png" / f"hrdesk-{size}.png").read_bytes()
        assert png_size(pngs[size]) == (size, size)

    ico = (folder / "hrdesk.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", ico)
    assert (reserved, kind, count) == (0, 1, len(icons.ICO_SIZES))
    for index, size in enumerate(icons.ICO_SIZES):
        width, height, _c, _r, _p, _b, length, offset = struct.unpack_from(
            "<BBBBHHII", ico, 6 + 16 * index
        )
        assert (width or 256, height or 256) == (size, size)
        assert ico[offset : offset + length] == pngs[size]  # the committed PNG, as is

    icns = (folder / "hrdesk.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    offset, found = 8, {}
    while offset < len(icns):
        kind, length = (
            icns[offset : offset + 4],
            struct.unpack(">I", icns[offset + 4 : offset + 8])[0],
        )
        found[kind] = png_size(icns[offset + 8 : offset + length])[0]
        offset += length
    assert found == {kind: size for kind, size in icons.ICNS_TYPES}


# -- Linux: menu entry, AppStream metadata, install scripts ------------------------------


@pytest.fixture(scope="module")
def build_script():
    return load("build.py")


def translated(lang: str) -> str | None:
    text = catalogs.load(lang).gettext(SUMMARY)
    return None if text == SUMMARY else text


def test_desktop_entry(build_script, tmp_path: Path) -> None:
    text = build_script.desktop_entry().decode("utf-8")
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read_string(text)
    values = entry["Desktop Entry"]
    assert values["Type"] == "Application" and values["Icon"] == APP_ID
    assert values["Exec"].split()[0] == values["TryExec"] == "hrdesk"
    assert values["Comment"] == SUMMARY
    for lang in LANGUAGES:  # the catalogs' own translation, where there is one
        assert values.get(f"Comment[{lang}]") == translated(lang)
    if shutil.which("desktop-file-validate"):
        path = tmp_path / f"{APP_ID}.desktop"
        path.write_text(text, encoding="utf-8")
        subprocess.run(["desktop-file-validate", str(path)], check=True)


def test_appstream_metadata(build_script, tmp_path: Path) -> None:
    data = build_script.metainfo()
    component = ET.fromstring(data)
    project = rules.project_metadata()
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable") == f"{APP_ID}.desktop"
    assert component.findtext("project_license") == project["license"]["text"]
    # The newest release listed is this version: bump it with pyproject's.
    assert component.find("releases/release").get("version") == project["version"]
    langs = {s.get("{http://www.w3.org/XML/1998/namespace}lang") for s in component.iter("summary")}
    assert langs == {None, *(lang for lang in LANGUAGES if translated(lang))}
    if shutil.which("appstreamcli"):
        path = tmp_path / f"{APP_ID}.metainfo.xml"
        path.write_bytes(data)
        subprocess.run(["appstreamcli", "validate", "--no-net", str(path)], check=True)


def install_env(home: Path) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
    }


def check_install_and_uninstall(folder: Path, home: Path) -> None:
    """install.sh then uninstall.sh from an unpacked tarball (``folder``), in ``home``."""
    env = install_env(home)
    installed = subprocess.run(
        ["sh", str(folder / "install.sh"), "--user"], env=env, capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stderr
    lib = home / ".local" / "lib" / "hrdesk"
    version = subprocess.run(
        [str(home / ".local" / "bin" / "hrdesk"), "--version"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert version.stdout.strip() == f"hrdesk {hrdesk.__version__}"
    entry = (home / "data" / "applications" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    assert f"Exec={lib}/hrdesk gui" in entry.splitlines()
    assert (home / "data" / "icons" / "hicolor" / "48x48" / "apps" / f"{APP_ID}.png").is_file()
    assert (home / "data" / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()

    vault = home / "data" / "hrdesk" / "vault"
    vault.mkdir(parents=True)
    (vault / "hrdesk.db").write_bytes(b"cases")
    removed = subprocess.run(
        ["sh", str(lib / "uninstall.sh")], env=env, capture_output=True, text=True
    )
    assert removed.returncode == 0, removed.stderr
    assert not lib.exists() and not (home / ".local" / "bin" / "hrdesk").exists()
    assert not (home / "data" / "applications" / f"{APP_ID}.desktop").exists()
    assert (vault / "hrdesk.db").read_bytes() == b"cases"  # the vault stays

    subprocess.run(
        ["sh", str(folder / "install.sh"), "--user"], env=env, check=True, capture_output=True
    )
    refused = subprocess.run(
        ["sh", str(lib / "uninstall.sh"), "--delete-data"],
        env=env,
        input="no\n",
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 1 and vault.exists() and lib.exists()
    subprocess.run(
        ["sh", str(lib / "uninstall.sh"), "--delete-data"],
        env=env,
        input="DELETE\n",
        check=True,
        capture_output=True,
        text=True,
    )
    assert not (home / "data" / "hrdesk").exists() and not lib.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux scripts")
def test_install_scripts_on_a_stand_in_app(build_script, tmp_path: Path) -> None:
    folder = tmp_path / "unpacked"
    (folder / "hrdesk").mkdir(parents=True)
    program = folder / "hrdesk" / "hrdesk"
    program.write_text(f"#!/bin/sh\necho 'hrdesk {hrdesk.__version__}'\n")
    program.chmod(0o755)
    for script in ("install.sh", "uninstall.sh"):
        shutil.copy(PACKAGING / "linux" / script, folder / script)
    share = folder / "share"
    (share / "applications").mkdir(parents=True)
    (share / "applications" / f"{APP_ID}.desktop").write_bytes(build_script.desktop_entry())
    (share / "metainfo").mkdir()
    (share / "metainfo" / f"{APP_ID}.metainfo.xml").write_bytes(build_script.metainfo())
    (share / "icons" / "hicolor" / "48x48" / "apps").mkdir(parents=True)
    shutil.copy(
        PACKAGING / "icons" / "png" / "hrdesk-48.png",
        share / "icons/hicolor/48x48/apps" / f"{APP_ID}.png",
    )
    check_install_and_uninstall(folder, tmp_path / "home")


def test_shell_scripts_parse() -> None:
    scripts = [*(PACKAGING / "linux").glob("*.sh"), PACKAGING / "smoke.sh"]
    for script in scripts:
        subprocess.run(["sh", "-n", str(script)], check=True)
    if shutil.which("shellcheck"):
        subprocess.run(["shellcheck", *map(str, scripts)], check=True)


# -- Windows and macOS (built elsewhere: checked as text here) ---------------------------


def test_windows_installer_script() -> None:
    raw = (PACKAGING / "windows" / "hrdesk.iss").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Inno Setup reads UTF-8 only with a BOM
    text = raw.decode("utf-8-sig")
    setup = dict(
        line.split("=", 1)
        for line in text.split("[Setup]")[1].split("\n[")[0].splitlines()
        if "=" in line and not line.startswith(";")
    )
    assert setup["PrivilegesRequired"] == "lowest"  # per user, no administrator
    assert setup["DefaultDirName"] == r"{autopf}\hrdesk"  # never the data folder
    assert re.fullmatch(r"\{\{[0-9A-F-]{36}\}", setup["AppId"])
    assert "[UninstallDelete]" not in text  # the uninstaller removes {app} only
    assert "DelTree(ExpandConstant('{localappdata}\\hrdesk')" not in text
    messages = re.findall(r"^(\w+)\.(\w+)=", text, flags=re.MULTILINE)
    for name in {name for lang, name in messages if lang == "en"}:
        for lang in LANGUAGES:
            assert (lang, name) in messages, f"{lang}.{name} missing"


def test_macos_bundle_settings() -> None:
    spec = (PACKAGING / "hrdesk.spec").read_text(encoding="utf-8")
    assert "bundle_identifier=rules.APP_ID" in spec
    assert '"CFBundleShortVersionString": VERSION' in spec
    assert "launcher.py" in spec


def test_the_bundle_finds_the_systems_ca_certificates(monkeypatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", "/set/by/the/user")  # loading runs the hook: a no-op
    hook = load("rthooks/ca_certificates.py")
    present = {"/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"}
    environ: dict[str, str] = {}
    found = hook.use_system_certificates(environ, present.__contains__)
    if sys.platform == "win32":
        assert found is None and environ == {}
    else:
        assert found == environ["SSL_CERT_FILE"] == "/etc/pki/tls/certs/ca-bundle.crt"
        assert hook.use_system_certificates({"SSL_CERT_DIR": "/mine"}, present.__contains__) is None
        assert hook.use_system_certificates({}, lambda _path: False) is None


# -- the launcher (the frozen entry point), from source ----------------------------------


def test_launcher_runs_the_command_line() -> None:
    out = subprocess.run(
        [sys.executable, str(PACKAGING / "launcher.py"), "--version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == f"hrdesk {hrdesk.__version__}"


def qt_cancel(language: str) -> str:
    """'Cancel' of Qt's stock buttons in ``language``, from this PySide6's catalogs."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    translator = QTranslator()
    translator.load(
        f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    )
    return translator.translate("QPlatformTheme", "Cancel")


def probe(command: list[str], vault: Path, settings: Path, language: str, env: dict) -> dict:
    result = subprocess.run(
        [*command, str(vault), str(settings), language],
        env={**env, "HRDESK_STARTUP_PROBE": "1", "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("HRDESK-PROBE "))
    return json.loads(line.split(" ", 1)[1])


def test_launcher_probe_paints_the_unlock_screen(created, vault_dir: Path, tmp_path: Path) -> None:
    report = probe(
        [sys.executable, str(PACKAGING / "launcher.py")],
        vault_dir,
        tmp_path / "settings.ini",
        "fr",
        dict(os.environ),
    )
    assert report["frozen"] is False
    assert report["qt_cancel"] == qt_cancel("fr") != "Cancel"
    marks = report["marks"]
    assert marks["started"] <= marks["imports"] <= marks["built"] <= marks["painted"]


# -- the smoke test of a built bundle (HRDESK_BUNDLE) ------------------------------------

BUNDLE = os.environ.get("HRDESK_BUNDLE")
# What the offscreen platform says about every window; anything else on stderr fails.
HARMLESS = re.compile(r"This plugin does not support propagateSizeHints\(\)")
BUDGET_MB = 200  # the target is 150 MB; see docs/install.md for the figures


BEFORE: dict[str, set[str]] = {}  # the bundle's files before the first run


def listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.fixture(scope="module")
def bundle() -> Path:
    # tests/conftest.py deselects these tests when no bundle was built.
    assert BUNDLE, "no bundle to smoke-test: packaging/smoke.sh builds one and runs these"
    folder = Path(BUNDLE).resolve()
    assert (folder / "hrdesk").is_file(), f"{folder} is not a one-folder build of hrdesk"
    BEFORE.setdefault("files", listing(folder))
    return folder


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def env(home: Path) -> dict[str, str]:
    """A clean environment: its own HOME and XDG folders, the C locale, no display."""
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700)
    return {
        **install_env(home),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_RUNTIME_DIR": str(runtime),
        "QT_QPA_PLATFORM": "offscreen",
        "HRDESK_PASSPHRASE": "smoke test passphrase",
        "HRDESK_NEW_PASSPHRASE": "smoke test passphrase",
    }


def run(bundle: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(bundle / "hrdesk"), *args], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"hrdesk {' '.join(args)}: {result.stderr}"
    return result


@pytest.mark.bundle
def test_bundle_version(bundle: Path, env: dict) -> None:
    assert run(bundle, env, "--version").stdout.strip() == f"hrdesk {hrdesk.__version__}"


@pytest.mark.bundle
def test_bundle_speaks_french(bundle: Path, env: dict) -> None:
    out = run(bundle, env, "--lang", "fr", "--help").stdout
    assert catalogs.load("fr").gettext(SUMMARY) in out


@pytest.mark.bundle
def test_bundle_contents(bundle: Path) -> None:
    internal = bundle / "_internal"
    resources = internal / "hrdesk" / "resources"
    source = ROOT / "hrdesk" / "resources"
    assert (resources / "fonts" / "OFL.txt").is_file()
    assert {p.name for p in (resources / "fonts").iterdir()} == {
        p.name for p in (source / "fonts").iterdir()
    }
    assert (resources / "vocabularies.json").is_file()
    assert {p.name for p in (resources / "demo").glob("*.json")} == {
        p.name for p in (source / "demo").glob("*.json")
    }
    for lang in LANGUAGES:
        assert (internal / "hrdesk" / "locale" / lang / "LC_MESSAGES" / "hrdesk.mo").is_file()
    qt = internal / "PySide6" / "Qt"
    assert {p.name for p in (qt / "translations").iterdir()} == {
        f"qtbase_{lang}.qm" for lang in LANGUAGES
    }
    platforms = {p.name for p in (qt / "plugins" / "platforms").iterdir()}
    assert {"libqxcb.so", "libqwayland.so", "libqoffscreen.so"} <= platforms
    assert not {"libqvnc.so", "libqeglfs.so", "libqlinuxfb.so"} & platforms
    names = {p.name for p in internal.rglob("*")}
    assert any(name.startswith("_sqlite3") for name in names)  # sqlcipher3's extension
    assert any(name.startswith("_harfbuzz") for name in names)
    for unwanted in ("tkinter", "libstdc++.so.6", "libQt6Network.so.6", "QtNetwork.abi3.so"):
        assert unwanted not in names
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    assert size < BUDGET_MB * 1e6, f"the bundle grew to {size / 1e6:.0f} MB"


@pytest.mark.bundle
def test_bundle_keeps_the_vault_in_the_user_data_folder(bundle: Path, env: dict, home: Path):
    run(bundle, env, "init", "--org", "Smoke test", "--user", "smoke")
    assert (home / "data" / "hrdesk" / "vault" / "hrdesk.db").is_file()
    assert listing(bundle) == BEFORE["files"]  # nothing next to the executable


@pytest.fixture(scope="module")
def demo(bundle: Path, env: dict, home: Path) -> tuple[Path, list[str]]:
    """A demo vault made by the bundle, and the references of its cases."""
    folder = home / "demo-vault"
    out = run(bundle, env, "--vault", str(folder), "demo", "--cases", "12").stdout
    return folder, re.findall(r"^\s+(\d{4}-[0-9A-Z]{4}-\d{4})\s", out, flags=re.MULTILINE)


@pytest.mark.bundle
def test_bundle_exports_an_arabic_dossier_with_its_fonts(bundle, env, demo, home) -> None:
    folder, refs = demo
    assert refs
    pdf = home / "dossier-ar.pdf"
    run(
        bundle,
        env,
        "--vault",
        str(folder),
        "export",
        "dossier",
        refs[0],
        "--out",
        str(pdf),
        "--lang",
        "ar",
    )
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
        embedded = {
            line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:] if " yes " in line
        }
    else:
        from pypdf import PdfReader

        embedded = {
            str(font["/BaseFont"]).split("+")[-1]
            for page in PdfReader(pdf).pages
            for font in page["/Resources"]["/Font"].values()
        }
    assert any(
        name.startswith("NotoNaskhArabic") or name.startswith("NotoSansArabic") for name in embedded
    )
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert re.search("[\u0621-\u064a]{3}", text)  # Arabic letters, extracted back


@pytest.mark.bundle
def test_bundle_probe_finds_fonts_and_qt_translations(bundle, env, demo, home) -> None:
    folder, _refs = demo
    fonts = len(list((ROOT / "hrdesk" / "resources" / "fonts").glob("*.ttf")))
    for language, right_to_left in (("fr", False), ("ar", True)):
        report = probe([str(bundle / "hrdesk")], folder, home / "probe.ini", language, env)
        assert report["frozen"] is True and report["platform"] == "offscreen"
        assert report["bundled_fonts"] == fonts
        assert "Noto Sans Arabic" in report["noto_families"]
        assert Path(report["qt_translations_dir"]).is_relative_to(bundle)
        assert report["qt_cancel"] == qt_cancel(language) != "Cancel"
        assert report["right_to_left"] is right_to_left
        assert report["ca_certificates"] > 0  # HTTPS (sync) trusts the system's CAs


@pytest.mark.bundle
def test_bundle_gui_runs_offscreen(bundle: Path, env: dict, demo) -> None:
    folder, _refs = demo
    child = subprocess.Popen(
        [str(bundle / "hrdesk"), "--vault", str(folder), "gui"],
        env={**env, "LANG": "C.UTF-8"},  # as a desktop session has (Qt warns under C)
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(5)
    still_running = child.poll() is None
    child.terminate()
    _out, err = child.communicate(timeout=30)
    assert still_running, f"the app quit after start (code {child.returncode}): {err}"
    problems = [line for line in err.splitlines() if line.strip() and not HARMLESS.search(line)]
    assert not problems, "\n".join(problems)


@pytest.mark.bundle
def test_bundle_tarball_installs_and_uninstalls(bundle: Path, tmp_path: Path) -> None:
    tarballs = sorted(bundle.parent.glob(f"hrdesk-{hrdesk.__version__}-linux-*.tar.gz"))
    assert tarballs, f"no tarball beside {bundle}"
    archive = tarballs[-1]
    digest, name = archive.with_name(archive.name + ".sha256").read_text().split()
    assert name == archive.name
    import hashlib

    assert hashlib.sha256(archive.read_bytes()).hexdigest() == digest
    with tarfile.open(archive) as tar:
        # Extraction filters came in 3.11.4; "tar" keeps the program's modes and links.
        options = {"filter": "tar"} if hasattr(tarfile, "tar_filter") else {}
        tar.extractall(tmp_path / "unpacked", **options)
    (folder,) = (tmp_path / "unpacked").iterdir()
    check_install_and_uninstall(folder, tmp_path / "home")


@pytest.mark.bundle
def test_bundle_was_left_untouched(bundle: Path) -> None:
    assert listing(bundle) == BEFORE["files"]
