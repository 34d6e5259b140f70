"""Sync through the real widgets: setting up, enrolling, Sync now in the background,
conflict signs, the side-by-side resolver, lock during a run, and no secret shown."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from hrdesk.gui.cases.list_model import CONFLICT_ROLE, conflict_text
from hrdesk.services import cases, conflicts, sync
from hrdesk.store import vault
from hrdesk.sync import remote
from hrdesk.sync.transport import FolderTransport
from tests.gui_support import screenshot, visible_texts, wait_idle
from tests.sync_support import new_vault

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
LEFT = Qt.MouseButton.LeftButton
LRI_PDI = str.maketrans({"\u2066": None, "\u2069": None, "\u00a0": " "})  # isolates, NBSP


# -- helpers ------------------------------------------------------------------------------------


def sync_page(qtbot, app):
    app.window.workspace.show_section("sync")
    wait_idle(qtbot, app)
    return app.window.workspace.sync


def wait_sync(qtbot, app) -> None:
    """Until the sync lane is free and its results have reached the screens."""
    qtbot.waitUntil(lambda: not app.window.sync_runner.busy, timeout=20_000)
    wait_idle(qtbot, app)


def activate(qtbot, window) -> None:
    """Back to the main window after a dialog (shortcuts act on the active window)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def fill_folder(page, folder: Path, label: str = "Office laptop") -> None:
    form = page.setup_view.location
    form.set_kind("folder")
    form.path.setText(str(folder))
    form.label.setText(label)


def set_up_folder(qtbot, app, folder: Path):
    folder.mkdir(exist_ok=True)
    page = sync_page(qtbot, app)
    assert page.stack.currentIndex() == 0  # not set up: the explanation and the two ways in
    fill_folder(page, folder)
    qtbot.mouseClick(page.setup_view.setup_button, LEFT)
    wait_sync(qtbot, app)
    qtbot.waitUntil(lambda: page.set_up is True and page.stack.currentIndex() == 1)
    return page


def add_case(qtbot, app, title: str) -> dict:
    added = []
    app.client.call(cases.add_case, {"title": title}, done=added.append, write=True)
    wait_idle(qtbot, app)
    return added[0]


def answer_files(monkeypatch, open_path: Path | None = None, save_path: Path | None = None):
    if open_path is not None:
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(open_path), ""))
    if save_path is not None:
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(save_path), ""))


def enroll_through_the_page(qtbot, app, monkeypatch, newcomer, tmp_path, label="second laptop"):
    """The administrator's side in the GUI; the newcomer's side through the service."""
    request, code = sync.join_request(newcomer, label)
    request_path = tmp_path / "request.hrdjoin"
    request_path.write_bytes(request)
    enrollment_path = tmp_path / "enrollment.hrdenroll"
    answer_files(monkeypatch, request_path, enrollment_path)
    box = app.window.workspace.sync.status_view.devices
    qtbot.mouseClick(box.enroll_button, LEFT)
    dialog = box.dialog
    assert dialog.isVisible() and dialog.code.text() == code
    assert not dialog.enroll_button.isEnabled()  # not before the codes are compared
    dialog.matches.setChecked(True)
    qtbot.mouseClick(dialog.enroll_button, LEFT)
    wait_sync(qtbot, app)
    qtbot.waitUntil(lambda: len(box.table.model.records) == 2)
    joined = sync.join(newcomer, enrollment_path.read_bytes())
    return joined


class Gate:
    """Holds the background run inside the transport's list() until released."""

    def __init__(self) -> None:
        self.armed = False
        self.entered = threading.Event()
        self.release = threading.Event()

    def pass_through(self) -> None:
        if self.armed and threading.current_thread().name == "hrdesk-sync":
            self.entered.set()
            assert self.release.wait(30)


class GatedTransport:
    def __init__(self, inner, gate: Gate) -> None:
        self.inner = inner
        self.gate = gate

    def list(self, prefix: str) -> list[str]:
        self.gate.pass_through()
        return self.inner.list(prefix)

    def get(self, name: str) -> bytes:
        return self.inner.get(name)

    def put_if_absent(self, name: str, data: bytes) -> bool:
        return self.inner.put_if_absent(name, data)


