"""Helpers for sync tests: vaults on disk joined to one shared place."""

from __future__ import annotations

from pathlib import Path

from hrdesk.services import sync
from hrdesk.store import vault
from tests.conftest import PASSPHRASE, cheap_params


def new_vault(path: Path, user: str = "amina") -> vault.Session:
    return vault.create_vault(path, PASSPHRASE, "Test org", user, cheap_params()).session


def set_up(session: vault.Session, address: str, options: dict | None = None) -> None:
    sync.setup(session, address, options or {}, "first laptop")


def join(admin: vault.Session, newcomer: vault.Session, label: str, as_admin=False) -> dict:
    """The whole enrollment exchange, files handed over in memory."""
    request, _code = sync.join_request(newcomer, label)
    enrollment, _info = sync.enroll(admin, request, admin=as_admin)
    return sync.join(newcomer, enrollment)


def replica_state(session: vault.Session) -> dict:
    """What a user sees (every record's columns, minus per-vault numbering) and the
    conflict list: two replicas holding the same operations must match exactly."""
    from hrdesk.store.entities import ENTITIES

    conn = session.conn
    state = {}
    for spec in ENTITIES.values():
        columns = ", ".join(("id", *spec.fields, *(c for c, _s in spec.created)))
        state[spec.table] = sorted(
            conn.execute(
                f"SELECT {columns} FROM {spec.table} WHERE id IN (SELECT entity_id FROM ops)"
            ).fetchall()
        )
    state["updated"] = sorted(conn.execute("SELECT id, updated_at FROM cases").fetchall())
    state["conflicts"] = sorted(conn.execute("SELECT * FROM conflicts").fetchall())
    state["terms"] = sorted(conn.execute("SELECT * FROM case_terms").fetchall())
    return state
