"""Small widgets shared by the screens: vocabulary pickers, inline errors, forms."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from hrdesk.core import vocab
from hrdesk.core.errors import ValidationError


class VocabCombo(QComboBox):
    """One value from a vocabulary, shown translated, stored as its slug."""

    def __init__(self, vocabulary: str, empty: str | None = None, parent=None) -> None:
        super().__init__(parent)
        if empty is not None:
            self.addItem(empty, None)
        for term in vocab.terms(vocabulary):
            self.addItem(term.label, term.slug)

    def slug(self) -> str | None:
        return self.currentData()

    def set_slug(self, slug: str | None) -> None:
        index = self.findData(slug)
        self.setCurrentIndex(max(index, 0))


class Checklist(QListWidget):
    """Several values chosen with check boxes; Space or Enter toggles the current one."""

    def __init__(self, choices: Iterable[tuple[str, str]], parent=None) -> None:
        super().__init__(parent)
        for label, value in choices:
            item = QListWidgetItem(label, self)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.itemActivated.connect(self._toggle)

    def _toggle(self, item: QListWidgetItem) -> None:
        checked = item.checkState() == Qt.CheckState.Checked
        item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def _items(self) -> Iterable[QListWidgetItem]:
        return (self.item(row) for row in range(self.count()))

    def checked(self) -> list[str]:
        return [
            item.data(Qt.ItemDataRole.UserRole)
            for item in self._items()
            if item.checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, values: Iterable[str]) -> None:
        wanted = set(values)
        for item in self._items():
            checked = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)


class VocabChecklist(Checklist):
    """Several values from a vocabulary (violations, vulnerabilities)."""

    def __init__(self, vocabulary: str, parent=None) -> None:
        super().__init__(((t.label, t.slug) for t in vocab.terms(vocabulary)), parent)


class ErrorLabel(QLabel):
    """A message under a field or a form, announced to screen readers."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet("color: #ffffff; background: #b3261e; border-radius: 3px; padding: 4px;")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setAccessibleName(text)
        self.setVisible(bool(text))

    def clear_message(self) -> None:
        self.show_message("")


class Form(QWidget):
    """A form whose fields are named by their case-JSON path, so a ``ValidationError``
    from a service is shown next to the field it is about."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.layout_ = QFormLayout(self)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.general_error = ErrorLabel(self)
        self.layout_.addRow(self.general_error)
        self._fields: dict[str, tuple[QWidget, ErrorLabel]] = {}

    def add(self, path: str, label: str, widget: QWidget) -> QWidget:
        error = ErrorLabel(self)
        caption = QLabel(label, self)
        caption.setBuddy(widget)
        widget.setAccessibleName(label.replace("&", ""))
        self.layout_.addRow(caption, widget)
        self.layout_.addRow("", error)
        self._fields[path] = (widget, error)
        return widget

    def clear_errors(self) -> None:
        self.general_error.clear_message()
        for _widget, error in self._fields.values():
            error.clear_message()

    def show_error(self, error: ValidationError) -> None:
        """Next to its field when the path names one (``location.country`` → ``location``)."""
        self.clear_errors()
        path = error.path
        while path and path not in self._fields:
            path = path.rpartition(".")[0]
        if path:
            widget, label = self._fields[path]
            label.show_message(error.detail)
            widget.setFocus()
        else:
            self.general_error.show_message(str(error))
