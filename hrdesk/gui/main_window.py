"""The main window: first run, unlock, or the workspace; locking and hiding.

The window title is always just "hrdesk": titles and task-switcher previews
never show a case, and while locked the only content is the unlock screen.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
)

from hrdesk import __version__
from hrdesk.gui.actions import Actions, build_actions
from hrdesk.gui.client import Identity, VaultClient
from hrdesk.gui.first_run import CreateVaultPage, RecoveryKeyPage
from hrdesk.gui.idle import IdleWatcher
from hrdesk.gui.language import apply_language
from hrdesk.gui.settings import AppSettings
from hrdesk.gui.sync.indicator import SyncIndicator
from hrdesk.gui.sync.runner import SyncRunner
from hrdesk.gui.unlock import UnlockPage
from hrdesk.gui.workspace import Workspace
from hrdesk.i18n import _
from hrdesk.services import drafts

DRAFT = "workspace"


class MainWindow(QMainWindow):
    def __init__(self, client: VaultClient, settings: AppSettings) -> None:
        super().__init__()
        self.client = client
        self.settings = settings
        self.setWindowTitle("hrdesk")
        self.stack = QStackedWidget(self)
        self.setCentralWidget(self.stack)
        self.unlock_page = UnlockPage(client, settings, self)
        self.stack.addWidget(self.unlock_page)
        self.create_page: CreateVaultPage | None = None
        self.recovery_page: RecoveryKeyPage | None = None
        self.workspace: Workspace | None = None
        self.sync_runner = SyncRunner(client, self)
        self.actions_ = build_actions(self)
        self._build_menus(self.actions_)
        self.user_label = QLabel("", self)
        self.state_label = QLabel("", self)
        self.sync_indicator = SyncIndicator(self.sync_runner, self)
        self.statusBar().addWidget(self.state_label)
        self.statusBar().addWidget(self.sync_indicator)
        self.statusBar().addPermanentWidget(self.user_label)
        self.idle = IdleWatcher(settings.autolock_minutes * 60_000, self)
        QApplication.instance().installEventFilter(self.idle)
        self.idle.idle_timeout.connect(self.lock)
        self.idle.lock_keys.connect(self.lock)
        self.idle.hide_keys.connect(self.hide_now)
        self.idle.quiet.connect(self._quiet)
        client.unlocked.connect(self._unlocked)
        if settings.geometry is not None:
            self.restoreGeometry(settings.geometry)
        else:
            self.resize(1200, 800)
        if client.exists:
            self._show_locked()
        else:
            self._show_create()

    # -- menus -----------------------------------------------------------------------------------

    def _build_menus(self, actions: Actions) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        for action in (actions.new_case, actions.save, actions.close):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(actions.sync_now)
        file_menu.addSeparator()
        file_menu.addAction(actions.lock)
        file_menu.addAction(actions.hide)
        file_menu.addSeparator()
        file_menu.addAction(actions.quit)
        edit_menu = self.menuBar().addMenu(_("&Edit"))
        edit_menu.addAction(actions.find)
        help_menu = self.menuBar().addMenu(_("&Help"))
        help_menu.addAction(actions.shortcuts)
        help_menu.addAction(actions.about)
        actions.new_case.triggered.connect(lambda: self._cases("new_case"))
        actions.find.triggered.connect(lambda: self._cases("find"))
        actions.save.triggered.connect(lambda: self._cases("save"))
        actions.close.triggered.connect(lambda: self._cases("close_current"))
        actions.sync_now.triggered.connect(self.sync_now)
        actions.lock.triggered.connect(self.lock)
        actions.hide.triggered.connect(self.hide_now)
        actions.quit.triggered.connect(self.close)
        actions.shortcuts.triggered.connect(self._show_shortcuts)
        actions.about.triggered.connect(self._about)
        for action in actions.case_actions():
            action.setEnabled(False)

    def _cases(self, method: str) -> None:
        if self.workspace is not None:
            if method in ("new_case", "find"):
                self.workspace.show_section("cases")
            getattr(self.workspace.cases, method)()

    def sync_now(self) -> None:
        """In the background, from any screen; where sync is not set up, the Sync
        section says how to set it up."""
        if self.workspace is not None and not self.workspace.sync.sync_now():
            self.workspace.show_section("sync")

    # -- pages -----------------------------------------------------------------------------------

    def _show_create(self) -> None:
        self.create_page = CreateVaultPage(self.client, self)
        self.create_page.created.connect(self._show_recovery)
        self.stack.addWidget(self.create_page)
        self.stack.setCurrentWidget(self.create_page)
        self.state_label.setText(_("New vault"))
        self.create_page.org.setFocus()

    def _show_recovery(self, recovery_key: str) -> None:
        identity = self.client.identity
        self.recovery_page = RecoveryKeyPage(recovery_key, identity.org_name if identity else "")
        self.recovery_page.confirmed.connect(self._recovery_confirmed)
        self.stack.addWidget(self.recovery_page)
        self.stack.setCurrentWidget(self.recovery_page)
        if self.create_page is not None:
            self.stack.removeWidget(self.create_page)
            self.create_page.deleteLater()
            self.create_page = None
        # Writing 64 digits down takes a while without touching the keyboard: no auto-lock
        # here, or the only chance to see the key would be lost. Ctrl+L still locks.
        self.idle.stop()

    def _recovery_confirmed(self) -> None:
        page, self.recovery_page = self.recovery_page, None
        if page is not None:
            self.stack.removeWidget(page)
            page.deleteLater()
        self._open_workspace(None)

    def _show_locked(self) -> None:
        self.stack.setCurrentWidget(self.unlock_page)
        self.unlock_page.reset()
        self.state_label.setText(_("Locked"))
        self.user_label.clear()
        for action in self.actions_.case_actions():
            action.setEnabled(False)

    # -- unlock and lock -------------------------------------------------------------------------

    def _unlocked(self, identity: Identity) -> None:
        self.idle.unlocked = True
        self.settings.last_user_id = identity.user_id
        self.settings.sync()
        self.unlock_page.reset()
        self.user_label.setText(
            _("{user} · {org}").format(user=identity.user_name, org=identity.org_name)
        )
        self.state_label.setText(_("Unlocked"))
        if self.recovery_page is not None or self.create_page is not None:
            return  # a new vault: the recovery key page comes first
        self.client.call(drafts.take, DRAFT, done=self._open_workspace)

    def _open_workspace(self, draft: dict[str, Any] | None) -> None:
        self.workspace = Workspace(self.client, self.settings, self.sync_runner, self)
        self.workspace.settings_page.autolock_changed.connect(
            lambda minutes: self.idle.set_timeout(minutes * 60_000)
        )
        self.workspace.settings_page.language_changed.connect(self.change_language)
        self.stack.addWidget(self.workspace)
        self.stack.setCurrentWidget(self.workspace)
        self.workspace.start()
        if draft:
            self.workspace.restore(draft)
        else:
            self.workspace.cases.list_page.focus_search()
        for action in self.actions_.case_actions():
            action.setEnabled(True)
        self.idle.start()

    def change_language(self, language: str) -> None:
        """Switch at once: every screen is rebuilt in the new language, and the user
        stays where they were, unsaved work included (kept in memory, not on disk)."""
        apply_language(QApplication.instance(), language)
        self.menuBar().clear()
        self.actions_ = build_actions(self)
        self._build_menus(self.actions_)
        unlocked = self.client.is_unlocked
        for action in self.actions_.case_actions():
            action.setEnabled(unlocked and self.workspace is not None)
        old_unlock = self.unlock_page
        self.unlock_page = UnlockPage(self.client, self.settings, self)
        self.stack.insertWidget(0, self.unlock_page)
        showing_unlock = self.stack.currentWidget() is old_unlock
        self.stack.removeWidget(old_unlock)
        old_unlock.deleteLater()
        if showing_unlock:
            self.stack.setCurrentWidget(self.unlock_page)
        if self.workspace is not None:
            state = self.workspace.snapshot()
            self.client.forget_pending_views()
            self.sync_runner.forget_pending_views()
            self._close_dialogs()
            self.stack.removeWidget(self.workspace)
            self.workspace.deleteLater()
            self.workspace = None
            self._open_workspace(state)
        identity = self.client.identity
        self.state_label.setText(_("Unlocked") if unlocked else _("Locked"))
        if identity is not None:
            self.user_label.setText(
                _("{user} · {org}").format(user=identity.user_name, org=identity.org_name)
            )

    def lock(self) -> None:
        """Keep unsaved work as an encrypted draft, drop every view, then the key."""
        if not self.client.is_unlocked:
            return
        self.idle.stop()
        self.idle.unlocked = False
        # A sync under way stops at its next step and delivers nothing; the main session
        # closes only once its thread has ended (waited for on the worker, not here).
        self.sync_runner.cancel()
        self.sync_indicator.clear()
        if self.workspace is not None:
            self.client.call(drafts.keep, DRAFT, self.workspace.snapshot())
        self._close_dialogs()
        if self.recovery_page is not None:
            self.stack.removeWidget(self.recovery_page)
            self.recovery_page.deleteLater()
            self.recovery_page = None
        if self.workspace is not None:
            self.workspace.clear()
            self.stack.removeWidget(self.workspace)
            self.workspace.deleteLater()
            self.workspace = None
        clipboard = QGuiApplication.clipboard()
        if clipboard.ownsClipboard():
            clipboard.clear()  # a copied name must not outlive the lock
        self.client.lock(before_close=self.sync_runner.wait)
        self._show_locked()

    def _close_dialogs(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()

    def hide_now(self) -> None:
        self.lock()
        self.showMinimized()

    def _quiet(self) -> None:
        if self.client.is_unlocked:
            self.client.idle()

    # -- help ------------------------------------------------------------------------------------

    def _show_shortcuts(self) -> None:
        rows = [
            (action.text().replace("&", ""), action.shortcut().toString())
            for action in (*self.actions_.case_actions(), self.actions_.quit)
        ]
        text = "\n".join(
            _("{command}: {keys}").format(command=name, keys=keys) for name, keys in rows
        )
        QMessageBox.information(self, _("Keyboard shortcuts"), text)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            _("About hrdesk"),
            _("hrdesk {version}: encrypted case management for human-rights groups.").format(
                version=__version__
            ),
        )

    # -- closing ---------------------------------------------------------------------------------

    def closeEvent(self, event) -> None:
        if self.workspace is not None and not self.workspace.cases.can_quit():
            event.ignore()
            return
        self.settings.geometry = self.saveGeometry()
        self.settings.sync()
        self.lock()
        event.accept()
