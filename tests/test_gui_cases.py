"""Logging a case through the real widgets: intake by keyboard, every tab, search, history."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from hrdesk.gui.cases.person_dialog import PersonDialog
from tests.gui_support import visible_texts, wait_idle

CTRL = Qt.KeyboardModifier.ControlModifier


def keyboard_intake(qtbot, app, title: str) -> None:
    window = app.window
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    intake = window.workspace.cases.intake
    assert window.workspace.cases.currentWidget() is intake
    qtbot.waitUntil(lambda: intake.title.hasFocus())
    qtbot.keyClicks(QApplication.focusWidget(), title)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # → opened on (today)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # → priority
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # → what happened
    qtbot.keyClicks(QApplication.focusWidget(), "Detained at a checkpoint for three days.")
    qtbot.keyClick(window, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: window.workspace.cases.currentWidget() is window.workspace.cases.view)
    wait_idle(qtbot, app)


def test_create_a_case_by_keyboard_only(unlocked_app, qtbot):
    keyboard_intake(qtbot, unlocked_app, "Zawadi detained at Kibera checkpoint")
    view = unlocked_app.window.workspace.cases.view
    assert view.case["title"] == "Zawadi detained at Kibera checkpoint"
    assert view.case["summary"] == "Detained at a checkpoint for three days."
    assert view.case["ref"] in view.heading.text()

    qtbot.keyClick(unlocked_app.window, Qt.Key.Key_W, CTRL)
    cases = unlocked_app.window.workspace.cases
    assert cases.currentWidget() is cases.list_page
    wait_idle(qtbot, unlocked_app)
    assert cases.list_page.model.rowCount() == 1


def test_intake_needs_a_title_and_keeps_what_was_typed(unlocked_app, qtbot):
    window = unlocked_app.window
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    intake = window.workspace.cases.intake
    intake.summary.setPlainText("Notes from the interview")
    qtbot.keyClick(window, Qt.Key.Key_S, CTRL)
    wait_idle(qtbot, unlocked_app)
    assert "required" in " ".join(visible_texts(intake))
    assert intake.summary.toPlainText() == "Notes from the interview"
    assert window.workspace.cases.currentWidget() is intake


def activate(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def fill_person(dialog: PersonDialog, name: str, role: str) -> None:
    dialog.name.setText(name)
    dialog.role.set_slug(role)


def test_every_tab_of_a_case(unlocked_app, qtbot, monkeypatch):
    app = unlocked_app
    keyboard_intake(qtbot, app, "Night raid in Hay al-Nasr")
    view = app.window.workspace.cases.view

    # People: add a victim with consent to be referred, and an alleged perpetrator.
    view.people.add()
    dialog = view.dialog
    fill_person(dialog, "Mariam Idris", "victim")
    dialog.consents.set_checked(["refer-providers"])
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: view.dialog is None)
    view.people.add()
    dialog = view.dialog
    fill_person(dialog, "Rapid Support unit 7", "alleged-perpetrator")
    dialog.is_actor.setChecked(True)
    dialog.actor_type.set_slug("armed-group")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: view.dialog is None)
    wait_idle(qtbot, app)
    assert [p.get("name") for p in view.case["people"]] == ["Mariam Idris", "Rapid Support unit 7"]

    # A bad value comes back next to its field, and the dialog stays open.
    view.people.edit(view.case["people"][0])
    dialog = view.dialog
    dialog.nationality.setText("QQ")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled())
    wait_idle(qtbot, app)
    assert view.dialog is dialog and dialog.isVisible()
    assert any("country" in t for t in visible_texts(dialog))
    dialog.nationality.setText("SD")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: view.dialog is None)

    # Incident with a violation from the translated vocabulary, victim and perpetrator.
    view.incidents.add()
    dialog = view.dialog
    dialog.date.setText("2026-02")
    dialog.precision.set_slug("month")
    dialog.place.setText("Hay al-Nasr")
    dialog.violations.set_checked(["arbitrary-detention", "torture-ill-treatment"])
    dialog.victims.set_checked(["Mariam Idris"])
    dialog.perpetrators.set_checked(["Rapid Support unit 7"])
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: view.dialog is None)

    # A service referred to a provider (consent given above), with a follow-up.
    app.client.call(
        __import__("hrdesk.services.support", fromlist=["x"]).add_provider,
        {"name": "Legal Aid Khartoum", "services": ["legal-aid"]},
        write=True,
    )
    wait_idle(qtbot, app)
    view.services.add()
    qtbot.waitUntil(lambda: view.dialog is not None)
    dialog = view.dialog
    dialog.type.set_slug("legal-aid")
    dialog.provider.setCurrentIndex(dialog.provider.findData("Legal Aid Khartoum"))
    dialog.status.setCurrentIndex(dialog.status.findData("referred"))
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: view.dialog is None)

    view.followups.add()
    qtbot.waitUntil(lambda: view.dialog is not None)
    dialog = view.dialog
    dialog.due_on.setText("2026-12-01")
    dialog.text.setText("Call Mariam about the hearing")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: view.dialog is None)

    # A note, added with Ctrl+Enter from the composer.
    view.tabs.setCurrentWidget(view.notes)
    view.notes.composer.setFocus()
    qtbot.keyClicks(view.notes.composer, "Mariam was released on bail.")
    qtbot.keyClick(view.notes.composer, Qt.Key.Key_Return, CTRL)
    wait_idle(qtbot, app)
    assert view.notes.composer.toPlainText() == ""

    # The overview: change the status, save with Ctrl+S.
    view.tabs.setCurrentWidget(view.overview)
    view.overview.fields["status"].set_slug("active")
    assert view.save_button.isEnabled()
    activate(qtbot, app.window)  # shortcuts go to the active window; dialogs took it
    qtbot.keyClick(app.window, Qt.Key.Key_S, CTRL)
    wait_idle(qtbot, app)
    assert not view.save_button.isEnabled()

    case = view.case
    assert case["status"] == "active"
    assert case["incidents"][0]["violations"] == ["arbitrary-detention", "torture-ill-treatment"]
    assert case["incidents"][0]["victims"] == ["Mariam Idris"]
    assert case["services"][0]["status"] == "referred"
    assert case["services"][0]["provider"] == "Legal Aid Khartoum"
    assert case["followups"][0]["text"] == "Call Mariam about the hearing"
    assert case["notes"][0]["text"] == "Mariam was released on bail."
    texts = visible_texts(view)
    assert "Mariam was released on bail." in " ".join(texts)
    assert "Legal Aid Khartoum" in texts

    # History shows the edits: who, and old → new.
    wait_idle(qtbot, app)
    history = view.history.table.model.records
    status_changes = [e for e in history if e["entity"] == "case" and e["field"] == "status"]
    assert status_changes[0]["old"] == "open" and status_changes[0]["new"] == "active"
    assert all(e["user"] == "amina" for e in history)
    model = view.history.table.model
    row = model.records.index(status_changes[0])
    shown = [model.data(model.index(row, column)) for column in range(6)]
    assert shown[2:] == ["Case", "Status", "Open", "Active"]

    # Search finds it, by a person's name, from the list.
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.keyClick(app.window, Qt.Key.Key_F, CTRL)
    page = app.window.workspace.cases.list_page
    assert page.search.hasFocus()
    qtbot.keyClicks(page.search, "mariam")
    qtbot.waitUntil(lambda: page.model.query == "mariam", timeout=5000)
    wait_idle(qtbot, app)
    assert page.model.rowCount() == 1
    assert page.model.row_data(0)["title"] == "Night raid in Hay al-Nasr"
    assert "1 case matches" in page.status_line.text()


def test_closing_with_unsaved_changes_asks(unlocked_app, qtbot, monkeypatch):
    keyboard_intake(qtbot, unlocked_app, "Case with an edit in progress")
    view = unlocked_app.window.workspace.cases.view
    view.overview.fields["title"].setText("Edited but not saved")
    asked = []

    def answer(*args, **kwargs):
        asked.append(args[1])
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", answer)
    qtbot.keyClick(unlocked_app.window, Qt.Key.Key_W, CTRL)
    assert asked == ["Unsaved changes"]
    assert unlocked_app.window.workspace.cases.currentWidget() is view
    assert view.overview.fields["title"].text() == "Edited but not saved"

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Save)
    qtbot.keyClick(unlocked_app.window, Qt.Key.Key_W, CTRL)
    wait_idle(qtbot, unlocked_app)
    model = unlocked_app.window.workspace.cases.list_page.model
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.is_loaded(0))
    assert model.row_data(0)["title"] == "Edited but not saved"


def test_link_a_person_from_another_case(unlocked_app, qtbot):
    from hrdesk.services import cases

    app = unlocked_app
    made = []
    app.client.call(
        cases.add_case,
        {"title": "First case", "people": [{"name": "Hassan Ali", "role": "victim"}]},
        done=made.append,
        write=True,
    )
    app.client.call(cases.add_case, {"title": "Second case"}, done=made.append, write=True)
    wait_idle(qtbot, app)
    app.window.workspace.open_case(made[1]["id"])
    wait_idle(qtbot, app)
    view = app.window.workspace.cases.view
    view.people.link()
    dialog = view.dialog
    dialog.buttons.accepted.emit()  # nothing chosen: said next to the list, nothing saved
    assert "choose a person" in " ".join(
        t.text() for t in dialog.findChildren(type(dialog.form.general_error))
    )
    qtbot.keyClicks(dialog.search, "hass")
    qtbot.waitUntil(lambda: dialog.results.model.rowCount() == 1, timeout=5000)
    dialog.results.view.selectRow(0)
    dialog.role.set_slug("witness")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: view.dialog is None)
    wait_idle(qtbot, app)
    assert [(p["name"], p["role"]) for p in view.case["people"]] == [("Hassan Ali", "witness")]


def test_hidden_lists_do_not_requery_after_each_save_but_catch_up_when_shown(unlocked_app, qtbot):
    app = unlocked_app
    keyboard_intake(qtbot, app, "A case edited with the list hidden")
    cases = app.window.workspace.cases
    model = cases.list_page.model
    asked_before = model._token
    view = cases.view
    for title in ("Edit one", "Edit two", "Edit three"):
        view.overview.fields["title"].setText(title)
        view.save()
        wait_idle(qtbot, app)
    assert model._token == asked_before  # three saves, no query for the hidden list
    cases.show_list()
    wait_idle(qtbot, app)
    assert model._token == asked_before + 1  # one, on showing it
    assert model.row_data(0)["title"] == "Edit three"
