"""What a case tab needs from the case view around it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from hrdesk.gui.client import VaultClient
from hrdesk.gui.record_dialog import RecordDialog


class NetworkLane(Protocol):
    """Where calls that wait on the shared place run (gui/sync/runner.py): a thread and
    connection of their own, never the database worker."""

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> bool: ...


class CaseContext(Protocol):
    client: VaultClient
    network: NetworkLane | None

    @property
    def case(self) -> dict[str, Any]: ...

    def open_dialog(
        self, dialog: RecordDialog, submit: Callable[[dict[str, Any], Callable, Callable], None]
    ) -> None: ...

    def update_case(self, update: dict[str, Any], done: Callable, failed: Callable) -> None: ...