@pytest.fixture
def gate(monkeypatch) -> Gate:
    gate = Gate()
    real = remote.open_transport
    monkeypatch.setattr(remote, "open_transport", lambda a, o: GatedTransport(real(a, o), gate))
    yield gate
    gate.release.set()  # never leave a thread waiting


# -- tests --------------------------------------------------------------------------------------


def test_conflict_from_two_devices_is_marked_shown_side_by_side_and_settled(
    unlocked_app, qtbot, tmp_path, monkeypatch
):
    app = unlocked_app
    shared = tmp_path / "shared"
    case = add_case(qtbot, app, "Original title")
    page = set_up_folder(qtbot, app, shared)
    status = page.status_view
    assert str(shared) in status.location.text().translate(LRI_PDI)
    assert status.last_sync.text() == "Never"

    other = new_vault(tmp_path / "b", "bilal")
    try:
        enroll_through_the_page(qtbot, app, monkeypatch, other, tmp_path)
        qtbot.mouseClick(status.sync_button, LEFT)
        wait_sync(qtbot, app)
        assert "Sent 1 file" in status.result.text()
        sync.run(other)
        assert cases.show_case(other, case["ref"])["title"] == "Original title"

        # The same field changed on both devices, neither having seen the other's edit.
        cases.update_case(other, case["ref"], {"title": "Title from B"})
        sync.run(other)
        workspace = app.window.workspace
        workspace.open_case(case["id"])
        wait_idle(qtbot, app)
        view = workspace.cases.view
        view.overview.fields["title"].setText("Title from A")
        activate(qtbot, app.window)
        qtbot.keyClick(app.window, Qt.Key.Key_S, CTRL)
        qtbot.waitUntil(lambda: view.case.get("title") == "Title from A")
        assert not view.banner.isVisible()

        qtbot.keyClick(app.window, Qt.Key.Key_S, CTRL | SHIFT)  # Sync now, from the case
        wait_sync(qtbot, app)
        qtbot.waitUntil(view.banner.isVisible)
        assert "1 conflicting edit" in view.banner.text.text()

        # The list marks the case, and says why.
        view.request_close()
        wait_idle(qtbot, app)  # the list, hidden during the sync, reads again when shown
        model = workspace.cases.list_page.model
        qtbot.waitUntil(lambda: model.rowCount() == 1 and model.is_loaded(0))
        ref_cell = model.index(0, 0)
        assert model.data(ref_cell, CONFLICT_ROLE) is True
        assert model.data(ref_cell, Qt.ItemDataRole.ToolTipRole) == conflict_text()
        assert model.data(ref_cell, Qt.ItemDataRole.DecorationRole) is not None
        assert model.data(model.index(0, 1), Qt.ItemDataRole.DecorationRole) is None

        page = sync_page(qtbot, app)
        assert page.status_view.conflicts.text() == "1 conflict to settle"
        app.window.resize(1100, 760)
        folder = Path(os.environ.get("HRDESK_SCREENSHOTS") or tmp_path / "screenshots")
        shots = [screenshot(app.window, folder, "sync-status")]

        # The resolver, from the case's banner: both versions side by side.
        workspace.open_case(case["id"])
        wait_idle(qtbot, app)
        qtbot.waitUntil(view.banner.isVisible)
        qtbot.mouseClick(view.banner.button, LEFT)
        dialog = view.conflicts_dialog
        wait_idle(qtbot, app)
        qtbot.waitUntil(lambda: len(dialog.cards) == 2)
        assert dialog.list.count() == 1 and "Title" in dialog.list.item(0).text()
        shown, other_version = dialog.cards
        assert shown.current and not other_version.current  # the one the case shows, marked
        assert shown.title() == "Version from Office laptop (this device)"
        assert shown.value_label.text() == "Title from A"
        assert other_version.value_label.text() == "Title from B"
        assert other_version.title() == "Version from second laptop"  # its enrolled name
        assert "bilal" in other_version.details_label.text()
        assert "amina" in shown.details_label.text()
        shots.append(screenshot(dialog, folder, "conflicts"))

        qtbot.mouseClick(other_version.keep_button, LEFT)
        wait_idle(qtbot, app)
        qtbot.waitUntil(lambda: dialog.message.text() == "All conflicts are settled.")
        assert dialog.cards == []
        qtbot.waitUntil(lambda: view.case.get("title") == "Title from B")
        qtbot.waitUntil(lambda: not view.banner.isVisible())
        dialog.reject()

        # The choice travels: the other device sees it, and no conflict is left there.
        page = sync_page(qtbot, app)
        qtbot.waitUntil(lambda: page.status_view.conflicts.text() == "None")
        qtbot.mouseClick(page.status_view.sync_button, LEFT)
        wait_sync(qtbot, app)
        sync.run(other)
        assert cases.show_case(other, case["ref"])["title"] == "Title from B"
        assert conflicts.list_conflicts(other) == []
        assert all(path.stat().st_size > 5_000 for path in shots)
    finally:
        other.lock()


