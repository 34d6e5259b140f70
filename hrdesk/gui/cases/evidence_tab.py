"""The Evidence tab: files encrypted into the vault, with their SHA-256 and custody.

Adding is by dialog or by dropping files on the tab; large files show progress
with Cancel. Preview decrypts into memory only. Export writes plaintext, so it
warns first and is recorded in the custody log. A file recorded on another device
is fetched through sync the first time it is opened, exported or verified.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QMessageBox, QVBoxLayout, QWidget

from hrdesk.gui.cases.context import CaseContext
from hrdesk.gui.cases.evidence_preview import PreviewDialog
from hrdesk.gui.errors import message_for
from hrdesk.gui.progress import run_with_progress
from hrdesk.gui.record_table import RecordTable
from hrdesk.gui.records_model import Column
from hrdesk.gui.worker import Progress
from hrdesk.i18n import _, ngettext
from hrdesk.i18n.formatting import format_date, format_size
from hrdesk.services import evidence

COLUMNS = (
    Column(lambda: _("File"), lambda a: a["filename"]),
    Column(lambda: _("Size"), lambda a: format_size(a["size"])),
    Column(lambda: _("SHA-256 at intake"), lambda a: a["sha256"]),
    Column(lambda: _("Obtained"), lambda a: format_date(a.get("obtained_on"))),
    Column(lambda: _("Received by"), lambda a: a.get("received_by") or ""),
    Column(lambda: _("Description"), lambda a: a.get("description") or ""),
)


def attach_file(session, ref: str, path: Path, progress: Progress) -> dict[str, Any]:
    total = max(path.stat().st_size, 1)
    return evidence.attach(session, ref, path, progress=lambda done: progress.report(done, total))


class EvidenceTab(QWidget):
    def __init__(self, ctx: CaseContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAcceptDrops(True)
        self.table = RecordTable(COLUMNS, _("Evidence of this case"), self)
        self.add_button = self.table.add_button(_("&Add files…"), self.choose_files)
        self.table.add_button(_("&Preview"), self.preview_selected, needs_selection=True)
        self.table.add_button(_("E&xport…"), self.export_selected, needs_selection=True)
        self.table.add_button(_("&Verify"), self.verify_selected, needs_selection=True)
        self.table.finish_buttons()
        self.table.activated.connect(self.preview)
        self.table.view.setToolTip(_("Drop files here to add them as evidence"))
        QVBoxLayout(self).addWidget(self.table)
        self.preview_dialog: PreviewDialog | None = None

    def show_case(self, case: dict[str, Any]) -> None:
        self.table.set_records(case.get("attachments", []))

    # -- adding ---------------------------------------------------------------------

    def choose_files(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(self, _("Add evidence"))
        self.add_files([Path(name) for name in names])

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        event.acceptProposedAction()
        self.add_files([p for p in paths if p.is_file()])

    def add_files(self, paths: list[Path]) -> None:
        ref = self.ctx.case["ref"]
        for path in paths:
            run_with_progress(
                self,
                self.ctx.client,
                _("Encrypting {name} into the vault…").format(name=path.name),
                attach_file,
                ref,
                path,
                failed=lambda error: QMessageBox.warning(self, _("Not added"), message_for(error)),
            )

    # -- reading --------------------------------------------------------------------

    def preview_selected(self) -> None:
        if (attachment := self.table.selected()) is not None:
            self.preview(attachment)

    def preview(self, attachment: dict[str, Any]) -> None:
        def show(data: bytes) -> None:
            self.preview_dialog = PreviewDialog(attachment["filename"], data, self)
            self.preview_dialog.open()

        self.when_here(
            attachment,
            lambda: self.ctx.client.call(
                evidence.read_for_preview,
                attachment["id"],
                done=show,
                failed=lambda error: QMessageBox.warning(self, _("No preview"), message_for(error)),
            ),
        )

    def when_here(self, attachment: dict[str, Any], then: Callable[[], None]) -> None:
        """``then()`` once the file is on this computer. One recorded on another device
        is fetched through sync first, on sync's own thread and connection: on the
        database worker a download would hold every save behind it."""

        def failed(error: BaseException) -> None:
            QMessageBox.warning(self, _("Not fetched"), message_for(error))

        def checked(missing: bool) -> None:
            if not missing:
                then()
            elif self.ctx.network is None or not self.ctx.network.run(
                evidence.fetch, attachment["id"], done=lambda _none: then(), failed=failed
            ):
                QMessageBox.information(
                    self,
                    _("Not fetched"),
                    _("Sync is busy with the shared place; try again when it has finished."),
                )

        self.ctx.client.call(evidence.needs_fetch, attachment["id"], done=checked)

    def export_selected(self, dest: Path | None = None) -> None:
        attachment = self.table.selected()
        if attachment is None:
            return
        if dest is None:
            answer = QMessageBox.warning(
                self,
                _("Export evidence"),
                _(
                    "The exported file will NOT be encrypted. Anyone with access to where you "
                    "save it can open it. The export is recorded in the custody log. Continue?"
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            chosen, _filter = QFileDialog.getSaveFileName(
                self, _("Export evidence"), attachment["filename"]
            )
            if not chosen:
                return
            dest = Path(chosen)
        self.when_here(
            attachment,
            lambda: self.ctx.client.call(
                evidence.export,
                attachment["id"],
                dest,
                write=True,
                failed=lambda error: QMessageBox.warning(
                    self, _("Not exported"), message_for(error)
                ),
            ),
        )

    def verify_selected(self) -> None:
        attachment = self.table.selected()
        if attachment is None:
            return

        def report(results: list[dict[str, Any]]) -> None:
            bad = sum(1 for r in results if not r["ok"])
            if bad:
                QMessageBox.critical(
                    self,
                    _("Verification failed"),
                    ngettext(
                        "{count} file does not match its intake checksum.",
                        "{count} files do not match their intake checksum.",
                        bad,
                    ).format(count=bad),
                )
            else:
                QMessageBox.information(
                    self, _("Verified"), _("The file matches its intake checksum.")
                )

        self.when_here(
            attachment,
            lambda: self.ctx.client.call(
                evidence.verify, attachment["id"], done=report, write=True
            ),
        )
