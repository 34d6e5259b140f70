"""Conflicts side by side: the competing versions of one field, and a choice.

Two devices changed the same field without seeing each other's edit. hrdesk
shows the newest and keeps the others; here the user sees them together (value,
who, on which device, when) and keeps one. Keeping writes an ordinary edit that
has seen every version, so the next sync settles the conflict on every device.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from hrdesk.core.history_labels import field_label, record_label, value_text
from hrdesk.gui.client import VaultClient
from hrdesk.gui.errors import message_for
from hrdesk.gui.sync.text import device_name, ltr, when_hlc
from hrdesk.gui.widgets import ErrorLabel
from hrdesk.i18n import _
from hrdesk.services import conflicts, sync

DELETED = "deleted"


def load(session: Any, ref: str | None) -> tuple[list[dict[str, Any]], dict[str, dict]]:
    """The conflicts (of one case, or all) and the devices, to name who wrote what."""
    found = conflicts.list_conflicts(session, ref)
    return found, {device["device_id"]: device for device in sync.list_devices(session)}


def conflict_title(conflict: dict[str, Any], with_ref: bool) -> str:
    record = record_label(conflict["entity"])
    if conflict["field"] == DELETED:
        what = _("{record}: removed on one device, edited on another").format(record=record)
    else:
        what = _("{record}: {field}").format(record=record, field=field_label(conflict["field"]))
    if with_ref and conflict.get("case_ref"):
        return _("{ref} · {what}").format(ref=ltr(conflict["case_ref"]), what=what)
    return what


def _plain_label(text: str, parent: QWidget) -> QLabel:
    """A label for what users typed: never read as HTML."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    return label


class VersionCard(QGroupBox):
    """One side: the value, who wrote it where and when, and the button that keeps it."""

    def __init__(
        self,
        title: str,
        value: str,
        details: list[str],
        button: str,
        parent: QWidget,
        current: bool = False,
    ) -> None:
        super().__init__(title, parent)
        self.current = current
        layout = QVBoxLayout(self)
        if current:
            badge = QLabel(_("What the case shows now"), self)
            badge.setStyleSheet(
                "background: palette(highlight); color: palette(highlighted-text);"
                " border-radius: 3px; padding: 2px 6px;"
            )
            layout.addWidget(badge, 0, Qt.AlignmentFlag.AlignLeading)
        self.value_label = _plain_label(value, self)
        font = self.value_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.value_label.setFont(font)
        self.value_label.setAccessibleName(title)
        self.details_label = _plain_label("\n".join(details), self)
        self.keep_button = QPushButton(button, self)
        layout.addWidget(self.value_label)
        layout.addWidget(self.details_label)
        layout.addStretch(1)
        layout.addWidget(self.keep_button)


