"""Nothing sensitive in plaintext on disk: canary strings in every kind of field,
typical operations, then every file under the test's folders and the temp
directory is scanned for them (UTF-8 and UTF-16)."""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import time
from pathlib import Path

from hrdesk.services import cases, export, users
from hrdesk.store import backup, integrity

from .conftest import PASSPHRASE


def _canaries() -> dict[str, str]:
    tag = secrets.token_hex(4)
    return {
        key: f"CANARY{key.upper()}{tag}"
        for key in (
            "title",
            "summary",
            "name",
            "alias",
            "contact",
            "place",
            "description",
            "note",
            "tag",
            "region",
            "locality",
            "gender",
            "consentnote",
            "update",
        )
    } | {"arabic": "كناري" + tag, "cyrillic": "канарейка" + tag}


def _case(c: dict[str, str]) -> dict:
    return {
        "title": c["title"] + " " + c["arabic"],
        "summary": c["summary"] + " " + c["cyrillic"],
        "location": {"country": "SD", "region": c["region"], "locality": c["locality"]},
        "tags": [c["tag"]],
        "people": [
            {
                "name": c["name"],
                "alias": c["alias"],
                "role": "victim",
                "contact": c["contact"],
                "gender": c["gender"],
                "consents": [{"scope": "store-data", "granted": True, "note": c["consentnote"]}],
            },
        ],
        "incidents": [
            {
                "date": "2026-01-02",
                "place": c["place"],
                "description": c["description"],
                "violations": ["arbitrary-detention"],
                "victims": [c["name"]],
            }
        ],
        "notes": [{"text": c["note"], "confidential": True}],
    }


def _files_under(root: Path, since: float) -> list[Path]:
    found = []
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = Path(dirpath) / name
            try:
                if path.is_file() and path.stat().st_mtime >= since - 1:
                    found.append(path)
            except OSError:
                continue
    return found


def _leaks(paths: list[Path], canaries: dict[str, str]) -> list[str]:
    patterns = {
        key: [value.encode("utf-8"), value.encode("utf-16-le")] for key, value in canaries.items()
    }
    leaks = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        for key, encodings in patterns.items():
            if any(pattern in data for pattern in encodings):
                leaks.append(f"{key} in {path}")
    return leaks


def test_no_canary_reaches_disk_in_plaintext(tmp_path: Path, session, vault_dir: Path) -> None:
    start = time.time()
    canaries = _canaries()
    case = cases.add_case(session, _case(canaries))
    ref = case["ref"]
    cases.update_case(session, ref, {"status": "active", "notes": [{"text": canaries["update"]}]})
    assert cases.search(session, canaries["name"])[0]["ref"] == ref
    assert cases.search(session, canaries["arabic"])[0]["ref"] == ref
    assert any(entry["new"] == "active" for entry in cases.history(session, ref))
    users.add_user(session, "karim", "caseworker", "another long passphrase")
    users.change_passphrase(session, PASSPHRASE + " changed")
    assert integrity.check(session) == []
    backup.backup(session, tmp_path / "vault.backup")
    export.export_json(session, tmp_path / "cases.json", passphrase="export passphrase!")
    export.export_csv(session, tmp_path / "csv", passphrase="export passphrase!")
    session.lock()

    written = _files_under(tmp_path, start) + _files_under(Path(tempfile.gettempdir()), start)
    assert any(path.name == "hrdesk.db" for path in written)
    assert any(path.name.endswith(".sealed") for path in written)
    assert _leaks(written, canaries) == []


def test_the_scan_would_see_a_plaintext_export(tmp_path: Path, session) -> None:
    """The scanner is not blind: an unsealed export does contain the canaries."""
    start = time.time()
    canaries = _canaries()
    cases.add_case(session, _case(canaries))
    path = export.export_json(session, tmp_path / "plain.json")
    assert json.loads(path.read_text(encoding="utf-8"))["cases"]
    assert _leaks(_files_under(tmp_path, start), canaries)


def test_vault_files_are_owner_only(session, vault_dir: Path) -> None:
    cases.add_case(session, {"title": "Anything"})  # makes the -wal and -shm files exist
    files = [path for path in vault_dir.rglob("*") if path.is_file()]
    assert {path.name for path in files} >= {"hrdesk.db", "hrdesk.db-wal", "keyslots.json"}
    assert {path.name: path.stat().st_mode & 0o077 for path in files} == {
        path.name: 0 for path in files
    }
    assert vault_dir.stat().st_mode & 0o077 == 0
