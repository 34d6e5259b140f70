"""The recovery sheet: the recovery key on one page, to print or save as a PDF.

This is the one place the raw key leaves the vault, because the user asks for
it; the sheet says plainly what the key is and how to keep it.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtGui import QPageSize, QPdfWriter, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from hrdesk.i18n import _
from hrdesk.i18n.formatting import format_date


def sheet_document(recovery_key: str, org_name: str) -> QTextDocument:
    import datetime as dt

    groups = recovery_key.split("-")
    lines = "<br>".join("&nbsp;&nbsp;".join(groups[i : i + 4]) for i in range(0, len(groups), 4))
    heading = html.escape(_("hrdesk recovery sheet"))
    org_line = html.escape(_("Organization: {name}").format(name=org_name))
    date_line = html.escape(
        _("Created on: {date}").format(date=format_date(dt.date.today().isoformat()))
    )
    advice = html.escape(
        _(
            "This key opens the vault if every passphrase is forgotten. Anyone who has it "
            "can read every case. Keep this sheet in a safe place, away from the laptop, "
            "and never photograph it."
        )
    )
    body = (
        f"<h1>{heading}</h1><p>{org_line}<br>{date_line}</p>"
        f"<p style='font-family: monospace; font-size: 16pt'>{lines}</p><p>{advice}</p>"
    )
    document = QTextDocument()
    document.setHtml(body)
    return document


def print_sheet(parent: QWidget, recovery_key: str, org_name: str) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        sheet_document(recovery_key, org_name).print_(printer)


def save_sheet(
    parent: QWidget, recovery_key: str, org_name: str, path: Path | None = None
) -> Path | None:
    if path is None:
        chosen, _filter = QFileDialog.getSaveFileName(
            parent, _("Save recovery sheet"), "hrdesk-recovery-sheet.pdf", _("PDF files (*.pdf)")
        )
        if not chosen:
            return None
        path = Path(chosen)
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setTitle(_("hrdesk recovery sheet"))
    sheet_document(recovery_key, org_name).print_(writer)
    return path
