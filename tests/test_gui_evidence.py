"""Evidence in the case view: add by dialog or drop, progress, preview in memory, export."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QImage
from PySide6.QtWidgets import QMessageBox

from hrdesk.store import blobs
from tests.gui_support import wait_idle
from tests.test_gui_lock import add_case

CANARY = "Canary-Evidence-Kestrel-51"


def open_evidence(qtbot, app):
    case_id = add_case(qtbot, app, "Case with evidence")
    app.window.workspace.open_case(case_id)
    wait_idle(qtbot, app)
    view = app.window.workspace.cases.view
    view.tabs.setCurrentWidget(view.evidence)
    return view.evidence


def drop(widget, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    # Qt routes a synthetic drop only inside a real drag session; the handler is called
    # as Qt would call it at the end of one.
    widget.dropEvent(event)
    assert event.isAccepted()


def test_dropped_files_are_encrypted_in_and_previewed_from_memory(unlocked_app, qtbot, tmp_path):
    app = unlocked_app
    tab = open_evidence(qtbot, app)
    text_file = tmp_path / "statement.txt"
    text_file.write_text(CANARY + " — witness statement, شهادة", encoding="utf-8")
    image_file = tmp_path / "photo.png"
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("darkred"))
    image.save(str(image_file))

    drop(tab, [text_file, image_file])
    wait_idle(qtbot, app)
    records = tab.table.model.records
    assert [r["filename"] for r in records] == ["statement.txt", "photo.png"]
    assert records[0]["sha256"] == hashlib.sha256(text_file.read_bytes()).hexdigest()
    assert records[0]["sha256"] in [
        tab.table.model.data(tab.table.model.index(0, c)) for c in range(6)
    ]

    history = tab.ctx.history.table.model
    assert history.rowCount() > 0
    assert not {"blob_key", "blob_id"} & {
        r["field"] for r in history.records
    }  # keys stay off screen

    text_file.unlink()  # from here on, plaintext may only be in memory
    temp_before = set(Path(tempfile.gettempdir()).iterdir())
    tab.preview(records[0])
    wait_idle(qtbot, app)
    assert tab.preview_dialog.kind == "text"
    assert CANARY in tab.preview_dialog.content.toPlainText()
    tab.preview_dialog.reject()
    tab.preview(records[1])
    wait_idle(qtbot, app)
    assert tab.preview_dialog.kind == "image"
    tab.preview_dialog.reject()
    for path in [*set(Path(tempfile.gettempdir()).iterdir()) - temp_before, *tmp_path.rglob("*")]:
        if path.is_file():
            assert CANARY.encode() not in path.read_bytes(), path


def test_adding_a_file_shows_progress_and_cancel_keeps_nothing(
    unlocked_app, qtbot, tmp_path, monkeypatch
):
    from hrdesk.gui.worker import Progress

    app = unlocked_app
    tab = open_evidence(qtbot, app)
    big = tmp_path / "video.bin"
    big.write_bytes(b"\x01" * (3 * 1024 * 1024 + 5))
    # Progress arrives per chunk, in order, before the result.
    progress = Progress()
    seen: list[int] = []
    progress.changed.connect(seen.append)
    from hrdesk.gui.cases.evidence_tab import attach_file

    done: list[dict] = []
    app.client.call(
        attach_file, tab.ctx.case["ref"], big, progress=progress, done=done.append, write=True
    )
    wait_idle(qtbot, app)
    assert len(seen) == 4 and seen == sorted(seen) and seen[-1] == 1000
    assert done[0]["size"] == big.stat().st_size

    # Cancel (pressed before the next chunk): the job stops, nothing is kept.
    blobs_before = blobs.stored_files(app.client.path / "attachments")
    progress = Progress()
    progress.cancel()
    errors: list[BaseException] = []
    app.client.call(
        attach_file, tab.ctx.case["ref"], big, progress=progress, failed=errors.append, write=True
    )
    wait_idle(qtbot, app)
    assert type(errors[0]).__name__ == "Cancelled"
    assert blobs.stored_files(app.client.path / "attachments") == blobs_before
    assert len(tab.table.model.records) == 1

    # Through the tab, as a user adds a file: a progress dialog that closes when done.
    from hrdesk.gui.cases import evidence_tab

    dialogs = []
    original = evidence_tab.run_with_progress
    monkeypatch.setattr(
        evidence_tab, "run_with_progress", lambda *a, **k: dialogs.append(original(*a, **k))
    )
    tab.add_files([big])
    wait_idle(qtbot, app)
    assert len(dialogs) == 1 and not dialogs[0].isVisible()
    assert [r["filename"] for r in tab.table.model.records] == ["video.bin", "video.bin"]


def test_export_warns_and_is_logged_in_custody(unlocked_app, qtbot, tmp_path, monkeypatch):
    app = unlocked_app
    tab = open_evidence(qtbot, app)
    source = tmp_path / "letter.txt"
    source.write_text("a letter")
    tab.add_files([source])
    wait_idle(qtbot, app)
    tab.table.view.selectRow(0)
    warned = []
    monkeypatch.setattr(
        QMessageBox,
        "warning",
        lambda *args, **kwargs: warned.append(args[2]) or QMessageBox.StandardButton.No,
    )
    tab.export_selected()
    assert "NOT be encrypted" in warned[0]
    wait_idle(qtbot, app)
    dest = tmp_path / "out" / "letter.txt"
    dest.parent.mkdir()
    tab.export_selected(dest)
    wait_idle(qtbot, app)
    assert dest.read_text() == "a letter"
    custody = [entry["action"] for entry in tab.table.model.records[0]["custody"]]
    assert custody == ["intake", "exported"]


def test_export_a_dossier_from_the_case_view(unlocked_app, qtbot, tmp_path):
    from pypdf import PdfReader

    app = unlocked_app
    open_evidence(qtbot, app)
    view = app.window.workspace.cases.view
    view.export_dossier()
    dialog = view.dossier_dialog
    dialog.profile.setCurrentIndex(dialog.profile.findData("advocacy"))
    assert "Nobody named" in dialog.explain.text()
    dialog.password.setText("dossier pass 1")
    dialog.repeat.setText("dossier pass 2")
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "does not match" in " ".join(
        label.text() for label in dialog.findChildren(type(dialog.form.general_error))
    )
    dialog.repeat.setText("dossier pass 1")
    dialog.path.setText(str(tmp_path / "case.pdf"))
    dialog.buttons.accepted.emit()
    wait_idle(qtbot, app)
    assert not dialog.isVisible()
    reader = PdfReader(str(tmp_path / "case.pdf"))
    assert reader.is_encrypted and reader.decrypt("dossier pass 1")
