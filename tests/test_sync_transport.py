"""What every transport promises, checked on each against real storage: a folder, a
WebDAV server (wsgidav) and an S3 server (moto), both on 127.0.0.1.

Listing by folder, create-only writes that never overwrite, bytes kept exactly,
clear errors, names that could escape refused, one winner when two devices race
for a name, and delete. What is particular to one transport (credentials, TLS,
outages, paging) is tested in its own file.
"""

from __future__ import annotations

import itertools
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest

from hrdesk.sync.s3 import S3Transport
from hrdesk.sync.transport import FolderTransport, TransportError
from hrdesk.sync.webdav import WebDavTransport
from tests.servers import BUCKET, WEBDAV_PASSWORD, WEBDAV_USER

_places = itertools.count()


def _factory(kind: str, request, tmp_path):
    if kind == "folder":
        return lambda: FolderTransport(tmp_path)
    if kind == "webdav":
        url, root = request.getfixturevalue("webdav_server")
        folder = Path(tempfile.mkdtemp(prefix="contract-", dir=root))
        return lambda: WebDavTransport(
            f"{url}/{folder.name}/", WEBDAV_USER, WEBDAV_PASSWORD, timeout=5
        )
    endpoint, keys = request.getfixturevalue("s3_server")
    prefix = f"contract-{next(_places)}"
    return lambda: S3Transport(BUCKET, prefix, endpoint_url=endpoint, timeout=5, **keys)


@pytest.fixture(params=["folder", "webdav", "s3"])
def make(request, tmp_path):
    """Makes transports onto one fresh, empty place of the given kind."""
    return _factory(request.param, request, tmp_path)


@pytest.fixture(params=["webdav", "s3"])
def make_http(request, tmp_path):
    return _factory(request.param, request, tmp_path)


def test_names_are_listed_by_folder(make):
    remote = make()
    files = {
        "log/dev-a/1.hrd": b"a1",
        "log/dev-a/2.hrd": b"a2",
        "log/dev-b/1.hrd": b"b1",
        "blobs/0123456789abcdef0123456789abcdef": b"blob",
    }
    for name, data in files.items():
        assert remote.put_if_absent(name, data)
    assert remote.list("") == sorted(files)
    assert remote.list("log") == ["log/dev-a/1.hrd", "log/dev-a/2.hrd", "log/dev-b/1.hrd"]
    assert remote.list("log/dev-a") == ["log/dev-a/1.hrd", "log/dev-a/2.hrd"]
    assert remote.list("lo") == []  # a prefix is a folder, not the start of a name
    assert remote.list("nothing-here") == []
    for name, data in files.items():
        assert remote.get(name) == data


def test_put_if_absent_writes_once_and_never_overwrites(make):
    remote = make()
    assert remote.put_if_absent("log/dev-a/1.hrd", b"first")
    assert not remote.put_if_absent("log/dev-a/1.hrd", b"second")
    assert remote.get("log/dev-a/1.hrd") == b"first"


def test_every_byte_value_survives(make):
    remote = make()
    data = bytes(range(256)) * 64
    assert remote.put_if_absent("log/dev-a/1.hrd", data)
    assert remote.get("log/dev-a/1.hrd") == data


def test_a_missing_file_is_a_clear_error(make):
    with pytest.raises(TransportError, match=r"Cannot read log/dev-a/9\.hrd"):
        make().get("log/dev-a/9.hrd")


@pytest.mark.parametrize("name", ["../escape", "log/../../x", "/abs", "log//x", "log/.hidden", ""])
def test_names_that_could_leave_the_place_are_refused(make, name):
    remote = make()
    with pytest.raises(TransportError, match="Not a valid sync file name"):
        remote.put_if_absent(name, b"x")
    assert remote.list("") == []


def race(devices: list, name: str) -> dict[int, bool]:
    """Each device writes ``name`` at the same moment; what each put_if_absent returned."""
    results: dict[int, bool] = {}
    start = threading.Barrier(len(devices))

    def write(index: int) -> None:
        start.wait()
        results[index] = devices[index].put_if_absent(name, f"device {index}".encode())

    threads = [threading.Thread(target=write, args=(i,)) for i in range(len(devices))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_devices_racing_for_one_name_give_one_winner(make):
    devices = [make(), make()]  # one place, two connections
    for seq in range(1, 11):
        name = f"log/dev-a/{seq}.hrd"
        results = race(devices, name)
        assert sorted(results.values()) == [False, True], name
        winner = next(index for index, won in results.items() if won)
        assert devices[0].get(name) == f"device {winner}".encode()


def test_delete_removes_a_file_and_a_missing_one_is_fine(make):
    remote = make()
    assert remote.put_if_absent("blobs/0123456789abcdef0123456789abcdef", b"evidence")
    remote.delete("blobs/0123456789abcdef0123456789abcdef")
    assert remote.list("blobs") == []
    with pytest.raises(TransportError):
        remote.get("blobs/0123456789abcdef0123456789abcdef")
    remote.delete("blobs/0123456789abcdef0123456789abcdef")  # already gone: no error


def test_a_missing_folder_is_a_clear_error_and_no_temporary_file_stays(tmp_path):
    with pytest.raises(TransportError, match="is not there"):
        FolderTransport(tmp_path / "unplugged-usb").list("log")
    remote = FolderTransport(tmp_path)
    for seq in range(5):
        remote.put_if_absent(f"log/dev-a/{seq + 1}.hrd", b"x")
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".hrdesk-tmp-")]


def test_a_hundred_small_files_go_through_one_connection_quickly(make_http, monkeypatch):
    remote = make_http()
    opened = []
    real_connect = remote._http.connect
    monkeypatch.setattr(remote._http, "connect", lambda: opened.append(1) or real_connect())
    payload = bytes(range(256)) * 8  # 2 KB
    names = [f"log/dev-a/{seq}.hrd" for seq in range(1, 101)]
    began = time.perf_counter()
    for name in names:
        assert remote.put_if_absent(name, payload)
    assert remote.list("log") == sorted(names)
    assert all(remote.get(name) == payload for name in names)
    elapsed = time.perf_counter() - began
    assert len(opened) == 1
    # Measured at about 0.16 s (WebDAV) and 0.6 s (moto checks every signature); a 40 ms
    # Nagle/delayed-ACK stall per request would take ~8 s.
    assert elapsed < 5, elapsed


def test_a_server_that_never_answers_is_a_clear_error(make_http, monkeypatch):
    """The kernel accepts the connection; nothing ever replies."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        remote = make_http()
        port = silent.getsockname()[1]
        monkeypatch.setattr(remote._http, "host", f"127.0.0.1:{port}")
        monkeypatch.setattr(remote._http, "_timeout", 0.5)
        with pytest.raises(TransportError, match="did not answer in time"):
            remote.list("log")