def test_a_delete_that_crossed_an_edit_can_be_restored(unlocked_app, qtbot, tmp_path, monkeypatch):
    app = unlocked_app
    case = add_case(qtbot, app, "Case with an incident")
    app.client.call(
        cases.update_case,
        case["ref"],
        {
            "incidents": [
                {"date": "2026-01-05", "place": "Camp", "violations": ["torture-ill-treatment"]}
            ]
        },
    )
    page = set_up_folder(qtbot, app, tmp_path / "shared")
    other = new_vault(tmp_path / "b", "bilal")
    try:
        enroll_through_the_page(qtbot, app, monkeypatch, other, tmp_path)
        page.sync_now()
        wait_sync(qtbot, app)
        sync.run(other)
        incident = cases.show_case(other, case["ref"])["incidents"][0]
        cases.update_case(
            other, case["ref"], {"incidents": [{"id": incident["id"], "place": "Market"}]}
        )
        sync.run(other)
        app.client.call(
            cases.update_case,
            case["ref"],
            {"incidents": [{"id": incident["id"], "deleted": True}]},
            write=True,
        )
        wait_idle(qtbot, app)
        page.sync_now()
        wait_sync(qtbot, app)
        qtbot.waitUntil(lambda: page.status_view.settle_button.isEnabled())

        qtbot.mouseClick(page.status_view.settle_button, LEFT)  # every conflict, from Sync
        dialog = page.conflicts_dialog
        qtbot.waitUntil(lambda: len(dialog.cards) == 2)
        assert case["ref"] in dialog.list.item(0).text()
        removed, edited = dialog.cards
        assert removed.keep_button.text() == "Keep deleted"
        assert edited.keep_button.text() == "Restore with the edits"
        assert "Place: Market" in edited.details_label.text()
        qtbot.mouseClick(edited.keep_button, LEFT)
        wait_idle(qtbot, app)
        qtbot.waitUntil(lambda: dialog.message.text() == "All conflicts are settled.")
        restored = []
        app.client.call(cases.get_case, case["id"], done=restored.append)
        wait_idle(qtbot, app)
        assert [i["place"] for i in restored[0]["incidents"]] == ["Market"]
        dialog.reject()
    finally:
        other.lock()


def test_sync_runs_in_the_background_while_a_case_is_saved(unlocked_app, qtbot, tmp_path, gate):
    app = unlocked_app
    case = add_case(qtbot, app, "Before the sync")
    page = set_up_folder(qtbot, app, tmp_path / "shared")
    gate.armed = True
    qtbot.mouseClick(page.status_view.sync_button, LEFT)
    qtbot.waitUntil(gate.entered.is_set)  # the run now waits on the "network"
    assert app.window.sync_runner.syncing
    assert page.status_view.cancel_button.isVisible()
    assert not page.status_view.sync_button.isEnabled()

    app.window.workspace.open_case(case["id"])
    wait_idle(qtbot, app)
    view = app.window.workspace.cases.view
    view.overview.fields["title"].setText("Saved while syncing")
    qtbot.keyClick(app.window, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: view.case.get("title") == "Saved while syncing", timeout=5_000)
    assert not view.dirty
    assert app.window.sync_runner.syncing and not gate.release.is_set()

    gate.release.set()
    wait_sync(qtbot, app)
    page = sync_page(qtbot, app)
    assert "Sent 1 file" in page.status_view.result.text()
    qtbot.waitUntil(lambda: page.status_view.last_sync.text() != "Never")
    # The run read what to send after its wait: the edit saved meanwhile went with it.
    assert page.status_view.unsent.text() == "Nothing: every change was sent"


