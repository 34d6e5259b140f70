"""One case, in tabs. Edits of the Overview are saved with Ctrl+S; records added
through dialogs are saved when the dialog is. Closing with unsaved work asks;
locking keeps it as a draft inside the vault (see ``snapshot``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hrdesk.core.errors import ValidationError
from hrdesk.gui.cases.conflict_banner import ConflictBanner
from hrdesk.gui.cases.context import NetworkLane
from hrdesk.gui.cases.evidence_tab import EvidenceTab
from hrdesk.gui.cases.followups_tab import FollowupsTab
from hrdesk.gui.cases.history_tab import HistoryTab
from hrdesk.gui.cases.incidents_tab import IncidentsTab
from hrdesk.gui.cases.notes_tab import NotesTab
from hrdesk.gui.cases.overview_tab import OverviewTab
from hrdesk.gui.cases.people_tab import PeopleTab
from hrdesk.gui.cases.services_tab import ServicesTab
from hrdesk.gui.client import VaultClient
from hrdesk.gui.errors import message_for
from hrdesk.gui.record_dialog import RecordDialog
from hrdesk.gui.sync.resolver import ConflictsDialog
from hrdesk.i18n import _
from hrdesk.services import cases, conflicts


class CaseView(QWidget):
    closed = Signal()

    def __init__(self, client: VaultClient, network: NetworkLane | None = None, parent=None):
        super().__init__(parent)
        self.client = client
        self.network = network
        self.case_id: str | None = None
        self._case: dict[str, Any] = {}
        self.dialog: RecordDialog | None = None
        self._pending: dict[str, Any] | None = None  # a draft to put back once loaded
        self.heading = QLabel("", self)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.save_button = QPushButton(_("&Save"), self)
        self.save_button.setToolTip(_("Save the overview (Ctrl+S)"))
        self.save_button.setEnabled(False)
        self.export_button = QPushButton(_("E&xport dossier…"), self)
        self.export_button.setToolTip(_("A PDF of this case for a lawyer, a donor or the UN"))
        self.close_button = QPushButton(_("Close case"), self)
        self.close_button.setToolTip(_("Back to the list (Ctrl+W)"))
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.save_button)
        top.addWidget(self.export_button)
        top.addWidget(self.close_button)
        self.banner = ConflictBanner(self)
        self.overview = OverviewTab(self)
        self.people = PeopleTab(self, self)
        self.incidents = IncidentsTab(self, self)
        self.services = ServicesTab(self, self)
        self.followups = FollowupsTab(self, self)
        self.notes = NotesTab(self, self)
        self.evidence = EvidenceTab(self, self)
        self.history = HistoryTab(self, self)
        self.tabs = QTabWidget(self)
        for widget, label in (
            (self.overview, _("&Overview")),
            (self.people, _("&People")),
            (self.incidents, _("&Incidents")),
            (self.services, _("Ser&vices && referrals")),
            (self.followups, _("&Follow-ups")),
            (self.notes, _("&Notes")),
            (self.evidence, _("&Evidence")),
            (self.history, _("&History")),
        ):
            self.tabs.addTab(widget, label)
        self.pages = tuple(self.tabs.widget(i) for i in range(self.tabs.count()))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self.overview.dirty_changed.connect(self.save_button.setEnabled)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.request_close)
        self.export_button.clicked.connect(self.export_dossier)
        self.dossier_dialog = None  # the export dialog, once opened
        self.conflicts_dialog = None  # the conflict resolver, once opened
        self.banner.settle.connect(self.settle_conflicts)
        client.changed.connect(self.reload)

    # -- CaseContext ---------------------------------------------------------------------

    @property
    def case(self) -> dict[str, Any]:
        return self._case

    def update_case(self, update: dict[str, Any], done: Callable, failed: Callable) -> None:
        self.client.call(
            cases.update_case, self._case["ref"], update, done=done, failed=failed, write=True
        )

    def open_dialog(
        self, dialog: RecordDialog, submit: Callable[[dict[str, Any], Callable, Callable], None]
    ) -> None:
        self.dialog = dialog
        dialog.on_save(submit)
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        dialog.open()

    def _dialog_closed(self, dialog: RecordDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    # -- loading ---------------------------------------------------------------------------

    def load(self, case_id: str, draft: dict[str, Any] | None = None) -> None:
        self.case_id = case_id
        self._pending = draft
        self.client.call(cases.get_case, case_id, done=self._show, failed=self._load_failed)

    def reload(self) -> None:
        if self.case_id is not None and self.isVisible():
            self.client.call(cases.get_case, self.case_id, done=self._show)

    def _load_failed(self, error: BaseException) -> None:
        QMessageBox.warning(self, _("Case not opened"), message_for(error))
        self.case_id = None
        self.closed.emit()

    def _show(self, case: dict[str, Any]) -> None:
        if case["id"] != self.case_id:
            return
        self._case = case
        self.heading.setText(_("{ref} — {title}").format(ref=case["ref"], title=case["title"]))
        for tab in self.pages:
            tab.show_case(case)
        self.client.call(
            conflicts.list_conflicts,
            case["ref"],
            done=lambda found, case_id=case["id"]: self._show_conflicts(case_id, found),
        )
        if self._pending is not None:
            draft, self._pending = self._pending, None
            self._restore(draft)

    def _show_conflicts(self, case_id: str, found: list[dict[str, Any]]) -> None:
        if case_id == self.case_id:
            self.banner.show_count(len(found))

    def settle_conflicts(self) -> None:
        if not self._case:
            return
        self.conflicts_dialog = ConflictsDialog(self.client, self._case["ref"], self)
        self.conflicts_dialog.open()

    # -- saving and closing -------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self.overview.dirty or self.notes.dirty or self.dialog is not None

    def save(self) -> None:
        if not self.overview.dirty or not self._case:
            return
        update = self.overview.update()
        self.overview.form.clear_errors()

        def failed(error: BaseException) -> None:
            if isinstance(error, ValidationError):
                self.tabs.setCurrentWidget(self.overview)
                self.overview.form.show_error(error)
            else:
                self.overview.form.general_error.show_message(message_for(error))

        self.overview.saved()  # the stored values come back with the reload
        self.client.call(
            cases.update_case,
            self._case["ref"],
            update,
            done=lambda case: self._saved(case),
            failed=lambda error: (self.overview.restore(self.overview.values()), failed(error)),
            write=True,
        )

    def export_dossier(self) -> None:
        if not self._case:
            return
        # Loaded on first use: the PDF stack (reportlab, HarfBuzz) need not slow the start.
        from hrdesk.gui.dossier_dialog import DossierDialog

        self.dossier_dialog = DossierDialog(
            self.client, [self._case["id"]], self._case["ref"], self
        )
        self.dossier_dialog.open()

    def _saved(self, case: dict[str, Any]) -> None:
        self._show(case)

    def request_close(self) -> bool:
        """Close the case, asking first if something is not saved; False if the user stays."""
        if self.dirty:
            answer = QMessageBox.question(
                self,
                _("Unsaved changes"),
                _("This case has changes that are not saved. Save them before closing?"),
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                return False
            if answer == QMessageBox.StandardButton.Save:
                self.save()
        self.discard()
        self.closed.emit()
        return True

    def discard(self) -> None:
        """Forget what is shown (on close and on lock)."""
        if self.dialog is not None:
            self.dialog.reject()
            self.dialog = None
        self.case_id = None
        self._case = {}
        self.overview.restore({})
        self.overview.saved()
        self.notes.restore({})
        self.heading.clear()
        self.banner.show_count(0)
        for tab in (self.people, self.incidents, self.services, self.followups, self.evidence):
            tab.table.set_records([])
        self.history.table.set_records([])
        self.notes.timeline.clear()

    # -- drafts across a lock -------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        state: dict[str, Any] = {"case_id": self.case_id, "tab": self.tabs.currentIndex()}
        if self.overview.dirty:
            state["overview"] = self.overview.values()
        if self.notes.dirty:
            state["note"] = self.notes.draft()
        if self.dialog is not None:
            state["dialog"] = {
                "kind": self.dialog.kind,
                "target_id": self.dialog.target_id,
                "values": self.dialog.values(),
            }
        return state

    def _restore(self, draft: dict[str, Any]) -> None:
        self.tabs.setCurrentIndex(int(draft.get("tab", 0)))
        if "overview" in draft:
            self.overview.restore(draft["overview"])
        if "note" in draft:
            self.notes.restore(draft["note"])
        dialog = draft.get("dialog")
        if dialog:
            self._reopen_dialog(dialog["kind"], dialog.get("target_id"), dialog["values"])

    def _reopen_dialog(self, kind: str, target_id: str | None, values: dict[str, Any]) -> None:
        tabs = {
            "person": (self.people, "people"),
            "incident": (self.incidents, "incidents"),
            "service": (self.services, "services"),
            "followup": (self.followups, "followups"),
        }
        if kind == "link":
            self.people.link(values)
            return
        if kind not in tabs:
            return
        tab, records = tabs[kind]
        record = next((r for r in self._case.get(records, []) if r["id"] == target_id), None)
        if record is not None:
            tab.edit(record, values)
        else:
            tab.add(values)