class ConflictsDialog(QDialog):
    def __init__(self, client: VaultClient, ref: str | None, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.client = client
        self.ref = ref
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(
            _("Conflicting edits in case {ref}").format(ref=ltr(ref))
            if ref
            else _("Conflicting edits")
        )
        self.resize(900, 520)
        intro = QLabel(
            _(
                "These were changed on two devices that had not yet seen each other's edit. "
                "hrdesk shows the newest and keeps the others until you choose. The version "
                "you keep goes to every device at the next sync."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setAccessibleName(_("Conflicts"))
        self.cards: list[VersionCard] = []
        holder = QWidget(self)
        self.cards_layout = QHBoxLayout(holder)
        self.area = QScrollArea(self)
        self.area.setWidgetResizable(True)
        self.area.setWidget(holder)
        splitter = QSplitter(self)
        splitter.addWidget(self.list)
        splitter.addWidget(self.area)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([240, 660])
        self.message = QLabel("", self)
        self.error = ErrorLabel(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        buttons.rejected.connect(self.reject)
        self.list.currentRowChanged.connect(lambda _row: self._show_selected())
        self._conflicts: list[dict[str, Any]] = []
        self._devices: dict[str, dict] = {}
        client.changed.connect(self.reload)  # a resolve here, or a sync meanwhile
        self.reload()

    @property
    def conflicts(self) -> list[dict[str, Any]]:
        return self._conflicts

    def reload(self) -> None:
        self.client.call(load, self.ref, done=self._loaded, failed=self._failed)

    def _failed(self, error: BaseException) -> None:
        self.error.show_message(message_for(error))
        self._set_enabled(True)

    def _loaded(self, result: tuple[list[dict[str, Any]], dict[str, dict]]) -> None:
        current = self.selected()
        key = (current["entity_id"], current["field"]) if current else None
        row = max(self.list.currentRow(), 0)
        self._conflicts, self._devices = result
        self.list.blockSignals(True)
        self.list.clear()
        for conflict in self._conflicts:
            QListWidgetItem(conflict_title(conflict, self.ref is None), self.list)
        keys = [(c["entity_id"], c["field"]) for c in self._conflicts]
        if key in keys:
            row = keys.index(key)
        self.list.setCurrentRow(min(row, len(keys) - 1) if keys else -1)
        self.list.blockSignals(False)
        self.message.setText("" if keys else _("All conflicts are settled."))
        self._show_selected()

    def selected(self) -> dict[str, Any] | None:
        row = self.list.currentRow()
        return self._conflicts[row] if 0 <= row < len(self._conflicts) else None

    # -- the versions, side by side ---------------------------------------------------------------

    def _who_when(self, version: dict[str, Any]) -> str:
        return _("By {user}, {when}").format(
            user=version.get("user") or _("someone"), when=when_hlc(version["hlc"])
        )

    def _who(self, version: dict[str, Any]) -> str:
        return _("By {user} on {device}, {when}").format(
            user=version.get("user") or _("someone"),
            device=device_name(version["device_id"], self._devices),
            when=when_hlc(version["hlc"]),
        )

    def _show_selected(self) -> None:
        for card in self.cards:
            self.cards_layout.removeWidget(card)
            card.hide()  # at once: deleteLater waits for the event loop
            card.deleteLater()
        self.cards = []
        conflict = self.selected()
        if conflict is None:
            return
        holder = self.area.widget()
        if conflict["field"] == DELETED:
            self._show_delete(conflict, holder)
        else:
            entity, field = conflict["entity"], conflict["field"]
            for number, version in enumerate(conflict["versions"]):
                card = VersionCard(
                    _("Version from {device}").format(
                        device=device_name(version["device_id"], self._devices)
                    ),
                    value_text(entity, field, version["value"]) or _("(empty)"),
                    [self._who_when(version)],
                    _("Keep this version"),
                    holder,
                    current=number == 0,
                )
                card.keep_button.clicked.connect(
                    lambda _checked=False, op=version["op_id"]: self.keep(conflict, op, None)
                )
                self._add_card(card)

    def _show_delete(self, conflict: dict[str, Any], holder: QWidget) -> None:
        entity = conflict["entity"]
        deletes = [v for v in conflict["versions"] if v["value"]]
        removed = VersionCard(
            _("Removed"),
            _("{record} removed").format(record=record_label(entity)),
            [self._who(v) for v in deletes],
            _("Keep deleted"),
            holder,
            current=True,
        )
        removed.keep_button.clicked.connect(lambda: self.keep(conflict, None, True))
        self._add_card(removed)
        edits = [
            _("{field}: {value}").format(
                field=field_label(edit["field"]),
                value=value_text(entity, edit["field"], edit["value"]) or _("(empty)"),
            )
            + "\n"
            + self._who(edit)
            for edit in conflict.get("edits", [])
        ]
        edited = VersionCard(
            _("Edited meanwhile"),
            _("Edited on another device without knowing it was removed"),
            edits,
            _("Restore with the edits"),
            holder,
        )
        edited.keep_button.clicked.connect(lambda: self.keep(conflict, None, False))
        self._add_card(edited)

    def _add_card(self, card: VersionCard) -> None:
        self.cards.append(card)
        self.cards_layout.addWidget(card, 1)
        card.show()  # now, not at the next turn of the event loop (a layout's default)

    # -- choosing --------------------------------------------------------------------------------

    def _set_enabled(self, enabled: bool) -> None:
        for card in self.cards:
            card.keep_button.setEnabled(enabled)

    def keep(self, conflict: dict[str, Any], op_id: str | None, value: Any) -> None:
        """Settle with the version ``op_id``, or (a removal) with ``value``: True keeps it
        removed, False restores it with the edits."""
        self.error.clear_message()
        self._set_enabled(False)
        self.client.call(
            conflicts.resolve,
            conflict["entity_id"],
            conflict["field"],
            op_id,
            value,
            done=lambda _changes: self._set_enabled(True),
            # Settled meanwhile (a sync), say, or a record gone: say so, show what is left.
            failed=lambda error: (self._failed(error), self.reload()),
            write=True,  # ``changed`` reloads this list, the case and the case list
        )
