"""``hrdesk check``: is the vault sound? Pages, schema, op-log chain, materialized data."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import groupby

from hrdesk.i18n import _, ngettext
from hrdesk.store import attachment_queries, blobs, oplog, orphans
from hrdesk.store.connection import Connection, DatabaseError, busy, is_busy
from hrdesk.store.entities import ENTITIES
from hrdesk.store.vault import Session


@dataclass
class Report:
    """``problems``: the vault is not sound. ``notices``: worth knowing, not a failure."""

    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def check(session: Session) -> list[str]:
    """A list of problems found, translated; empty when the vault is sound."""
    return examine(session).problems


def examine(session: Session, repair: bool = False) -> Report:
    """Check the whole vault while other programs may go on using it; with ``repair``,
    files an interrupted intake or deletion left behind are removed first."""
    conn = session.conn
    report = Report()
    # One snapshot for every read of the database (WAL: other programs write meanwhile),
    # so that the chains, the stored values and the device's counters agree.
    conn.execute("BEGIN")
    try:
        report.problems += _check_database(conn)
    finally:
        conn.execute("ROLLBACK")
    if report.problems:
        return report
    _check_attachments(session, repair, report)
    try:
        # A write statement: it waits for other programs' writes (busy timeout).
        conn.execute("INSERT INTO case_search (case_search) VALUES ('integrity-check')")
    except DatabaseError as exc:
        if is_busy(exc):
            raise busy() from exc
        report.problems.append(
            _("The search index is damaged; restore a backup and report the problem.")
        )
    return report


def _check_database(conn: Connection) -> list[str]:
    if conn.execute("PRAGMA cipher_integrity_check").fetchall():
        return [_("Some encrypted pages fail their authentication check (tampering or damage).")]
    problems = []
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
        if result != ["ok"]:
            problems.append(_("The database structure is damaged (SQLite integrity check failed)."))
        if conn.execute("PRAGMA foreign_key_check").fetchall():
            problems.append(_("Some records point to records that do not exist."))
        problems += _check_chains(conn)
        problems += _check_materialized(conn)
    except DatabaseError as exc:
        if is_busy(exc):
            raise busy() from exc
        # Damaged pages make the deeper checks fail: that is itself the finding.
        problems.append(_("The database structure is damaged (SQLite integrity check failed)."))
    return problems


def _check_attachments(session: Session, repair: bool, report: Report) -> None:
    """Every attachment decrypts whole and matches the SHA-256 taken at intake.

    Read while other programs work: an attachment deleted meanwhile is not missing,
    one recorded on another device and not fetched yet is not lost, and a file
    without a record is looked at only when no intake is under way (orphans.py).
    """
    conn = session.conn
    folder = session.attachments
    failed, missing, elsewhere = [], [], 0
    for row in attachment_queries.all_attachments(conn):
        key = bytes.fromhex(row["blob_key"])
        if (folder / row["blob_id"]).is_file():
            if blobs.verify_blob(folder, row["blob_id"], key, row["sha256"]):
                continue
            if _still_recorded(conn, row):
                failed.append(row["filename"])
        elif _still_recorded(conn, row):
            if attachment_queries.recorded_elsewhere(conn, row["id"]):
                elsewhere += 1
            else:
                missing.append(row["filename"])
    if elsewhere:
        report.notices.append(
            ngettext(
                "{count} attachment recorded on another device is not on this computer yet; "
                "it is fetched from the shared place when it is first opened.",
                "{count} attachments recorded on other devices are not on this computer yet; "
                "each is fetched from the shared place when it is first opened.",
                elsewhere,
            ).format(count=elsewhere)
        )
    if missing:
        report.problems.append(
            ngettext(
                "{count} attachment recorded on this computer has lost its file: {names}",
                "{count} attachments recorded on this computer have lost their files: {names}",
                len(missing),
            ).format(count=len(missing), names=", ".join(missing))
        )
    if failed:
        report.problems.append(
            ngettext(
                "{count} attachment is altered or damaged: {names}",
                "{count} attachments are altered or damaged: {names}",
                len(failed),
            ).format(count=len(failed), names=", ".join(failed))
        )
    _check_strays(session, repair, report)


def _still_recorded(conn: Connection, row: dict) -> bool:
    """False when another program deleted the attachment while we were looking."""
    now = attachment_queries.get_attachment(conn, row["id"])
    return now is not None and now["blob_id"] == row["blob_id"]


def _check_strays(session: Session, repair: bool, report: Report) -> None:
    strays = orphans.find(session, remove=repair)
    if strays.busy:
        report.notices.append(
            _(
                "An attachment is being added by another program: files without a record "
                "were not looked for this time."
            )
        )
    if strays.removed:
        report.notices.append(
            ngettext(
                "{count} file without a record (an interrupted intake or deletion) was "
                "removed; the chain of custody records it.",
                "{count} files without a record (interrupted intakes or deletions) were "
                "removed; the chain of custody records them.",
                strays.removed,
            ).format(count=strays.removed)
        )
    if strays.ours:
        # Encrypted, and its key was never stored (or was the deleted attachment's).
        report.problems.append(
            ngettext(
                "{count} file in attachments/ belongs to no attachment (an interrupted intake "
                "or deletion); “hrdesk check --repair” removes it.",
                "{count} files in attachments/ belong to no attachment (interrupted intakes "
                "or deletions); “hrdesk check --repair” removes them.",
                len(strays.ours),
            ).format(count=len(strays.ours))
        )
    if strays.foreign:
        report.notices.append(
            ngettext(
                "{count} file in attachments/ was not made by hrdesk ({names}); hrdesk leaves "
                "it alone.",
                "{count} files in attachments/ were not made by hrdesk ({names}); hrdesk leaves "
                "them alone.",
                len(strays.foreign),
            ).format(count=len(strays.foreign), names=", ".join(strays.foreign))
        )


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
