"""Shared fixtures: real vaults on disk, with a cheap KDF so tests stay fast.

The Argon2id calibration (~0.5 s per slot) is replaced by tiny parameters in
every test; ``test_kdf.py`` checks the real calibration and its floor.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The vaults made here have cheap slots (below): the real program run as a child must not
# re-wrap them under a real calibration at its first unlock (child_site/sitecustomize.py).
os.environ["PYTHONPATH"] = os.pathsep.join(
    [
        str(Path(__file__).with_name("child_site")),
        *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep)),
    ]
)

from hrdesk.store import kdf, vault

PASSPHRASE = "correct horse battery staple"
REAL_CALIBRATE = kdf.calibrate


def cheap_params(*_args: object) -> kdf.KdfParams:
    return kdf.KdfParams(time_cost=1, memory_kib=1024, parallelism=1, salt=os.urandom(16))


def pytest_collection_modifyitems(config, items):
    """The tests of a built bundle run only where one was built (packaging/smoke.sh, which
    CI runs after the main suite): elsewhere they are deselected, not skipped."""
    if os.environ.get("HRDESK_BUNDLE"):
        return
    deselected = [item for item in items if "bundle" in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if "bundle" not in item.keywords]


REAL_WORTH_RECALIBRATING = kdf.worth_recalibrating


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kdf, "calibrate", cheap_params)
    # Nor does an unlock here upgrade those cheap slots (test_kdf.py tests the upgrade).
    monkeypatch.setattr(kdf, "worth_recalibrating", lambda *_args: False)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch):
    for name in (
        "HRDESK_PASSPHRASE",
        "HRDESK_NEW_PASSPHRASE",
        "HRDESK_EXPORT_PASSPHRASE",
        "HRDESK_RECOVERY_KEY",
        "HRDESK_VAULT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANGUAGE", "en")
    yield
    # A test that switched language (--lang, Settings) must not leave it for the next one.
    from hrdesk import i18n

    i18n.set_language(["en"])


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def created(vault_dir: Path):
    result = vault.create_vault(vault_dir, PASSPHRASE, "Test org", "amina", cheap_params())
    yield result
    result.session.lock()


@pytest.fixture
def session(created):
    return created.session


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(vault_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """Run ``hrdesk --vault <vault_dir> ARGS`` in-process; stdin from ``stdin=``."""
    from hrdesk.cli import main

    def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> CliResult:
        for name, value in {"HRDESK_PASSPHRASE": PASSPHRASE, **(env or {})}.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["--vault", str(vault_dir), *args])
        return CliResult(code, out.getvalue(), err.getvalue())

    return run


def run_subprocess(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    """The real ``hrdesk`` program in a child process (for crash and exit-code tests)."""
    full_env = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "-m", "hrdesk", *args],
        env=full_env,
        capture_output=True,
        text=True,
        **kwargs,
    )


@pytest.fixture
def gui_app(tmp_path: Path, qtbot):
    """The desktop app on a fresh (not yet created) vault, with its own settings file."""
    from hrdesk.gui.app import App

    app = App(tmp_path / "gui-vault", tmp_path / "settings.ini", language="en")
    app.window.show()
    yield app
    # Lock first: a view left with unsaved work would otherwise ask, modally, on close
    # (which is why the window is not handed to qtbot, whose teardown closes it first).
    app.window.lock()
    app.window.close()
    app.worker.shutdown()


@pytest.fixture
def unlocked_app(tmp_path: Path, qtbot):
    """The desktop app, unlocked, on a vault created beforehand (one admin, amina)."""
    from hrdesk.gui.app import App
    from tests.gui_support import unlock

    created = vault.create_vault(tmp_path / "gui-vault", PASSPHRASE, "Test org", "amina")
    created.session.lock()
    app = App(tmp_path / "gui-vault", tmp_path / "settings.ini", language="en")
    app.window.show()
    unlock(qtbot, app, PASSPHRASE)
    yield app
    # Lock first: a view left with unsaved work would otherwise ask, modally, on close
    # (which is why the window is not handed to qtbot, whose teardown closes it first).
    app.window.lock()
    app.window.close()
    app.worker.shutdown()


@pytest.fixture(scope="session")
def webdav_server(tmp_path_factory):
    """A real WebDAV server on 127.0.0.1 for the whole run: (its http URL, its folder)."""
    from tests.servers import free_port, start_webdav, stop

    root = tmp_path_factory.mktemp("dav")
    port = free_port()
    process = start_webdav(root, port)
    yield f"http://127.0.0.1:{port}", root
    stop(process)


@pytest.fixture(scope="session")
def s3_server():
    """A real S3 server (moto) on 127.0.0.1 for the whole run: (endpoint, access keys)."""
    from tests.servers import free_port, moto_set_up, start_moto, stop

    port = free_port()
    process = start_moto(port)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        yield endpoint, moto_set_up(endpoint)
    finally:
        stop(process)


@pytest.fixture
def sync_pair(tmp_path):
    """Two vaults (amina's, bilal's) syncing through a shared folder: (a, b, folder)."""
    from tests.sync_support import join, new_vault, set_up

    shared = tmp_path / "shared"
    shared.mkdir()
    a = new_vault(tmp_path / "a", "amina")
    b = new_vault(tmp_path / "b", "bilal")
    set_up(a, f"folder://{shared}")
    join(a, b, "field laptop")
    yield a, b, shared
    a.lock()
    b.lock()