def test_lock_during_a_sync_cancels_it_and_closes_its_connection(
    unlocked_app, qtbot, tmp_path, gate, monkeypatch
):
    app = unlocked_app
    add_case(qtbot, app, "Some case")
    page = set_up_folder(qtbot, app, tmp_path / "shared")
    siblings = []
    real_sibling = vault.Session.sibling
    monkeypatch.setattr(
        vault.Session, "sibling", lambda self: siblings.append(real_sibling(self)) or siblings[-1]
    )
    runner = app.window.sync_runner
    delivered = []
    runner.synced.connect(delivered.append)
    runner.sync_failed.connect(delivered.append)
    gate.armed = True
    qtbot.mouseClick(page.status_view.sync_button, LEFT)
    qtbot.waitUntil(gate.entered.is_set)

    qtbot.keyClick(app.window, Qt.Key.Key_L, CTRL)
    # The window locked at once; the run is told to stop, and the vault's own connection
    # waits (on the database worker) for the run's thread to end before it closes.
    assert app.window.workspace is None and not app.client.is_unlocked
    assert app.window.stack.currentWidget() is app.window.unlock_page
    assert not runner.busy
    assert app.client._session is not None

    gate.release.set()
    qtbot.waitUntil(lambda: not runner.thread_alive, timeout=10_000)
    wait_idle(qtbot, app)
    assert delivered == []  # nothing reached a screen
    assert len(siblings) == 1 and siblings[0]._conn is None  # its connection is closed
    assert app.client._session is None
    assert app.window.sync_indicator.text() == ""

    # The next unlock syncs normally, from where the cancelled run stopped.
    from tests.conftest import PASSPHRASE
    from tests.gui_support import unlock

    gate.armed = False
    unlock(qtbot, app, PASSPHRASE)
    page = sync_page(qtbot, app)
    qtbot.mouseClick(page.status_view.sync_button, LEFT)
    wait_sync(qtbot, app)
    assert len(delivered) == 1 and not isinstance(delivered[0], Exception)
    assert page.status_view.unsent.text() == "Nothing: every change was sent"


def test_a_place_that_cannot_be_reached_is_said_in_plain_words(unlocked_app, qtbot, tmp_path):
    app = unlocked_app
    page = sync_page(qtbot, app)
    missing = tmp_path / "usb-stick-not-plugged-in"
    fill_folder(page, missing)
    qtbot.mouseClick(page.setup_view.setup_button, LEFT)
    wait_sync(qtbot, app)
    error = page.setup_view.location.general_error
    assert error.isVisible()
    assert error.text() == f"The sync folder {missing} is not there."
    assert page.stack.currentIndex() == 0 and page.set_up is False

    form = page.setup_view.location
    form.label.clear()
    qtbot.mouseClick(page.setup_view.setup_button, LEFT)
    assert "is required" in " ".join(visible_texts(form))

    # Set up, then the folder goes away (the stick is unplugged): Sync now says so.
    page = set_up_folder(qtbot, app, tmp_path / "stick")
    (tmp_path / "stick").rename(tmp_path / "elsewhere")
    qtbot.keyClick(app.window, Qt.Key.Key_S, CTRL | SHIFT)
    wait_sync(qtbot, app)
    status = page.status_view
    expected = f"The sync folder {tmp_path / 'stick'} is not there."
    assert status.error.isVisible() and status.error.text() == expected
    qtbot.waitUntil(lambda: status.last_error.text() == expected)
    assert app.window.sync_indicator.text() == "Sync did not finish"
    assert app.window.sync_indicator.toolTip() == expected


