"""The organization's data does not depend on hrdesk surviving: the recovery
key opens the database in a second, independent SQLCipher implementation
(SQLite3 Multiple Ciphers through apsw, in SQLCipher 4 compatibility mode)."""

from __future__ import annotations

import re
from pathlib import Path

import apsw
import pytest

from hrdesk.services import cases
from hrdesk.store.vault import DB_NAME


def _open_independently(db: Path, recovery_key: str) -> apsw.Connection:
    hex_key = re.sub(r"[^0-9A-Fa-f]", "", recovery_key)
    conn = apsw.Connection(str(db), flags=apsw.SQLITE_OPEN_READONLY)
    conn.pragma("cipher", "sqlcipher")
    conn.pragma("legacy", 4)
    conn.execute(f"PRAGMA key = \"x'{hex_key}'\"")
    return conn


def test_recovery_key_opens_the_database_in_sqlite3mc(created, vault_dir: Path) -> None:
    session = created.session
    case = cases.add_case(
        session,
        {
            "title": "Disappearance in Tanjung — اختفاء",
            "people": [{"name": "Ko Aung", "role": "victim"}],
        },
    )
    session.lock()
    reader = _open_independently(vault_dir / DB_NAME, created.recovery_key)
    rows = list(reader.execute("SELECT ref, title FROM cases"))
    assert rows == [(case["ref"], "Disappearance in Tanjung — اختفاء")]
    names = [row[0] for row in reader.execute("SELECT name FROM people")]
    assert names == ["Ko Aung"]
    assert next(reader.execute("SELECT count(*) FROM ops"))[0] > 5
    assert next(reader.execute("SELECT count(*) FROM commits"))[0] == 2


def test_a_wrong_key_does_not_open_it_there_either(created, vault_dir: Path) -> None:
    created.session.lock()
    wrong = "0" * 64
    reader = _open_independently(vault_dir / DB_NAME, wrong)
    with pytest.raises(apsw.NotADBError):
        list(reader.execute("SELECT count(*) FROM cases"))
