"""The Overview tab: the case's own fields, edited in place and saved with Ctrl+S."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from hrdesk.gui.widgets import Form, VocabCombo
from hrdesk.i18n import _

_TEXT = ("title", "opened_on", "closed_on", "country", "region", "locality", "tags")
_CHOICE = {"status": "case-status", "priority": "priority", "sensitivity": "sensitivity"}


def _stored(case: dict[str, Any]) -> dict[str, Any]:
    """The case's values in the shape the form edits."""
    location = case.get("location", {})
    return {
        "title": case.get("title") or "",
        "status": case.get("status"),
        "priority": case.get("priority"),
        "sensitivity": case.get("sensitivity"),
        "summary": case.get("summary") or "",
        "opened_on": case.get("opened_on") or "",
        "closed_on": case.get("closed_on") or "",
        "country": location.get("country") or "",
        "region": location.get("region") or "",
        "locality": location.get("locality") or "",
        "tags": ", ".join(case.get("tags", [])),
    }


class OverviewTab(QWidget):
    dirty_changed = Signal(bool)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.form = Form(self)
        add = self.form.add
        self.fields: dict[str, Any] = {
            "title": add("title", _("&Title"), QLineEdit(self)),
            "status": add("status", _("&Status"), VocabCombo("case-status", parent=self)),
            "priority": add("priority", _("&Priority"), VocabCombo("priority", parent=self)),
            "sensitivity": add(
                "sensitivity", _("Se&nsitivity"), VocabCombo("sensitivity", parent=self)
            ),
            "summary": add("summary", _("Su&mmary"), QPlainTextEdit(self)),
            "opened_on": add("opened_on", _("&Opened on"), QLineEdit(self)),
            "closed_on": add("closed_on", _("&Closed on"), QLineEdit(self)),
            "country": add("location", _("Co&untry (2-letter code)"), QLineEdit(self)),
            "region": add("location.region", _("&Region"), QLineEdit(self)),
            "locality": add("location.locality", _("&Locality"), QLineEdit(self)),
            "tags": add("tags", _("Ta&gs (comma-separated)"), QLineEdit(self)),
        }
        for key in ("opened_on", "closed_on"):
            self.fields[key].setPlaceholderText(_("YYYY-MM-DD"))
        self.fields["country"].setMaxLength(2)
        self.fields["summary"].setTabChangesFocus(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        self._stored: dict[str, Any] = {}
        self._dirty = False
        for key, widget in self.fields.items():
            if key in _CHOICE:
                widget.currentIndexChanged.connect(self._edited)
            else:
                widget.textChanged.connect(self._edited)

    # -- values ------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, widget in self.fields.items():
            if key in _CHOICE:
                out[key] = widget.slug()
            elif key == "summary":
                out[key] = widget.toPlainText()
            else:
                out[key] = widget.text()
        return out

    def _set_values(self, values: dict[str, Any]) -> None:
        for key, widget in self.fields.items():
            widget.blockSignals(True)
            if key in _CHOICE:
                widget.set_slug(values.get(key))
            elif key == "summary":
                widget.setPlainText(values.get(key) or "")
            else:
                widget.setText(values.get(key) or "")
            widget.blockSignals(False)

    def _edited(self, *_args: object) -> None:
        dirty = self.values() != self._stored
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)

    @property
    def dirty(self) -> bool:
        return self._dirty

    def show_case(self, case: dict[str, Any]) -> None:
        """Show what is stored; edits not yet saved are kept."""
        self._stored = _stored(case)
        if not self._dirty:
            self._set_values(self._stored)
        self._edited()

    def restore(self, values: dict[str, Any]) -> None:
        """Put a draft (kept across a lock) back into the form."""
        self._set_values(values)
        self._edited()

    def update(self) -> dict[str, Any]:
        """The case-JSON partial update for what was changed."""
        values = self.values()
        changed = {k: v for k, v in values.items() if v != self._stored.get(k)}
        update: dict[str, Any] = {}
        for key in ("title", "status", "priority", "sensitivity", "summary", "opened_on"):
            if key in changed:
                update[key] = changed[key]
        if "closed_on" in changed:
            update["closed_on"] = changed["closed_on"].strip() or None
        location = {key: changed[key].strip() for key in ("region", "locality") if key in changed}
        if "country" in changed:
            location["country"] = changed["country"].strip().upper() or None
        if location:
            update["location"] = location
        if "tags" in changed:
            update["tags"] = [t.strip() for t in changed["tags"].split(",") if t.strip()]
        return update

    def saved(self) -> None:
        self._dirty = False
        self.dirty_changed.emit(False)
