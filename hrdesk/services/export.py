"""Exports the user asks for: all cases as JSON, or as CSV tables for spreadsheets.

These are the one place plaintext leaves the vault, so each can instead be
sealed with a passphrase (store/sealed.py); the plaintext is then built in
memory only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from hrdesk.core.errors import HrdeskError
from hrdesk.i18n import _
from hrdesk.services.cases import get_case
from hrdesk.store import kdf, queries, sealed
from hrdesk.store.atomic import make_private_dir, write_atomic
from hrdesk.store.queries import CaseFilter
from hrdesk.store.vault import Session

SEALED_SUFFIX = ".sealed"
Progress = Callable[[int, int], None]


def iter_cases(session: Session, progress: Progress | None = None) -> Iterator[dict[str, Any]]:
    conn = session.conn
    total = queries.count_cases(conn, CaseFilter())
    done = 0
    while True:
        page = queries.list_cases(conn, CaseFilter(), limit=500, offset=done)
        if not page:
            return
        for summary in page:
            # The full case as `case show --json` gives it: services, follow-ups, evidence.
            yield get_case(session, summary["id"])
        done += len(page)
        if progress:
            progress(done, total)


def _write(path: Path, data: bytes, passphrase: str | None, params: kdf.KdfParams | None) -> Path:
    if passphrase is not None:
        path = path.with_name(path.name + SEALED_SUFFIX)
        data = sealed.seal(data, passphrase, params or kdf.calibrate())
    write_atomic(path, data)
    return path


def export_json(
    session: Session,
    dest: Path,
    passphrase: str | None = None,
    params: kdf.KdfParams | None = None,
    progress: Progress | None = None,
) -> Path:
    document = {
        "format": "hrdesk-export",
        "version": 1,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cases": list(iter_cases(session, progress)),
    }
    data = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    return _write(Path(dest), data, passphrase, params)


_TABLES: dict[str, tuple[str, ...]] = {
    "cases": (
        "ref",
        "title",
        "status",
        "priority",
        "sensitivity",
        "opened_on",
        "closed_on",
        "country",
        "region",
        "locality",
        "tags",
        "assigned",
        "summary",
    ),
    "people": (
        "case_ref",
        "id",
        "role",
        "name",
        "alias",
        "actor_type",
        "sex",
        "gender",
        "birth_date",
        "birth_year",
        "age_range",
        "nationality",
        "languages",
        "vulnerabilities",
        "contact",
    ),
    "incidents": (
        "case_ref",
        "id",
        "date",
        "date_precision",
        "place",
        "violations",
        "victims",
        "perpetrators",
        "description",
    ),
    "notes": ("case_ref", "id", "date", "author", "confidential", "text"),
}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(str(item) for item in value)
    text = str(value)
    # A leading = + - @ would run as a formula in a spreadsheet (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_csv(
    session: Session,
    dest_dir: Path,
    passphrase: str | None = None,
    params: kdf.KdfParams | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """One UTF-8 CSV (with BOM, so spreadsheet programs read scripts right) per table."""
    dest_dir = Path(dest_dir)
    if dest_dir.exists() and not dest_dir.is_dir():
        raise HrdeskError(_("{path} is not a folder.").format(path=dest_dir))
    make_private_dir(dest_dir)
    if passphrase is not None:
        params = params or kdf.calibrate()
    buffers = {name: io.StringIO() for name in _TABLES}
    writers = {name: csv.writer(buffers[name]) for name in _TABLES}
    for name, columns in _TABLES.items():
        writers[name].writerow(columns)
    for case in iter_cases(session, progress):
        flat = case | case.get("location", {})
        writers["cases"].writerow([_cell(flat.get(c)) for c in _TABLES["cases"]])
        for table in ("people", "incidents", "notes"):
            for item in case.get(table, []):
                row = item | {"case_ref": case["ref"]}
                writers[table].writerow([_cell(row.get(c)) for c in _TABLES[table]])
    return [
        _write(
            dest_dir / f"{name}.csv",
            ("\ufeff" + buffer.getvalue()).encode("utf-8"),
            passphrase,
            params,
        )
        for name, buffer in buffers.items()
    ]


def unseal_file(source: Path, dest: Path, passphrase: str) -> None:
    try:
        blob = Path(source).read_bytes()
    except OSError as exc:
        raise HrdeskError(_("Cannot read {path}.").format(path=source)) from exc
    write_atomic(Path(dest), sealed.unseal(blob, passphrase))