def test_joining_an_organization_through_the_page(unlocked_app, qtbot, tmp_path, monkeypatch):
    app = unlocked_app
    shared = tmp_path / "shared"
    shared.mkdir()
    org = new_vault(tmp_path / "org", "bilal")
    try:
        sync.setup(org, str(shared), {}, "Head office")
        cases.add_case(org, {"title": "Recorded at head office"})
        sync.run(org)

        page = sync_page(qtbot, app)
        setup = page.setup_view
        request_path = tmp_path / "join.hrdjoin"
        answer_files(monkeypatch, save_path=request_path)
        qtbot.mouseClick(setup.request_button, LEFT)
        assert "is required" in " ".join(visible_texts(setup.join_box))  # a name first
        setup.join_label.setText("Field laptop")
        qtbot.mouseClick(setup.request_button, LEFT)
        wait_idle(qtbot, app)
        request = sync.read_request(request_path.read_bytes())
        assert request["label"] == "Field laptop"
        assert setup.code.isVisible() and setup.code.text() == request["code"]

        enrollment, _info = sync.enroll(org, request_path.read_bytes())
        enrollment_path = tmp_path / "enroll.hrdenroll"
        enrollment_path.write_bytes(enrollment)
        answer_files(monkeypatch, open_path=enrollment_path)
        qtbot.mouseClick(setup.open_button, LEFT)
        wait_idle(qtbot, app)
        qtbot.waitUntil(lambda: page.stack.currentIndex() == 1)
        note = page.status_view.joined_note
        assert note.isVisible()
        assert sync.status(org)["code"] in note.text().translate(LRI_PDI)

        page.sync_now()
        wait_sync(qtbot, app)
        model = app.window.workspace.cases.list_page.model
        app.window.workspace.show_section("cases")
        qtbot.waitUntil(lambda: model.rowCount() == 1 and model.is_loaded(0))
        assert model.row_data(0)["title"] == "Recorded at head office"
    finally:
        org.lock()


def test_an_admin_revokes_a_device(unlocked_app, qtbot, tmp_path, monkeypatch):
    app = unlocked_app
    page = set_up_folder(qtbot, app, tmp_path / "shared")
    other = new_vault(tmp_path / "b", "bilal")
    try:
        enroll_through_the_page(qtbot, app, monkeypatch, other, tmp_path, "stolen laptop")
        box = page.status_view.devices
        table = box.table
        labels = [d["label"] for d in table.model.records]
        table.view.selectRow(labels.index("stolen laptop"))
        asked = []
        monkeypatch.setattr(
            QMessageBox,
            "question",
            lambda *args, **kwargs: asked.append(args[2]) or QMessageBox.StandardButton.Yes,
        )
        qtbot.mouseClick(box.revoke_button, LEFT)
        wait_sync(qtbot, app)
        assert "new sync key" in asked[0]
        qtbot.waitUntil(
            lambda: any(
                d["revoked_at"] for d in table.model.records if d["label"] == "stolen laptop"
            )
        )
        assert "stolen laptop is revoked" in box.message.text()

        labels = [d["label"] for d in table.model.records]
        table.view.selectRow(labels.index("Office laptop"))
        qtbot.mouseClick(box.revoke_button, LEFT)
        assert "cannot revoke itself" in box.error.text()
    finally:
        other.lock()


