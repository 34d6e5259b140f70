"""The provider directory: partner organizations that services are referred to."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from hrdesk.core import vocab
from hrdesk.gui.client import VaultClient
from hrdesk.gui.record_dialog import RecordDialog
from hrdesk.gui.record_table import RecordTable
from hrdesk.gui.records_model import Column
from hrdesk.gui.refresh import RefreshWhenVisible
from hrdesk.gui.widgets import VocabChecklist
from hrdesk.i18n import _
from hrdesk.services import support

COLUMNS = (
    Column(lambda: _("Name"), lambda p: p["name"]),
    Column(
        lambda: _("Services"),
        lambda p: ", ".join(vocab.label("service-type", s) for s in p.get("services", [])),
    ),
    Column(lambda: _("Area"), lambda p: p.get("area") or ""),
    Column(lambda: _("Contact"), lambda p: p.get("contact") or ""),
)


class ProviderDialog(RecordDialog):
    kind = "provider"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Add provider"), parent)
        add = self.form.add
        self.name = add("name", _("&Name"), QLineEdit(self))
        self.services = add("services", _("&Services"), VocabChecklist("service-type", self))
        self.area = add("area", _("&Area"), QLineEdit(self))
        self.contact = add("contact", _("&Contact"), QLineEdit(self))
        self.notes = add("notes", _("N&otes"), QPlainTextEdit(self))
        self.notes.setTabChangesFocus(True)

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.text().strip(),
            "services": self.services.checked(),
            "area": self.area.text().strip(),
            "contact": self.contact.text().strip(),
            "notes": self.notes.toPlainText().strip(),
        }

    def set_values(self, values: dict[str, Any]) -> None:
        self.name.setText(values.get("name", ""))
        self.services.set_checked(values.get("services", []))
        self.area.setText(values.get("area", ""))
        self.contact.setText(values.get("contact", ""))
        self.notes.setPlainText(values.get("notes", ""))

    def payload(self) -> dict[str, Any]:
        return {k: v for k, v in self.values().items() if v not in ("", [])}


class ProvidersPage(QWidget):
    def __init__(self, client: VaultClient, parent=None) -> None:
        super().__init__(parent)
        self.client = client
        self.table = RecordTable(COLUMNS, _("Providers"), self)
        self.add_button = self.table.add_button(_("&Add provider…"), self.add)
        self.table.finish_buttons()
        QVBoxLayout(self).addWidget(self.table)
        self.dialog: ProviderDialog | None = None
        client.changed.connect(RefreshWhenVisible(self, self.refresh).request)

    def start(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.client.call(support.list_providers, done=self.table.set_records)

    def add(self) -> None:
        self.dialog = ProviderDialog(self)
        self.dialog.on_save(
            lambda payload, done, failed: self.client.call(
                support.add_provider, payload, done=done, failed=failed, write=True
            )
        )
        self.dialog.open()
