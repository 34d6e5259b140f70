"""Unsaved work kept inside the vault across a lock (see store/drafts.py)."""

from __future__ import annotations

from typing import Any

from hrdesk.store import drafts
from hrdesk.store.vault import Session


def _key(session: Session, name: str) -> str:
    # Per user: on a shared laptop one caseworker's draft is not handed to another.
    return f"{session.user_id}:{name}"


def keep(session: Session, name: str, value: Any) -> None:
    drafts.save(session.conn, _key(session, name), value)


def take(session: Session, name: str) -> Any | None:
    return drafts.take(session.conn, _key(session, name))
