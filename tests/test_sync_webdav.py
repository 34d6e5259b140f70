"""The WebDAV transport against a real WebDAV server (wsgidav on cheroot, in a subprocess).

The server serves a temporary folder with basic auth, so what the transport writes can be
checked on disk, and stopping the process is a real outage.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from hrdesk.sync.transport import TransportError
from hrdesk.sync.webdav import WebDavTransport
from tests.servers import WEBDAV_PASSWORD as PASSWORD
from tests.servers import WEBDAV_USER as USER
from tests.servers import all_text, free_port, start_webdav, stop


@pytest.fixture
def server(webdav_server) -> tuple[str, Path]:
    return webdav_server


@pytest.fixture
def folder(server) -> tuple[str, Path]:
    """A fresh, existing sync folder on the server for each test: (its URL, its disk path)."""
    url, root = server
    path = Path(tempfile.mkdtemp(prefix="sync-", dir=root))
    return f"{url}/{path.name}/", path


@pytest.fixture
def remote(folder) -> WebDavTransport:
    return WebDavTransport(folder[0], USER, PASSWORD, timeout=5)


def test_nested_names_round_trip_and_land_where_expected(remote, folder):
    files = {
        "log/dev-a/1.hrd": b"a1",
        "log/dev-a/2.hrd": b"a2",
        "log/dev-b/1.hrd": b"b1",
        "blobs/ab/abcdef.bin": b"blob",
    }
    for name, data in files.items():
        assert remote.put_if_absent(name, data)
    assert remote.list("") == sorted(files)
    assert remote.list("log") == ["log/dev-a/1.hrd", "log/dev-a/2.hrd", "log/dev-b/1.hrd"]
    assert remote.list("log/dev-a") == ["log/dev-a/1.hrd", "log/dev-a/2.hrd"]
    assert remote.list("nothing-here") == []
    for name, data in files.items():
        assert remote.get(name) == data
        assert (folder[1] / name).read_bytes() == data


def test_files_that_sync_never_writes_are_not_listed(remote, folder):
    assert remote.put_if_absent("log/dev-a/1.hrd", b"x")
    for stray in [".hrdesk-tmp-1-ab", "1.hrd.ocTransferId42.part", ".~lock.1.hrd#"]:
        (folder[1] / "log" / "dev-a" / stray).write_bytes(b"partial")
    (folder[1] / ".Trash" / "log").mkdir(parents=True)
    (folder[1] / ".Trash" / "log" / "9.hrd").write_bytes(b"deleted")
    assert remote.list("") == ["log/dev-a/1.hrd"]


def test_a_missing_sync_folder_is_a_clear_error(server):
    remote = WebDavTransport(f"{server[0]}/not-created/", USER, PASSWORD, timeout=5)
    for attempt in (
        lambda: remote.list(""),
        lambda: remote.list("log"),
        lambda: remote.put_if_absent("log/dev-a/1.hrd", b"x"),
    ):
        with pytest.raises(TransportError, match="does not exist"):
            attempt()


@pytest.mark.parametrize("password", ["wrong", None])
def test_wrong_credentials_are_refused_without_showing_them(folder, password):
    remote = WebDavTransport(folder[0], USER, password, timeout=5)
    with pytest.raises(TransportError, match="did not accept the user name and password") as err:
        remote.list("log")
    with pytest.raises(TransportError, match="did not accept"):
        remote.put_if_absent("log/dev-a/1.hrd", b"x")
    assert not (folder[1] / "log").exists()
    assert "wrong" not in all_text(err.value)


def test_no_error_message_contains_the_password(folder):
    port = free_port()  # nothing listens there
    in_url = WebDavTransport(f"http://{USER}:{PASSWORD}@127.0.0.1:{port}/sync/", timeout=5)
    given = WebDavTransport(f"http://127.0.0.1:{port}/sync/", USER, PASSWORD, timeout=5)
    bad = WebDavTransport(folder[0], USER, PASSWORD + "x", timeout=5)
    for remote in (in_url, given, bad):
        with pytest.raises(TransportError) as err:
            remote.put_if_absent("log/dev-a/1.hrd", b"x")
        assert PASSWORD not in all_text(err.value)
        assert "Pa55" not in all_text(err.value)


def test_a_stopped_server_is_a_clear_error_and_a_restarted_one_is_reached_again(tmp_path):
    port = free_port()
    process = start_webdav(tmp_path, port)
    try:
        remote = WebDavTransport(f"http://127.0.0.1:{port}/", USER, PASSWORD, timeout=5)
        assert remote.put_if_absent("log/dev-a/1.hrd", b"kept")  # the connection is open
        stop(process)
        with pytest.raises(TransportError, match=r"Cannot reach the sync server 127\.0\.0\.1"):
            remote.list("log")
        with pytest.raises(TransportError, match="Cannot reach"):
            remote.get("log/dev-a/1.hrd")
        process = start_webdav(tmp_path, port)
        assert remote.get("log/dev-a/1.hrd") == b"kept"
    finally:
        stop(process)


def test_a_folder_made_by_another_device_at_the_same_moment_is_used(remote, folder):
    """Two devices creating one folder at once: the loser's MKCOL may fail with any
    status (wsgidav answered 500 in a CI run); the folder exists, so the write goes on."""
    (folder[1] / "log" / "dev-a").mkdir(parents=True)
    real = remote._request
    answers = {"PUT": [(409, b"")], "MKCOL": [(500, b"")] * 2}

    def racing(method, name, *args, **kwargs):
        if answers.get(method):
            return answers[method].pop(0)
        return real(method, name, *args, **kwargs)

    remote._request = racing
    assert remote.put_if_absent("log/dev-a/1.hrd", b"mine")
    assert (folder[1] / "log" / "dev-a" / "1.hrd").read_bytes() == b"mine"


def test_a_folder_that_cannot_be_made_is_still_an_error(remote, folder):
    real = remote._request

    def refusing(method, name, *args, **kwargs):
        return (500, b"") if method == "MKCOL" else real(method, name, *args, **kwargs)

    remote._request = refusing
    with pytest.raises(TransportError, match="HTTP 500"):
        remote.put_if_absent("log/dev-z/1.hrd", b"x")
