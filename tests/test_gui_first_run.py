"""First run → recovery key → lock → unlock, through the real widgets."""

from __future__ import annotations

import re

from pypdf import PdfReader
from PySide6.QtCore import Qt

from hrdesk.gui.recovery_sheet import save_sheet
from tests.conftest import PASSPHRASE
from tests.gui_support import unlock, wait_idle


def test_first_run_recovery_key_lock_unlock(gui_app, qtbot, tmp_path):
    window = gui_app.window
    page = window.create_page
    assert window.stack.currentWidget() is page
    qtbot.keyClicks(page.org, "Barefoot Lawyers")
    qtbot.keyClicks(page.name, "amina")
    qtbot.keyClicks(page.passphrase, "short")
    assert "Too short" in page.meter.format()
    page.passphrase.clear()
    qtbot.keyClicks(page.passphrase, PASSPHRASE)
    qtbot.keyClicks(page.repeat, PASSPHRASE + "x")
    qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
    assert "does not match" in " ".join(
        label.text() for label in page.form.findChildren(type(page.error)) if label.isVisible()
    )
    assert not gui_app.client.exists  # nothing created on a mismatch

    page.repeat.clear()
    qtbot.keyClicks(page.repeat, PASSPHRASE)
    qtbot.keyClick(page.repeat, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.recovery_page is not None, timeout=10_000)
    recovery = window.recovery_page
    key_text = recovery.key_label.text()
    assert re.fullmatch(r"([0-9A-F]{4}(  |\n)){15}[0-9A-F]{4}", key_text)
    assert not recovery.continue_button.isEnabled()

    sheet = save_sheet(recovery, recovery._key, "Barefoot Lawyers", tmp_path / "sheet.pdf")
    text = " ".join(PdfReader(str(sheet)).pages[0].extract_text().split())
    assert "Barefoot Lawyers" in text
    assert "".join(key_text.split()) in re.sub(r"[^0-9A-F]", "", text)

    recovery.written.setChecked(True)
    qtbot.mouseClick(recovery.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.workspace is not None)
    wait_idle(qtbot, gui_app)
    assert "amina" in window.user_label.text()
    assert window.windowTitle() == "hrdesk"

    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.workspace is None
    assert window.stack.currentWidget() is window.unlock_page
    assert not gui_app.client.is_unlocked

    unlock_page = window.unlock_page
    unlock_page.secret.setText("not the passphrase at all")
    qtbot.keyClick(unlock_page.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: unlock_page.error.isVisible(), timeout=10_000)
    assert "does not open this vault" in unlock_page.error.text()
    assert window.workspace is None

    unlock(qtbot, gui_app, PASSPHRASE)
    assert window.stack.currentWidget() is window.workspace
    assert unlock_page.secret.text() == ""


def test_unlock_with_recovery_key(gui_app, qtbot):
    window = gui_app.window
    page = window.create_page
    page.org.setText("Org")
    page.name.setText("amina")
    page.passphrase.setText(PASSPHRASE)
    page.repeat.setText(PASSPHRASE)
    page.submit()
    qtbot.waitUntil(lambda: window.recovery_page is not None, timeout=10_000)
    key = window.recovery_page._key
    window.lock()  # locking on the recovery page is allowed; the key page is gone
    assert window.recovery_page is None

    unlock_page = window.unlock_page
    qtbot.mouseClick(unlock_page.toggle, Qt.MouseButton.LeftButton)
    assert "Recovery key" in unlock_page.prompt.text()
    unlock_page.secret.setText("0000-1111")
    unlock_page.submit()
    qtbot.waitUntil(lambda: unlock_page.error.isVisible(), timeout=10_000)
    assert "not a recovery key" in unlock_page.error.text()
    unlock_page.secret.setText(key.lower())
    unlock_page.submit()
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10_000)