def test_a_webdav_password_is_never_shown_nor_written_outside_the_vault(
    unlocked_app, qtbot, tmp_path, monkeypatch
):
    app = unlocked_app
    canary = "Pw-Canary-7Hq2-Kestrel"
    folder = tmp_path / "dav-stand-in"
    folder.mkdir()
    opened = []

    def open_transport(address: str, options: dict) -> FolderTransport:
        opened.append((address, dict(options)))
        return FolderTransport(folder)  # a WebDAV server stands in as a folder

    monkeypatch.setattr(remote, "open_transport", open_transport)
    page = sync_page(qtbot, app)
    form = page.setup_view.location
    form.set_kind("webdav")
    assert form.url.isVisibleTo(page) and not form.path.isVisibleTo(page)
    form.url.setText("https://dav.example.org/remote.php/dav/files/amina/hrdesk")
    form.username.setText("amina")
    form.password.setText(canary)
    form.label.setText("Office laptop")
    qtbot.mouseClick(page.setup_view.setup_button, LEFT)
    wait_sync(qtbot, app)
    qtbot.waitUntil(lambda: page.stack.currentIndex() == 1)
    assert opened[0] == (
        "webdavs://dav.example.org/remote.php/dav/files/amina/hrdesk",
        {"username": "amina", "password": canary},
    )

    location = page.status_view.location.text().translate(LRI_PDI)
    assert "webdavs://dav.example.org/remote.php/dav/files/amina/hrdesk" in location
    assert "User: amina" in location
    assert form.password.text() == ""
    page.status_view.change_location()
    assert page.status_view.change_dialog.form.password.text() == ""
    assert page.status_view.change_dialog.form.kind.currentData() == "webdav"
    assert canary not in " ".join(visible_texts())
    page.status_view.change_dialog.reject()

    app.window.lock()
    wait_idle(qtbot, app)
    app.settings.sync()
    assert (tmp_path / "settings.ini").exists()
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert canary.encode() not in data, path
            assert canary.encode("utf-16-le") not in data, path


def test_evidence_from_another_device_is_fetched_off_the_database_worker(
    unlocked_app, qtbot, tmp_path, monkeypatch
):
    """Opening it downloads the file on sync's own thread: a save made meanwhile goes
    through, and the preview shows the file once it has come and been checked."""
    from hrdesk.services import evidence

    app = unlocked_app
    page = set_up_folder(qtbot, app, tmp_path / "shared")
    other = new_vault(tmp_path / "b", "bilal")
    try:
        enroll_through_the_page(qtbot, app, monkeypatch, other, tmp_path)
        ref = cases.add_case(other, {"title": "Evidence from the field"})["ref"]
        photo = tmp_path / "statement.txt"
        photo.write_text("Statement taken in the field, Canary-Fetch-Osprey-12")
        evidence.attach(other, ref, photo)
        sync.run(other)
        qtbot.mouseClick(page.status_view.sync_button, LEFT)
        wait_sync(qtbot, app)

        fetching = threading.Event()
        release = threading.Event()
        real_get = FolderTransport.get

        def slow_get(self, name):
            if name.startswith("blobs/"):
                assert threading.current_thread().name == "hrdesk-sync"
                fetching.set()
                assert release.wait(30)
            return real_get(self, name)

        monkeypatch.setattr(FolderTransport, "get", slow_get)
        workspace = app.window.workspace
        case_id = next(c["id"] for c in cases.list_cases(other, _filters()) if c["ref"] == ref)
        workspace.open_case(case_id)
        wait_idle(qtbot, app)
        view = workspace.cases.view
        view.tabs.setCurrentWidget(view.evidence)
        qtbot.waitUntil(lambda: view.evidence.table.model.rowCount() == 1)
        view.evidence.preview(view.evidence.table.model.records[0])
        qtbot.waitUntil(fetching.is_set)
        view.overview.fields["title"].setText("Saved while the file comes")
        activate(qtbot, app.window)
        qtbot.keyClick(app.window, Qt.Key.Key_S, CTRL)
        qtbot.waitUntil(lambda: view.case.get("title") == "Saved while the file comes")
        assert view.evidence.preview_dialog is None
        release.set()
        qtbot.waitUntil(lambda: view.evidence.preview_dialog is not None, timeout=10_000)
        assert "Canary-Fetch-Osprey-12" in view.evidence.preview_dialog.content.toPlainText()
        view.evidence.preview_dialog.reject()
    finally:
        release_all = locals().get("release")
        if release_all is not None:
            release_all.set()
        other.lock()


def _filters():
    from hrdesk.store.queries import CaseFilter

    return CaseFilter()
