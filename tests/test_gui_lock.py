"""Locking: auto-lock after idle, Ctrl+L, hide now; views cleared, drafts kept in the vault."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt

from hrdesk.gui.cases.list_model import CaseListModel
from hrdesk.services import cases
from tests.conftest import PASSPHRASE
from tests.gui_support import screenshot, unlock, visible_texts, wait_idle

CANARY = "Canary-Zq7Wx-Nightingale"
CTRL = Qt.KeyboardModifier.ControlModifier


def add_case(qtbot, app, title: str) -> str:
    results = []
    app.client.call(cases.add_case, {"title": title}, done=results.append, write=True)
    wait_idle(qtbot, app)
    return results[0]["id"]


def test_auto_lock_fires_and_clears_every_view(unlocked_app, qtbot, tmp_path):
    app = unlocked_app
    case_id = add_case(qtbot, app, CANARY)
    app.window.workspace.open_case(case_id)
    wait_idle(qtbot, app)
    assert CANARY in " ".join(visible_texts())

    app.window.idle.set_timeout(300)  # the setting is in minutes; tests cannot wait that long
    app.window.idle.start()
    qtbot.waitUntil(lambda: not app.client.is_unlocked, timeout=5_000)

    assert app.window.workspace is None
    assert app.window.stack.currentWidget() is app.window.unlock_page
    assert CANARY not in " ".join(visible_texts())
    assert app.window.windowTitle() == "hrdesk"
    wait_idle(qtbot, app)
    settings_file = tmp_path / "settings.ini"
    assert settings_file.exists() and CANARY.encode() not in settings_file.read_bytes()


def test_lock_keeps_unsaved_work_as_a_draft_and_unlock_restores_it(unlocked_app, qtbot):
    app = unlocked_app
    case_id = add_case(qtbot, app, "Stored title")
    app.window.workspace.open_case(case_id)
    wait_idle(qtbot, app)
    view = app.window.workspace.cases.view
    view.tabs.setCurrentWidget(view.notes)
    view.overview.fields["title"].setText("Title typed before the lock")
    view.notes.composer.setPlainText(CANARY + " note half written")
    view.people.add()
    view.dialog.name.setText("Person being added")

    qtbot.keyClick(view.dialog.name, Qt.Key.Key_L, CTRL)  # from inside the open dialog
    assert app.window.workspace is None
    wait_idle(qtbot, app)
    # The draft went into the encrypted vault, not anywhere readable.
    vault_dir = app.client.path
    for path in vault_dir.rglob("*"):
        if path.is_file():
            assert CANARY.encode() not in path.read_bytes(), path

    unlock(qtbot, app, PASSPHRASE)
    qtbot.waitUntil(lambda: app.window.workspace.cases.view.case_id == case_id)
    wait_idle(qtbot, app)
    view = app.window.workspace.cases.view
    assert view.tabs.currentWidget() is view.notes
    assert view.overview.fields["title"].text() == "Title typed before the lock"
    assert view.overview.dirty
    assert view.notes.composer.toPlainText() == CANARY + " note half written"
    assert view.dialog is not None and view.dialog.name.text() == "Person being added"
    view.dialog.reject()

    # The draft is handed back once: discard the edits, lock and unlock again, and the
    # user is back on the case with nothing unsaved resurrected.
    view.overview.saved()  # discard: the form shows what is stored again
    view.overview.show_case(view.case)
    view.notes.composer.clear()
    assert not view.dirty
    app.window.lock()
    unlock(qtbot, app, PASSPHRASE)
    qtbot.waitUntil(lambda: app.window.workspace.cases.view.case_id == case_id)
    wait_idle(qtbot, app)
    view = app.window.workspace.cases.view
    assert view.overview.fields["title"].text() == "Stored title"
    assert not view.overview.dirty and view.notes.composer.toPlainText() == ""
    assert view.dialog is None


def test_hide_now_locks_and_minimizes(unlocked_app, qtbot):
    app = unlocked_app
    qtbot.keyClick(app.window, Qt.Key.Key_H, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert not app.client.is_unlocked
    assert app.window.workspace is None
    assert app.window.isMinimized()


def test_case_list_model_passes_the_model_tester(unlocked_app, qtbot, qtmodeltester):
    app = unlocked_app
    for index in range(5):
        add_case(qtbot, app, f"Case number {index}")
    model = CaseListModel(app.client)
    model.refresh()
    wait_idle(qtbot, app)
    assert model.rowCount() == 5
    model.row_data(0)
    wait_idle(qtbot, app)
    qtmodeltester.check(model)
    model.sort(1, Qt.SortOrder.AscendingOrder)
    wait_idle(qtbot, app)
    model.row_data(0)
    wait_idle(qtbot, app)
    assert [model.row_data(r)["title"] for r in range(5)] == [f"Case number {i}" for i in range(5)]
    qtmodeltester.check(model)
    model.set_query("number")
    wait_idle(qtbot, app)
    assert model.rowCount() == 5
    qtmodeltester.check(model)


def test_record_models_pass_the_model_tester(unlocked_app, qtbot, qtmodeltester):
    app = unlocked_app
    case_id = add_case(qtbot, app, "Case with a person")
    app.window.workspace.open_case(case_id)
    wait_idle(qtbot, app)
    view = app.window.workspace.cases.view
    view.update_case(
        {"people": [{"name": "Hassan", "role": "victim"}]}, lambda _c: None, lambda _e: None
    )
    wait_idle(qtbot, app)
    for tab in (view.people, view.history):
        assert tab.table.model.rowCount() > 0
        qtmodeltester.check(tab.table.model)


def test_screenshots_of_every_main_screen(unlocked_app, qtbot, tmp_path):
    """Written to a temporary folder (or HRDESK_SCREENSHOTS, to refresh docs/screenshots)."""
    app = unlocked_app
    folder = Path(os.environ.get("HRDESK_SCREENSHOTS") or tmp_path / "screenshots")
    from hrdesk.services import demo

    app.client.call(demo.fill, 60, write=True)
    wait_idle(qtbot, app)
    app.window.resize(1280, 800)
    workspace = app.window.workspace
    model = workspace.cases.list_page.model
    qtbot.waitUntil(lambda: model.rowCount() == 60 and model.is_loaded(0))
    shots = [screenshot(app.window, folder, "cases")]
    workspace.open_case(model.row_data(0)["id"])
    wait_idle(qtbot, app)
    view = workspace.cases.view
    for tab in ("overview", "people", "incidents", "services", "notes", "history"):
        view.tabs.setCurrentWidget(getattr(view, tab))
        wait_idle(qtbot, app)
        shots.append(screenshot(app.window, folder, f"case-{tab}"))
    workspace.cases.view.request_close()
    workspace.cases.new_case()
    shots.append(screenshot(app.window, folder, "intake"))
    workspace.cases.intake.cancelled.emit()
    for section in ("followups", "people", "providers", "sync", "settings"):
        workspace.show_section(section)
        wait_idle(qtbot, app)
        shots.append(screenshot(app.window, folder, section))
    app.window.lock()
    shots.append(screenshot(app.window, folder, "unlock"))
    assert all(path.stat().st_size > 5_000 for path in shots)


def test_admin_adds_a_user_who_can_then_unlock(unlocked_app, qtbot):
    app = unlocked_app
    qtbot.keyClick(app.window, Qt.Key.Key_6, CTRL)  # Settings
    settings = app.window.workspace.settings_page
    assert app.window.workspace.current_section() == "settings"
    wait_idle(qtbot, app)
    settings.add_user()
    dialog = settings.user_dialog
    dialog.name.setText("bob")
    dialog.role.set_slug("caseworker")
    dialog.passphrase.setText("short")
    dialog.repeat.setText("short")
    dialog.buttons.accepted.emit()
    wait_idle(qtbot, app)
    assert dialog.isVisible() and "10 characters" in " ".join(visible_texts(dialog))
    dialog.passphrase.setText("bob's own long passphrase")
    dialog.repeat.setText("bob's own long passphrase")
    dialog.buttons.accepted.emit()
    wait_idle(qtbot, app)
    assert [u["name"] for u in settings.users.model.records] == ["amina", "bob"]

    app.window.lock()
    unlock(qtbot, app, "bob's own long passphrase")
    assert "bob" in app.window.user_label.text()
    app.window.workspace.show_section("settings")
    assert not app.window.workspace.settings_page.users_box.isVisibleTo(app.window)


def test_case_list_shows_the_first_page_then_pages_in_the_rest(unlocked_app, qtbot, qtmodeltester):
    from hrdesk.gui.cases.list_model import PAGE
    from hrdesk.services import demo

    app = unlocked_app
    app.client.call(demo.fill, PAGE + 50, write=True)
    wait_idle(qtbot, app)
    model = CaseListModel(app.client)
    with qtbot.waitSignal(model.loaded, timeout=5_000):
        model.refresh()
    assert model.rowCount() == PAGE  # shown before the count is known
    wait_idle(qtbot, app)
    assert model.rowCount() == PAGE + 50
    assert model.row_data(PAGE + 10) is None  # not loaded yet: asked for
    wait_idle(qtbot, app)
    assert model.row_data(PAGE + 10)["ref"]
    qtmodeltester.check(model)
