"""Every menu command and its shortcut, in one place; the main window only wires them."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from hrdesk.i18n import _


@dataclass
class Actions:
    new_case: QAction
    find: QAction
    save: QAction
    close: QAction
    sync_now: QAction
    lock: QAction
    hide: QAction
    quit: QAction
    shortcuts: QAction
    about: QAction

    def case_actions(self) -> tuple[QAction, ...]:
        """Those that need an unlocked vault."""
        return (
            self.new_case,
            self.find,
            self.save,
            self.close,
            self.sync_now,
            self.lock,
            self.hide,
        )


def _action(
    parent, text: str, keys: QKeySequence.StandardKey | str | None, tip: str = ""
) -> QAction:
    action = QAction(text, parent)
    if isinstance(keys, QKeySequence.StandardKey):
        # Every binding of the platform (Close is Ctrl+F4 *and* Ctrl+W on Linux).
        action.setShortcuts(keys)
    elif keys is not None:
        action.setShortcut(QKeySequence(keys))
    if tip:
        action.setStatusTip(tip)
    return action


def build_actions(parent) -> Actions:
    std = QKeySequence.StandardKey
    actions = Actions(
        new_case=_action(parent, _("&New case"), std.New, _("Start a new case")),
        find=_action(parent, _("&Find cases"), std.Find, _("Search cases")),
        save=_action(parent, _("&Save"), std.Save, _("Save the open case")),
        close=_action(parent, _("&Close case"), std.Close, _("Close the open case")),
        sync_now=_action(
            parent,
            _("S&ync now"),
            "Ctrl+Shift+S",
            _("Exchange changes with the organization's other devices, in the background"),
        ),
        lock=_action(parent, _("&Lock"), "Ctrl+L", _("Lock the vault now")),
        hide=_action(
            parent,
            _("&Hide now"),
            "Ctrl+Shift+H",
            _("Lock at once and minimize the window, for a dangerous moment"),
        ),
        quit=_action(parent, _("&Quit"), std.Quit),
        shortcuts=_action(parent, _("&Keyboard shortcuts"), "F1"),
        about=_action(parent, _("&About hrdesk"), None),
    )
    for action in (actions.lock, actions.hide):
        # The keys are caught by the idle watcher on the whole application, so they work
        # behind a modal dialog too; the menu only shows them.
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    return actions
