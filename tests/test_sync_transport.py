"""The folder transport: list, get, and create-only writes that never half-appear."""

from __future__ import annotations

import threading

import pytest

from hrdesk.sync.transport import FolderTransport, TransportError


def test_put_if_absent_writes_once_and_never_overwrites(tmp_path):
    transport = FolderTransport(tmp_path)
    assert transport.put_if_absent("log/dev-a/1.hrd", b"first")
    assert not transport.put_if_absent("log/dev-a/1.hrd", b"second")
    assert transport.get("log/dev-a/1.hrd") == b"first"
    assert transport.put_if_absent("log/dev-b/1.hrd", b"other")
    assert transport.list("log") == ["log/dev-a/1.hrd", "log/dev-b/1.hrd"]
    assert transport.list("log/dev-a") == ["log/dev-a/1.hrd"]
    assert transport.list("blobs") == []
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".hrdesk-tmp-")]


def test_two_writers_racing_for_one_name_give_one_winner(tmp_path):
    transport = FolderTransport(tmp_path)
    results: list[bool] = []
    start = threading.Barrier(8)

    def write(index: int) -> None:
        start.wait()
        results.append(transport.put_if_absent("log/dev-a/7.hrd", f"writer {index}".encode()))

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 1
    assert transport.get("log/dev-a/7.hrd").startswith(b"writer ")


@pytest.mark.parametrize("name", ["../escape", "log/../../x", "/abs", "log//x", "log/.hidden", ""])
def test_names_that_could_leave_the_folder_are_refused(tmp_path, name):
    transport = FolderTransport(tmp_path / "remote")
    (tmp_path / "remote").mkdir()
    with pytest.raises(TransportError, match="Not a valid sync file name"):
        transport.put_if_absent(name, b"x")
    assert list((tmp_path / "remote").iterdir()) == []


def test_a_missing_folder_and_a_missing_file_are_clear_errors(tmp_path):
    with pytest.raises(TransportError, match="is not there"):
        FolderTransport(tmp_path / "unplugged-usb").list("log")
    with pytest.raises(TransportError, match="Cannot read"):
        FolderTransport(tmp_path).get("log/dev-a/9.hrd")


def test_delete_removes_a_file_and_a_missing_one_is_fine(tmp_path):
    remote = FolderTransport(tmp_path)
    assert remote.put_if_absent("blobs/0123456789abcdef0123456789abcdef", b"evidence")
    remote.delete("blobs/0123456789abcdef0123456789abcdef")
    assert remote.list("blobs") == []
    remote.delete("blobs/0123456789abcdef0123456789abcdef")
