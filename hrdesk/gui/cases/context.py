"""What a case tab needs from the case view around it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from hrdesk.gui.client import VaultClient
from hrdesk.gui.record_dialog import RecordDialog


class CaseContext(Protocol):
    client: VaultClient

    @property
    def case(self) -> dict[str, Any]: ...

    def open_dialog(
        self, dialog: RecordDialog, submit: Callable[[dict[str, Any], Callable, Callable], None]
    ) -> None: ...

    def update_case(self, update: dict[str, Any], done: Callable, failed: Callable) -> None: ...
