"""The interface in other languages: nothing escapes gettext (pseudo-locale walk),
right-to-left for Arabic, and switching language in Settings applies at once."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QTabWidget,
    QWidget,
)

from hrdesk import i18n
from hrdesk.gui.app import App
from hrdesk.i18n.pseudo import is_pseudo
from hrdesk.services import cases
from hrdesk.store import vault
from tests.conftest import PASSPHRASE
from tests.gui_support import screenshot, unlock, wait_idle

DATA = {"amina", "Test org", "Case title", "Hassan"}


@pytest.fixture
def app_in(tmp_path, qtbot):
    made: list[App] = []

    def start(language: str, with_case: bool = True) -> App:
        path = tmp_path / "vault"
        created = vault.create_vault(path, PASSPHRASE, "Test org", "amina")
        if with_case:
            cases.add_case(
                created.session,
                {"title": "Case title", "people": [{"name": "Hassan", "role": "victim"}]},
            )
        created.session.lock()
        app = App(path, tmp_path / "settings.ini", language=language)
        app.window.resize(1280, 800)
        app.window.show()
        made.append(app)
        unlock(qtbot, app, PASSPHRASE)
        return app

    yield start
    for app in made:
        app.window.lock()
        app.window.close()
        app.worker.shutdown()
    i18n.set_language(["en"])
    from PySide6.QtWidgets import QApplication

    QApplication.instance().setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def readable_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every label, button, tooltip, placeholder, tab, header, item."""
    found: list[tuple[str, str]] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root):
            continue
        if isinstance(widget.parent(), QDialogButtonBox) or widget.objectName() == "language":
            continue  # Qt's stock buttons (qtbase catalogs) and languages in their own names
        kind = type(widget).__name__
        if widget.toolTip():
            found.append((kind + ".toolTip", widget.toolTip()))
        if isinstance(widget, QLabel | QAbstractButton):
            found.append((kind, widget.text()))
        if isinstance(widget, QLineEdit):
            found.append((kind + ".placeholder", widget.placeholderText()))
        if isinstance(widget, QGroupBox):
            found.append((kind, widget.title()))
        if isinstance(widget, QTabWidget):
            found += [(kind, widget.tabText(i)) for i in range(widget.count())]
        if isinstance(widget, QComboBox):
            found += [(kind, widget.itemText(i)) for i in range(widget.count())]
        if isinstance(widget, QListWidget):
            found += [(kind, widget.item(i).text()) for i in range(widget.count())]
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            columns = model.columnCount(QModelIndex())
            found += [
                (kind + ".header", str(model.headerData(c, Qt.Orientation.Horizontal) or ""))
                for c in range(columns)
            ]
    return found


def escaped(texts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Texts a translator should have seen but that are plain (English) text."""
    return [
        (where, text)
        for where, text in texts
        if re.search(r"[A-Za-z]{2}", text)
        and not is_pseudo(text.replace("&", ""))
        and text not in DATA
        and not re.fullmatch(r"[\d\- ]+[A-Z0-9\-]*( — .*)?", text)
    ]


def test_every_main_screen_is_translated_in_the_pseudo_locale(app_in, qtbot):
    app = app_in("en_XA")
    window = app.window
    workspace = window.workspace
    problems: list[tuple[str, str]] = []
    menus = [a.text() for a in window.menuBar().actions()]
    menus += [a.text() for m in window.menuBar().actions() for a in m.menu().actions() if a.text()]
    problems += escaped([("menu", text) for text in menus])
    for section in ("cases", "followups", "people", "providers", "sync", "settings"):
        workspace.show_section(section)
        wait_idle(qtbot, app)
        problems += [(section, *p) for p in escaped(readable_texts(window))]
    workspace.show_section("cases")
    workspace.cases.new_case()
    problems += [("intake", *p) for p in escaped(readable_texts(window))]
    workspace.cases.intake.cancelled.emit()
    model = workspace.cases.list_page.model
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.is_loaded(0))
    workspace.open_case(model.row_data(0)["id"])
    wait_idle(qtbot, app)
    view = workspace.cases.view
    for index in range(view.tabs.count()):
        view.tabs.setCurrentIndex(index)
        wait_idle(qtbot, app)
        problems += [(f"case tab {index}", *p) for p in escaped(readable_texts(window))]
    view.people.add()
    problems += [("person dialog", *p) for p in escaped(readable_texts(view.dialog))]
    view.dialog.reject()
    window.lock()
    problems += [("unlock", *p) for p in escaped(readable_texts(window))]
    assert problems == [], "\n".join(map(str, problems))


def test_stock_dialog_buttons_speak_the_language_through_qtbase(app_in, qtbot):
    app = app_in("fr", with_case=False)
    app.window.workspace.show_section("providers")
    app.window.workspace.providers.add()
    dialog = app.window.workspace.providers.dialog
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert save.text().replace("&", "") == "Enregistrer"
    dialog.reject()


def test_arabic_is_right_to_left_and_translated(app_in, qtbot, tmp_path):
    app = app_in("ar")
    window = app.window
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.workspace.sidebar.item(0).text() == i18n._("Cases") != "Cases"
    folder = Path(os.environ.get("HRDESK_SCREENSHOTS") or tmp_path / "shots") / "ar"
    workspace = window.workspace
    model = workspace.cases.list_page.model
    qtbot.waitUntil(lambda: model.rowCount() >= 1 and model.is_loaded(0))
    shots = [screenshot(window, folder, "cases")]
    workspace.open_case(model.row_data(0)["id"])
    wait_idle(qtbot, app)
    for tab in ("overview", "people"):
        workspace.cases.view.tabs.setCurrentWidget(getattr(workspace.cases.view, tab))
        shots.append(screenshot(window, folder, f"case-{tab}"))
    workspace.cases.view.request_close()
    workspace.cases.new_case()
    shots.append(screenshot(window, folder, "intake"))
    workspace.cases.intake.cancelled.emit()
    for section in ("followups", "people", "providers", "sync", "settings"):
        workspace.show_section(section)
        wait_idle(qtbot, app)
        shots.append(screenshot(window, folder, section))
    window.lock()
    shots.append(screenshot(window, folder, "unlock"))
    assert all(path.stat().st_size > 5_000 for path in shots)
    hint = window.unlock_page.hint
    assert hint.text() and hint.height() >= hint.heightForWidth(hint.width())  # not cut


def test_switching_language_in_settings_applies_at_once_and_keeps_the_open_case(app_in, qtbot):
    app = app_in("en")
    window = app.window
    model = window.workspace.cases.list_page.model
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.is_loaded(0))
    window.workspace.open_case(model.row_data(0)["id"])
    wait_idle(qtbot, app)
    window.workspace.cases.view.overview.fields["title"].setText("Unsaved title")
    window.workspace.show_section("settings")
    combo = window.workspace.settings_page.language
    combo.setCurrentIndex(combo.findData("fr"))
    wait_idle(qtbot, app)
    assert app.settings.language == "fr"
    assert window.workspace.sidebar.item(0).text() == "Cas"
    assert window.menuBar().actions()[0].text() == "&Fichier"
    window.workspace.show_section("cases")
    view = window.workspace.cases.view
    assert view.overview.fields["title"].text() == "Unsaved title"
