"""Base of the add/edit dialogs of a case (person, incident, service, follow-up).

A dialog validates nothing itself: it builds a JSON payload, the service checks
it on the worker, and a ``ValidationError`` comes back to the field it names.
The dialog stays open until the save succeeds, so nothing typed is lost. Its
``values()`` are what a lock keeps as a draft; ``set_values()`` puts them back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from hrdesk.core.errors import ValidationError
from hrdesk.gui.errors import message_for
from hrdesk.gui.widgets import Form


class RecordDialog(QDialog):
    kind = ""
    saved = Signal(object)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.form = Form(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        self.target_id: str | None = None  # the record edited (None: a new one)
        self._submit: Callable[[dict[str, Any], Callable, Callable], None] | None = None

    def on_save(self, submit: Callable[[dict[str, Any], Callable, Callable], None]) -> None:
        """``submit(payload, done, failed)`` runs the service call."""
        self._submit = submit

    def values(self) -> dict[str, Any]:
        raise NotImplementedError

    def set_values(self, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def payload(self) -> dict[str, Any]:
        raise NotImplementedError

    def error_path(self, error: ValidationError) -> ValidationError:
        """Map the service's path (``people[0].name``) to this form's (``name``)."""
        path = error.path.split("].", 1)[-1] if "]." in error.path else error.path
        return ValidationError(path, error.detail)

    def _save(self) -> None:
        self.form.clear_errors()
        try:
            payload = self.payload()
        except ValidationError as error:
            self.form.show_error(error)
            return
        self.buttons.setEnabled(False)
        assert self._submit is not None
        self._submit(payload, self._done, self._failed)

    def _done(self, result: Any) -> None:
        self.buttons.setEnabled(True)
        self.saved.emit(result)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(error, ValidationError):
            self.form.show_error(self.error_path(error))
        else:
            self.form.general_error.show_message(message_for(error))
