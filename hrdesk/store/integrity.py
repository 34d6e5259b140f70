"""``hrdesk check``: is the vault sound? Pages, schema, op-log chain, materialized data."""

from __future__ import annotations

import json
from itertools import groupby

from hrdesk.i18n import _, ngettext
from hrdesk.store import attachment_queries, blobs, oplog
from hrdesk.store.connection import Connection, DatabaseError
from hrdesk.store.entities import ENTITIES
from hrdesk.store.vault import Session


def check(session: Session) -> list[str]:
    """A list of problems found, translated; empty when the vault is sound."""
    conn = session.conn
    problems: list[str] = []
    if conn.execute("PRAGMA cipher_integrity_check").fetchall():
        problems.append(
            _("Some encrypted pages fail their authentication check (tampering or damage).")
        )
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
        if result != ["ok"]:
            problems.append(_("The database structure is damaged (SQLite integrity check failed)."))
        if conn.execute("PRAGMA foreign_key_check").fetchall():
            problems.append(_("Some records point to records that do not exist."))
        problems += _check_chains(conn)
        problems += _check_materialized(conn)
    except DatabaseError:
        # Damaged pages make the deeper checks fail: that is itself the finding.
        problems.append(_("The database structure is damaged (SQLite integrity check failed)."))
        return problems
    problems += _check_attachments(session)
    try:
        conn.execute("INSERT INTO case_search (case_search) VALUES ('integrity-check')")
    except DatabaseError:
        problems.append(_("The search index is damaged; restore a backup and report the problem."))
    return problems


def _check_attachments(session: Session) -> list[str]:
    """Every attachment decrypts whole and matches the SHA-256 taken at intake."""
    folder = session.path / "attachments"
    attachments = attachment_queries.all_attachments(session.conn)
    here = [row for row in attachments if (folder / row["blob_id"]).is_file()]
    failed = [
        row["filename"]
        for row in here
        if not blobs.verify_blob(
            folder, row["blob_id"], bytes.fromhex(row["blob_key"]), row["sha256"]
        )
    ]
    problems = []
    absent = len(attachments) - len(here)
    if absent:
        problems.append(
            ngettext(
                "{count} attachment is not on this computer (recorded on another device and "
                "not opened here yet, or its file was removed).",
                "{count} attachments are not on this computer (recorded on another device and "
                "not opened here yet, or their files were removed).",
                absent,
            ).format(count=absent)
        )
    if failed:
        problems.append(
            ngettext(
                "{count} attachment is missing, altered or damaged: {names}",
                "{count} attachments are missing, altered or damaged: {names}",
                len(failed),
            ).format(count=len(failed), names=", ".join(failed))
        )
    # An intake interrupted between writing the blob and recording it leaves an
    # encrypted file nobody can open (its key was never stored): worth knowing.
    known = {row["blob_id"] for row in attachments}
    strays = []
    if folder.is_dir():
        strays = [p for p in folder.iterdir() if p.is_file() and p.name not in known]
    if strays:
        problems.append(
            ngettext(
                "{count} file in attachments/ belongs to no attachment (an interrupted "
                "intake); it is encrypted and can be deleted.",
                "{count} files in attachments/ belong to no attachment (interrupted "
                "intakes); they are encrypted and can be deleted.",
                len(strays),
            ).format(count=len(strays))
        )
    return problems


def _check_chains(conn: Connection) -> list[str]:
    """Every commit's hash covers its operations and links to its device's previous."""
    expected: dict[str, tuple[int, str]] = {}
    broken: set[str] = set()
    for commit, stored_hash, computed, _count in oplog.commit_digests(conn):
        if commit.device_id in broken:
            continue
        seq, prev = expected.get(commit.device_id, (0, oplog.GENESIS))
        if commit.seq != seq + 1 or commit.prev_hash != prev or computed != stored_hash:
            broken.add(commit.device_id)
            continue
        expected[commit.device_id] = (commit.seq, stored_hash)
    problems = []
    if broken:
        problems.append(
            ngettext(
                "The change history of {count} device has been altered or damaged.",
                "The change history of {count} devices has been altered or damaged.",
                len(broken),
            ).format(count=len(broken))
        )
    device_id, seq, chain_head = conn.execute(
        "SELECT device_id, seq, chain_head FROM local_device"
    ).fetchone()
    if expected.get(device_id, (0, oplog.GENESIS)) != (seq, chain_head) and device_id not in broken:
        problems.append(_("This device's change history does not end where it should."))
    return problems


def _check_materialized(conn: Connection) -> list[str]:
    """Each stored field must equal the newest of its op-log heads (streamed by field)."""
    mismatches = 0
    record: tuple[str, str] | None = None
    stored: dict[str, object] | None = None
    for (entity_id, name), group in groupby(
        oplog.ops_by_field(conn), key=lambda op: (op.entity_id, op.field)
    ):
        ops = list(group)
        spec = ENTITIES[ops[0].entity]
        if record != (spec.table, entity_id):
            record = (spec.table, entity_id)
            row = conn.execute(
                f"SELECT {', '.join(spec.fields)} FROM {spec.table} WHERE id = ?", (entity_id,)
            ).fetchone()
            stored = dict(zip(spec.fields, row, strict=True)) if row else None
        value = json.loads(oplog.newest(oplog.heads(ops)).value)
        if stored is None or stored[name] != spec.column_value(name, value):
            mismatches += 1
    if mismatches:
        return [
            ngettext(
                "{count} stored value differs from the change history.",
                "{count} stored values differ from the change history.",
                mismatches,
            ).format(count=mismatches)
        ]
    return []
