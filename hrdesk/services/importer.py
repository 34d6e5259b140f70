"""``hrdesk import``: cases from CSV, XLSX (one row per case) or hrdesk's own JSON export.

Every row is read and checked first; every problem is reported with its row
and column. Only when there is none are the cases written, all in one
transaction: an import happens completely or not at all. ``dry_run`` stops
after the report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hrdesk.core import casejson, importmap, safeinput
from hrdesk.core.errors import HrdeskError, ValidationError
from hrdesk.i18n import _
from hrdesk.i18n.formatting import format_number
from hrdesk.services import tables
from hrdesk.services.cases import add_cases
from hrdesk.services.lookup import user_ids
from hrdesk.store.vault import Session

# Keys that hrdesk's own output adds and a new case cannot carry.
_OUTPUT_ONLY = {"id", "ref", "created_at", "updated_at", "created_by", "author", "followups"}
_GROUPS = ("victim", "perpetrator", "incident", "note", "service")


@dataclass
class RowError:
    row: int  # 1-based, as a spreadsheet shows it (the header is row 1)
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("row {row}, column “{column}”: {message}").format(
                row=self.row, column=self.column, message=self.message
            )
        return _("row {row}: {message}").format(row=self.row, message=self.message)


@dataclass
class ImportReport:
    rows: int = 0
    blank_rows: int = 0
    case_count: int = 0  # valid cases found (none is held in memory)
    errors: list[RowError] = field(default_factory=list)
    mapping: importmap.Mapping | None = None
    created: list[str] = field(default_factory=list)  # case ids, once written

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "blank_rows": self.blank_rows,
            "cases": self.case_count,
            "created": len(self.created),
            "errors": [
                {"row": e.row, "column": e.column, "message": e.message} for e in self.errors
            ],
            "mapping": self.mapping.to_json() if self.mapping else None,
        }


def import_file(
    session: Session,
    path: Path,
    mapping: importmap.Mapping | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> ImportReport:
    today = today or dt.date.today()
    path = Path(path)
    report = ImportReport()
    for _case in _cases(session, path, mapping, today, report):
        report.case_count += 1
    if not dry_run and not report.errors and report.case_count:
        # Read again, streaming each case into the one transaction: memory stays flat
        # whatever the number of rows.
        again = _cases(session, path, mapping, today, ImportReport(), check=False)
        report.created = add_cases(session, again, today)
    return report


def _cases(
    session: Session,
    path: Path,
    mapping: importmap.Mapping | None,
    today: dt.date,
    report: ImportReport,
    check: bool = True,
) -> Iterator[dict[str, Any]]:
    """The valid cases of the file, one at a time; problems go to ``report``.
    ``check=False`` skips the case checks (for a file already checked)."""
    if path.suffix.lower() == ".json":
        return _json_cases(session, path, today, report, check)
    return _table_cases(session, path, mapping, today, report, check)


# -- reading ------------------------------------------------------------------------------

read_table = tables.read_table  # header names and rows of a CSV or XLSX file, within limits


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


# -- planning -----------------------------------------------------------------------------


def _table_cases(
    session: Session,
    path: Path,
    mapping: importmap.Mapping | None,
    today: dt.date,
    report: ImportReport,
    check: bool = True,
) -> Iterator[dict[str, Any]]:
    headers, rows = read_table(path, mapping.sheet if mapping else None)
    mapping = mapping or importmap.suggest_mapping(headers)
    report.mapping = mapping
    missing = [column for column in mapping.columns if column not in headers]
    if missing:
        report.errors.append(
            RowError(1, missing[0], _("this column named in the mapping is not in the file"))
        )
        return
    if "title" not in mapping.columns.values():
        report.errors.append(RowError(1, None, _("no column is mapped to the case title")))
        return
    index = {column: headers.index(column) for column in mapping.columns}
    column_of = {target: column for column, target in mapping.columns.items()}
    for number, row in enumerate(rows, start=2):
        row = list(row) + [None] * (len(headers) - len(row))
        if all(_blank(cell) for cell in row):
            report.blank_rows += 1
            continue
        report.rows += 1
        case = _row_case(row, index, mapping, number, today, report.errors)
        if case is None:
            continue
        if not check:  # the write pass: add_cases checks each case itself
            yield case
            continue
        try:
            parsed = casejson.parse_new_case(case, today)
            user_ids(session, parsed.get("assigned", []), "assigned")
        except ValidationError as err:
            report.errors.append(
                RowError(number, _column_for(err.path, case, column_of), err.detail)
            )
            continue
        yield case


def _row_case(
    row: list[Any],
    index: dict[str, int],
    mapping: importmap.Mapping,
    number: int,
    today: dt.date,
    errors: list[RowError],
) -> dict[str, Any] | None:
    case: dict[str, Any] = {}
    groups: dict[str, dict[str, Any]] = {group: {} for group in _GROUPS}
    failed = False
    for column, target in mapping.columns.items():
        cell = row[index[column]]
        if _blank(cell):
            continue
        try:
            value = importmap.convert(target, cell, mapping)
        except ValidationError as err:
            errors.append(RowError(number, column, err.detail))
            failed = True
            continue
        head, _dot, name = target.partition(".")
        if head in groups:
            groups[head][name] = value
        elif head == "location":
            case.setdefault("location", {})[name] = value
        else:
            case[head] = value
    if failed:
        return None
    victim, perpetrator = groups["victim"], groups["perpetrator"]
    people = []
    if victim:
        people.append({**victim, "role": "victim"})
    if perpetrator:
        perpetrator.setdefault("actor_type", "unknown")
        people.append({**perpetrator, "role": "alleged-perpetrator"})
    if people:
        case["people"] = people
    # A person may be known only by an alias (a protected witness): link by either.
    victim_label = victim.get("name") or victim.get("alias")
    perpetrator_label = perpetrator.get("name") or perpetrator.get("alias")
    if groups["incident"]:
        incident = groups["incident"]
        if victim_label:
            incident["victims"] = [victim_label]
        if perpetrator_label:
            incident["perpetrators"] = [perpetrator_label]
        if "date" in incident:
            incident["date_precision"] = {4: "year", 7: "month"}.get(len(incident["date"]), "exact")
        case["incidents"] = [incident]
    if groups["note"]:
        case["notes"] = [{"date": case.get("opened_on", today.isoformat()), **groups["note"]}]
    if groups["service"]:
        case["services"] = [{**groups["service"], "person": victim_label or ""}]
    return case


def _column_for(path: str, case: dict[str, Any], column_of: dict[str, str]) -> str | None:
    """The spreadsheet column behind an error path such as ``people[0].sex``."""
    head, _dot, rest = path.partition(".")
    field_name = rest.split(".")[0].split("[")[0]
    group = {
        "incidents[0]": "incident",
        "notes[0]": "note",
        "services[0]": "service",
        "location": "location",
    }.get(head)
    if head.startswith("people["):
        person = case["people"][int(head[7:-1])]
        group = "victim" if person["role"] == "victim" else "perpetrator"
    target = f"{group}.{field_name}" if group else head.split("[")[0]
    if group == "service" and field_name == "person":
        target = "victim.name"
    return column_of.get(target)


def _json_cases(
    session: Session, path: Path, today: dt.date, report: ImportReport, check: bool = True
) -> Iterator[dict[str, Any]]:
    data = safeinput.read_json(path, tables.MAX_TABLE_BYTES)
    items = data.get("cases") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise HrdeskError(_("Expected an hrdesk export or a list of cases."))
    if len(items) > tables.MAX_ROWS:
        raise HrdeskError(
            _(
                "{path} holds more than {max} cases; hrdesk imports at most {max} at a time: "
                "split it into smaller files."
            ).format(path=path, max=format_number(tables.MAX_ROWS))
        )
    for number, item in enumerate(items, start=1):
        report.rows += 1
        case = _without_output_keys(item)
        if not check:  # the write pass: add_cases checks each case itself
            yield case
            continue
        try:
            casejson.parse_new_case(case, today)
            user_ids(
                session, case.get("assigned", []) if isinstance(case, dict) else [], "assigned"
            )
        except ValidationError as err:
            report.errors.append(RowError(number, err.path or None, err.detail))
            continue
        yield case


def _without_output_keys(value: Any) -> Any:
    """An exported case as a new one: ids, refs and what hrdesk computes are dropped."""
    if isinstance(value, dict):
        return {k: _without_output_keys(v) for k, v in value.items() if k not in _OUTPUT_ONLY}
    if isinstance(value, list):
        return [_without_output_keys(item) for item in value]
    return value
