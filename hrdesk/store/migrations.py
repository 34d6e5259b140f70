"""Numbered schema steps, registered in one place.

Each step runs in its own transaction and sets ``PRAGMA user_version``. Before
upgrading an existing vault, an encrypted copy of the database is kept in
``backups/``. A vault from a newer hrdesk is refused rather than guessed at.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3

from hrdesk.core.errors import VaultError, VaultTooNew
from hrdesk.core.textfold import WORD_MARKS
from hrdesk.i18n import _
from hrdesk.store.connection import Connection, begin_write


@dataclass(frozen=True)
class Step:
    version: int
    description: str
    statements: tuple[str, ...] = ()
    function: Callable[[object], None] | None = None


_V1 = (
    # Vault-wide facts (org name, vault id); replicated.
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # This copy of the vault: never synced, reset when a backup is restored elsewhere.
    """CREATE TABLE local_device (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        device_id TEXT NOT NULL, device_tag TEXT NOT NULL,
        seq INTEGER NOT NULL, hlc TEXT NOT NULL, chain_head TEXT NOT NULL,
        next_case_number INTEGER NOT NULL)""",
    # The op-log (oplog.py): history, audit trail and sync source. One commit per
    # write transaction, hash-chained per device; its operations clustered behind it.
    """CREATE TABLE commits (
        id INTEGER PRIMARY KEY, device_id TEXT NOT NULL, seq INTEGER NOT NULL,
        hlc TEXT NOT NULL, user_id TEXT NOT NULL, prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL, UNIQUE (device_id, seq))""",
    """CREATE TABLE ops (
        commit_id INTEGER NOT NULL REFERENCES commits (id), idx INTEGER NOT NULL,
        entity TEXT NOT NULL, entity_id TEXT NOT NULL, field TEXT NOT NULL,
        value TEXT NOT NULL, seen TEXT NOT NULL,
        PRIMARY KEY (commit_id, idx)) WITHOUT ROWID""",
    "CREATE INDEX ops_field ON ops (entity_id, field)",
    # Materialized tables, rebuilt from the op-log by the write path.
    """CREATE TABLE users (
        id TEXT PRIMARY KEY, name TEXT, role TEXT, deleted INTEGER NOT NULL DEFAULT 0)""",
    "CREATE UNIQUE INDEX users_name ON users (name) WHERE deleted = 0",
    # num: a stable integer key so the search index can address a case by rowid.
    """CREATE TABLE cases (
        num INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, ref TEXT, title TEXT,
        summary TEXT, status TEXT,
        priority TEXT, sensitivity TEXT, opened_on TEXT, closed_on TEXT,
        country TEXT, region TEXT, locality TEXT, tags TEXT, assigned TEXT,
        created_by TEXT, created_at TEXT, updated_at TEXT,
        deleted INTEGER NOT NULL DEFAULT 0)""",
    "CREATE UNIQUE INDEX cases_ref ON cases (ref)",
    "CREATE INDEX cases_status ON cases (status, opened_on)",
    # Newest-first lists walk this index and filter as they go (see CaseFilter.where).
    "CREATE INDEX cases_list ON cases (opened_on, ref, status, priority, country, deleted)",
    "CREATE INDEX cases_country ON cases (country, opened_on)",
    """CREATE TABLE people (
        id TEXT PRIMARY KEY, name TEXT, alias TEXT, sex TEXT, gender TEXT,
        birth_date TEXT, birth_year INTEGER, age_range TEXT, nationality TEXT,
        languages TEXT, contact TEXT, vulnerabilities TEXT,
        deleted INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE actors (
        id TEXT PRIMARY KEY, name TEXT, alias TEXT, actor_type TEXT,
        deleted INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE involvements (
        id TEXT PRIMARY KEY, case_id TEXT REFERENCES cases (id),
        person_id TEXT REFERENCES people (id), actor_id TEXT REFERENCES actors (id),
        role TEXT, deleted INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX involvements_case ON involvements (case_id)",
    "CREATE INDEX involvements_person ON involvements (person_id)",
    "CREATE INDEX involvements_actor ON involvements (actor_id)",
    """CREATE TABLE incidents (
        id TEXT PRIMARY KEY, case_id TEXT REFERENCES cases (id), date TEXT,
        date_precision TEXT, place TEXT, description TEXT, violations TEXT,
        victims TEXT, perpetrators TEXT, deleted INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX incidents_case ON incidents (case_id)",
    """CREATE TABLE notes (
        id TEXT PRIMARY KEY, case_id TEXT REFERENCES cases (id), date TEXT,
        text TEXT, confidential INTEGER, author_id TEXT, created_at TEXT,
        deleted INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX notes_case ON notes (case_id)",
    """CREATE TABLE consents (
        id TEXT PRIMARY KEY, person_id TEXT REFERENCES people (id),
        case_id TEXT REFERENCES cases (id), scope TEXT, granted INTEGER, date TEXT,
        withdrawn_on TEXT, note TEXT, recorded_by TEXT,
        deleted INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX consents_person ON consents (person_id)",
    # Derived per case for structured filters; refreshed with the search index.
    """CREATE TABLE case_terms (
        case_id TEXT NOT NULL REFERENCES cases (id), kind TEXT NOT NULL,
        term TEXT NOT NULL, PRIMARY KEY (kind, term, case_id)) WITHOUT ROWID""",
    "CREATE INDEX case_terms_case ON case_terms (case_id)",
    # rowid = cases.num. Folded text (see search.fold): diacritics and Arabic marks
    # do not matter.
    """CREATE VIRTUAL TABLE case_search USING fts5 (
        title, summary, people, places, notes,
        tokenize = "unicode61 remove_diacritics 2 tokenchars '"""
    + WORD_MARKS
    + """'")""",
)

_V2 = (
    # Partner organizations that services are referred to, reusable across cases.
    """CREATE TABLE providers (
        id TEXT PRIMARY KEY, name TEXT, services TEXT, area TEXT, languages TEXT,
        contact TEXT, notes TEXT, deleted INTEGER NOT NULL DEFAULT 0)""",
    # Help given or arranged for a person of a case; provider NULL = our organization.
    """CREATE TABLE services (
        id TEXT PRIMARY KEY, case_id TEXT REFERENCES cases (id),
        involvement_id TEXT REFERENCES involvements (id), type TEXT,
        provider_id TEXT REFERENCES providers (id), status TEXT, requested_on TEXT,
        started_on TEXT, completed_on TEXT, outcome TEXT, consent_override TEXT,
        created_by TEXT, created_at TEXT, deleted INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX services_case ON services (case_id)",
    "CREATE INDEX services_status ON services (status, type)",
    # Dated tasks on a case or one of its services; the coordinator's daily view.
    """CREATE TABLE followups (
        id TEXT PRIMARY KEY, case_id TEXT REFERENCES cases (id),
        service_id TEXT REFERENCES services (id), due_on TEXT, text TEXT,
        assignee_id TEXT, done_on TEXT, created_by TEXT,
        deleted INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX followups_open ON followups (done_on, due_on)",
    "CREATE INDEX followups_case ON followups (case_id)",
    # Evidence: the file is an encrypted blob in attachments/; its key and the SHA-256
    # of its plaintext (taken at intake) live here, in the encrypted database only.
    """CREATE TABLE attachments (
        id TEXT PRIMARY KEY, case_id TEXT REFERENCES cases (id), blob_id TEXT,
        blob_key TEXT, filename TEXT, size INTEGER, sha256 TEXT, description TEXT,
        source TEXT, obtained_on TEXT, received_by TEXT, created_at TEXT,
        deleted INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX attachments_case ON attachments (case_id)",
    # Chain of custody: intake, each view, export and re-verification, by whom, when.
    """CREATE TABLE custody (
        id TEXT PRIMARY KEY, attachment_id TEXT REFERENCES attachments (id),
        case_id TEXT REFERENCES cases (id), action TEXT, result TEXT, note TEXT,
        by_user TEXT, at TEXT, deleted INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX custody_attachment ON custody (attachment_id)",
)

_V3 = (
    # Case-list columns a user can sort by, each walked in order by its own index.
    "CREATE INDEX cases_title ON cases (title, ref)",
    "CREATE INDEX cases_updated ON cases (updated_at, ref)",
    # Work in progress kept when the vault locks (an unsaved form, where the user was).
    # Local to this device, never in the op-log: a draft is not yet a change.
    "CREATE TABLE drafts (key TEXT PRIMARY KEY, value TEXT NOT NULL, saved_at TEXT NOT NULL)",
)

_V4 = (
    # This device's own keys for sync: Ed25519 (signing its files) and X25519 (receiving
    # the sync key at enrollment). Secret, so only ever inside the encrypted database.
    """CREATE TABLE device_keys (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        sign_seed BLOB NOT NULL, box_secret BLOB NOT NULL)""",
    # The vault's sync keys, one per epoch (a revocation starts a new epoch).
    "CREATE TABLE sync_keys (epoch INTEGER PRIMARY KEY, key BLOB NOT NULL, added_at TEXT NOT NULL)",
    # Devices allowed to write to the shared log, with their public keys.
    """CREATE TABLE devices (
        device_id TEXT PRIMARY KEY, label TEXT NOT NULL, verify_key BLOB NOT NULL,
        box_key BLOB NOT NULL, added_at TEXT NOT NULL, revoked_at TEXT)""",
)


def _make_device_keys(conn) -> None:
    import secrets

    conn.execute(
        "INSERT INTO device_keys (singleton, sign_seed, box_secret) VALUES (1, ?, ?)",
        (secrets.token_bytes(32), secrets.token_bytes(32)),
    )


_V5 = (
    # How far this device has pushed its own op-log to the shared place: the number and
    # digest of its last file (the next names it as ``prev``), and the last commit sent.
    """CREATE TABLE sync_pushed (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        file_seq INTEGER NOT NULL, file_digest TEXT NOT NULL,
        commit_seq INTEGER NOT NULL, commit_hash TEXT NOT NULL)""",
)

_V6 = (
    # Which devices may publish device lists and rotate keys.
    "ALTER TABLE devices ADD COLUMN admin INTEGER NOT NULL DEFAULT 0",
    # How far each other device's files were applied here (per device, like sync_pushed).
    """CREATE TABLE sync_pulled (
        device_id TEXT PRIMARY KEY, file_seq INTEGER NOT NULL, file_digest TEXT NOT NULL,
        commit_seq INTEGER NOT NULL, commit_hash TEXT NOT NULL)""",
    # The shared place (its address and credentials stay inside the encrypted vault), the
    # device list version accepted, and the outcome of the last sync.
    """CREATE TABLE sync_config (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        remote TEXT, options TEXT NOT NULL DEFAULT '{}',
        list_version INTEGER NOT NULL DEFAULT 0, list_digest TEXT NOT NULL DEFAULT '',
        last_sync TEXT, last_error TEXT)""",
    # Fields with several concurrent values (op-log heads), and deletes that crossed an
    # edit: derived from the op-log, kept so that lists can show a badge cheaply.
    """CREATE TABLE conflicts (
        entity_id TEXT NOT NULL, field TEXT NOT NULL, entity TEXT NOT NULL, case_id TEXT,
        PRIMARY KEY (entity_id, field)) WITHOUT ROWID""",
    "CREATE INDEX conflicts_case ON conflicts (case_id)",
    # Two devices may each have a user of the same name (one person, two laptops).
    "DROP INDEX users_name",
    "CREATE INDEX users_name ON users (name)",
)

STEPS: tuple[Step, ...] = (
    Step(1, "initial schema", _V1),
    Step(2, "support services, providers, follow-ups, evidence and custody", _V2),
    Step(3, "case-list sort indexes and drafts kept across a lock", _V3),
    Step(4, "device keys, sync keys and the device list for sync", _V4, _make_device_keys),
    Step(5, "how far this device has pushed its changes", _V5),
    Step(6, "pulling other devices' changes, sync settings and conflicts", _V6),
)
LATEST = STEPS[-1].version


def migrate(conn: Connection, db_path: Path) -> int:
    """Bring the schema to ``LATEST``; returns the version found before."""
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    if found > LATEST:
        raise VaultTooNew(
            _(
                "This vault was written by a newer version of hrdesk (schema {found}, "
                "this version knows {latest}). Install the newer version to open it."
            ).format(found=found, latest=LATEST)
        )
    if found == LATEST:
        return found
    if found > 0:
        _backup_before_migrating(conn, db_path, found)
    for step in STEPS:
        if step.version <= found:
            continue
        begin_write(conn)
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] >= step.version:
                # Another program opening the vault at the same moment took this step.
                conn.execute("COMMIT")
                continue
            for statement in step.statements:
                conn.execute(statement)
            if step.function is not None:
                step.function(conn)
            conn.execute(f"PRAGMA user_version = {int(step.version)}")
            conn.execute("COMMIT")
        except sqlcipher3.Error as exc:
            conn.execute("ROLLBACK")
            raise VaultError(
                _(
                    "Upgrading the vault to schema {version} failed; nothing was changed. "
                    "Please report this problem."
                ).format(version=step.version)
            ) from exc
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return found


def _backup_before_migrating(conn: Connection, db_path: Path, version: int) -> None:
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    backups = db_path.parent / "backups"
    backups.mkdir(mode=0o700, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    # The file is copied as it is on disk: still encrypted with the vault key.
    shutil.copy2(db_path, backups / f"hrdesk-schema{version}-{stamp}.db")
