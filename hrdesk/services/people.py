"""The People directory: who appears in which case, in which role."""

from __future__ import annotations

from typing import Any

from hrdesk.store import people_queries
from hrdesk.store.vault import Session


def find(session: Session, text: str = "", limit: int = 200) -> list[dict[str, Any]]:
    return people_queries.find_involved(session.conn, text, limit)
