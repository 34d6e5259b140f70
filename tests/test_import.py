"""``hrdesk import`` on real files and real vaults: a messy spreadsheet as Excel saves it
(CSV with a BOM and ``;``, and XLSX with real date cells), the dry run, the mapping file,
all-or-nothing writing, hrdesk's own JSON export, bad inputs and what errors may show.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from hrdesk.core import importmap
from hrdesk.services import cases, export, importer
from hrdesk.store import vault

from .conftest import PASSPHRASE, cheap_params

TODAY = dt.date(2026, 11, 24)

# -- the messy spreadsheet ----------------------------------------------------------------
# Headers as an organization's own sheet names them: synonyms, not hrdesk's targets.
HEADERS = [
    "Case name",
    "Date opened",
    "Status",
    "Country",
    "Governorate",
    "Name of victim",
    "Sex",
    "Year of birth",
    "Type of violation",
    "Date of incident",
    "Keywords",
    "Remarks",
]
SUGGESTED = {
    "Case name": "title",
    "Date opened": "opened_on",
    "Status": "status",
    "Country": "location.country",
    "Governorate": "location.region",
    "Name of victim": "victim.name",
    "Sex": "victim.sex",
    "Year of birth": "victim.birth_year",
    "Type of violation": "incident.violations",
    "Date of incident": "incident.date",
    "Keywords": "tags",
    "Remarks": "note.text",
}
AHMAD = "أحمد عبد الله"
AUNG = "အောင်ကျော်မင်း"
KHIN = "ခင်မာလာ"
OLGA = "Ольга Петренко"
DMITRY = "Дмитрий Соколов"
FATIMA = "فاطمة الزهراء"
BLANK = [None] * len(HEADERS)

# Keyed by the row number the spreadsheet shows (the header is row 1). Cells are what a
# spreadsheet holds: text, numbers (a year typed in Excel is 1988.0 once it is a float),
# and real date cells (datetime), which a CSV saved by Excel holds as dd/mm/yyyy text.
ROWS: dict[int, list[Any]] = {
    2: [
        "Detention of a journalist",
        "03/01/2026",
        "Open",
        "Sudan",
        "Khartoum",
        AHMAD,
        "male",
        1988.0,
        "Arbitrary detention",
        "2026-01-02",
        "journalist; press",
        "Taken from his home at night\nby men in plain clothes.",  # Alt+Enter: 2 lines
    ],
    3: BLANK,
    4: [
        "Beating at a checkpoint",
        dt.datetime(2026, 1, 5),
        "active",
        "MM",
        "Yangon",
        AUNG,
        "M",  # not a label of the sex vocabulary
        1990.0,
        "physical-assault",
        "2026-02",  # only the month is known
        "a; b",
        "Seen at the clinic two days later.",
    ],
    5: [
        "Threats against a lawyer",
        "2026-01-03",
        "Ouvert",  # French for open: not a label hrdesk knows
        "Myanmar",
        "Mandalay",
        KHIN,
        "F",
        1975,
        "torture",
        "2025",  # only the year is known
        "lawyers",
        "Phone calls at night.",
    ],
    6: [
        "Disappearance near Kharkiv",
        "12 Jan 2026",  # a format that is not among the defaults
        "on hold",
        "UA",
        "Kharkiv",
        OLGA,
        "female",
        None,
        "enforced disappearance",
        "2025-11",
        None,
        None,
    ],
    7: BLANK,
    8: [
        "Raid on a press office",
        "31/02/2026",  # there is no 31 February
        "Open",
        "SD",
        "Darfur",
        FATIMA,
        "Female",
        1992,
        "property-destruction; threats-harassment",
        dt.datetime(2026, 2, 10),
        "press",
        "Computers taken.",
    ],
    9: [
        "Arrest at a protest",
        "3.1.2026",
        "ACTIVE",
        "Atlantis",  # no such country
        None,
        DMITRY,
        "male",
        2001.0,
        "Arbitrary detention, Torture or ill-treatment",
        "2026-01-03",
        "protest, students",
        "Held for two days.",
    ],
    10: [
        "Eviction of a family",
        dt.datetime(2026, 1, 20),
        "Open",
        "sd",
        "Kassala",
        "Amina Yusuf",
        "female",
        None,
        "Forced displacement",
        "2024",
        None,
        "Family of six.",
    ],
    11: ["  ", "", None, None, None, None, None, None, None, None, None, " "],
    12: [
        "Attack on a clinic",
        "2026-02-14",
        "Active",
        "myanmar",
        "Sagaing",
        None,
        None,
        None,
        "killing",
        "14/02/2026",
        None,
        "No names known yet.",
    ],
    13: [
        "Surveillance of activists",
        "14/02/2026",
        "open",
        "Russia",
        "Moscow",
        "Иван Кузнецов",
        "male",
        1985.0,
        "unlawful surveillance",
        "2025-12",
        "hrd",
        None,
    ],
    14: [
        "Denial of medical care",
        "1.3.2026",
        "Open",
        "sd",
        "Khartoum",
        "محمد إبراهيم",
        "male",
        1979.0,
        "denial-of-essential-services",
        "2026-02-28",
        None,
        "Refused at two hospitals.",
    ],
    15: [
        "Threats to a teacher",
        dt.datetime(2026, 3, 2),
        "Open",
        "Sudan",
        "Gezira",
        "Huda Osman",
        "female",
        1983.0,
        "Threats and harassment",
        "2026-03",
        "teachers",
        "Letters left at the school.",
    ],
}
BLANK_ROWS = 3  # rows 3, 7 and 11
DATA_ROWS = len(ROWS) - BLANK_ROWS
# Every bad cell of the dry run without a mapping: (row, column).
BAD_CELLS = [
    (4, "Sex"),
    (5, "Status"),
    (5, "Sex"),
    (5, "Type of violation"),
    (6, "Date opened"),
    (8, "Date opened"),
    (9, "Country"),
]
# What the organization fixes in the file after the dry run (the rest goes in the mapping).
CORRECTIONS = {(8, "Date opened"): "28/02/2026", (9, "Country"): "Chad"}
MAPPING = {
    "columns": SUGGESTED,
    "values": {
        "status": {"Ouvert": "open"},
        "victim.sex": {"F": "female", "M": "male"},
        "incident.violations": {"torture": "torture-ill-treatment"},
    },
    "date_formats": ["%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y", "%d %b %Y"],
}


def rows_of(corrected: bool = False) -> list[list[Any]]:
    table = []
    for number in sorted(ROWS):
        row = list(ROWS[number])
        if corrected:
            for (at, column), value in CORRECTIONS.items():
                if at == number:
                    row[HEADERS.index(column)] = value
        table.append(row)
    return table


def csv_cell(value: Any) -> str:
    """A cell as a CSV holds it: dates as Excel writes them (dd/mm/yyyy), numbers as a
    data tool writes a column of floats (1988.0, as pandas does when a year is missing)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    return str(value)


def write_csv(
    path: Path,
    headers: list[str],
    rows: list[list[Any]],
    delimiter: str = ";",
    encoding: str = "utf-8-sig",
) -> Path:
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return path


def write_xlsx(path: Path, headers: list[str], rows: list[list[Any]], title: str = "Cases") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for cell in sheet["B"][1:] + sheet["J"][1:]:
        if isinstance(cell.value, dt.datetime):
            cell.number_format = "DD/MM/YYYY"
    book.save(path)
    return path


def write_sheet(path: Path, corrected: bool = False) -> Path:
    if path.suffix == ".xlsx":
        return write_xlsx(path, HEADERS, rows_of(corrected))
    return write_csv(path, HEADERS, rows_of(corrected))


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# -- looking at the vault -----------------------------------------------------------------


def vault_files(vault_dir: Path) -> dict[str, str]:
    """Every file of the vault folder and a digest of its bytes."""
    return {
        str(path.relative_to(vault_dir)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(vault_dir.rglob("*"))
        if path.is_file()
    }


def counts(session: vault.Session) -> tuple[int, int, int]:
    """(cases, op-log rows, commits) as this connection sees them now."""
    conn = session.conn
    return (
        conn.execute("SELECT count(*) FROM cases").fetchone()[0],
        conn.execute("SELECT count(*) FROM ops").fetchone()[0],
        conn.execute("SELECT seq FROM local_device").fetchone()[0],
    )


def counts_on_disk(vault_dir: Path) -> tuple[int, int, int]:
    with vault.unlock(vault_dir, PASSPHRASE) as session:
        return counts(session)


def listed(cli) -> dict[str, str]:
    """title -> ref of every case in the vault."""
    result = cli("case", "list", "--json", "--limit", "1000")
    assert result.code == 0, result.err
    return {row["title"]: row["ref"] for row in json.loads(result.out)}


def show(cli, ref: str) -> dict[str, Any]:
    result = cli("case", "show", ref, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def report_of(result) -> dict[str, Any]:
    assert result.err == "", result.err
    return json.loads(result.out)


SHEETS = pytest.mark.parametrize("name", ["cases.csv", "cases.xlsx"])


# -- dry run ------------------------------------------------------------------------------


def test_the_files_hold_what_excel_and_other_tools_write(tmp_path):
    _headers, csv_rows = importer.read_table(write_sheet(tmp_path / "cases.csv"))
    _headers, xlsx_rows = importer.read_table(write_sheet(tmp_path / "cases.xlsx"))
    assert (tmp_path / "cases.csv").read_bytes().startswith(codecs.BOM_UTF8)
    csv_row, xlsx_row = list(csv_rows)[2], list(xlsx_rows)[2]  # spreadsheet row 4
    assert csv_row[1:3] + csv_row[7:8] == ["05/01/2026", "active", "1990.0"]
    assert xlsx_row[1] == dt.datetime(2026, 1, 5)  # a date cell
    assert xlsx_row[7] == 1990  # a number cell
    mapping = importmap.Mapping(SUGGESTED)
    assert importmap.convert("victim.birth_year", 1988.0, mapping) == 1988
    assert importmap.convert("opened_on", dt.datetime(2026, 1, 5, 0, 0), mapping) == "2026-01-05"
    assert importmap.convert("incident.date", dt.datetime(2026, 2, 10), mapping) == "2026-02-10"
    assert importmap.convert("incident.date", 2025, mapping) == "2025"
    assert importmap.convert("incident.date", "02/2026", mapping) == "2026-02"


@SHEETS
def test_a_dry_run_suggests_a_mapping_reports_every_bad_cell_and_writes_nothing(
    cli, created, vault_dir, tmp_path, name
):
    sheet = write_sheet(tmp_path / name)
    created.session.lock()
    before = vault_files(vault_dir)
    assert "hrdesk.db" in before

    result = cli("import", str(sheet), "--dry-run", "--json")

    assert result.code == 1
    report = report_of(result)
    assert report["mapping"]["columns"] == SUGGESTED
    assert (report["rows"], report["blank_rows"]) == (DATA_ROWS, BLANK_ROWS)
    assert [(e["row"], e["column"]) for e in report["errors"]] == BAD_CELLS
    assert (report["cases"], report["created"]) == (DATA_ROWS - len(dict(BAD_CELLS)), 0)
    assert vault_files(vault_dir) == before
    assert counts_on_disk(vault_dir)[0] == 0


@SHEETS
def test_the_dry_run_report_for_people_names_rows_columns_and_what_is_wrong(
    cli, created, tmp_path, name
):
    sheet = write_sheet(tmp_path / name)
    before = counts(created.session)

    result = cli("import", str(sheet), "--dry-run")

    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0] == f"{DATA_ROWS} rows read; {BLANK_ROWS} blank rows skipped"
    problems = [line for line in lines if line.startswith("row ")]
    assert [line.split(":")[0] for line in problems] == [
        f"row {row}, column “{column}”" for row, column in BAD_CELLS
    ]
    assert "“M” is not one of: female, male, other, unknown" in problems[0]
    assert "“Ouvert” is not one of: open, active" in problems[1]
    assert "“torture” is not one of: killing" in problems[3]
    # Only slug- and date-like values are echoed (hrdesk.core.validate.shown); the row and
    # column say where, the formats say what would be understood.
    assert "“…” is not a date in any of the formats %Y-%m-%d, %d/%m/%Y, %d.%m.%Y" in problems[4]
    assert "“31/02/2026” is not a date" in problems[5]
    assert "not a known country name or ISO code" in problems[6]
    assert "Nothing was imported." in result.out
    assert "Mapping used (save it to a file" in result.out
    suggested = json.loads(result.out[result.out.index("{") :])
    assert suggested["columns"] == SUGGESTED
    assert before[0] == 0
    assert counts(created.session) == before


# -- importing for real -------------------------------------------------------------------


@SHEETS
def test_an_import_with_errors_left_exits_1_and_writes_nothing(
    cli, created, vault_dir, tmp_path, name
):
    sheet = write_sheet(tmp_path / name)
    created.session.lock()
    before = vault_files(vault_dir)

    result = cli("import", str(sheet))

    assert result.code == 1
    assert "Nothing was imported." in result.out
    assert "cases created" not in result.out
    assert vault_files(vault_dir) == before
    assert counts_on_disk(vault_dir)[0] == 0


@SHEETS
def test_with_a_mapping_and_the_rows_corrected_everything_imports_in_one_go(
    cli, created, vault_dir, tmp_path, name
):
    sheet = write_sheet(tmp_path / name, corrected=True)
    mapping = write_json(tmp_path / "mapping.json", MAPPING)
    created.session.lock()
    before = vault_files(vault_dir)
    _cases, ops_before, seq_before = counts_on_disk(vault_dir)

    checked = cli("import", str(sheet), "--mapping", str(mapping), "--dry-run")
    assert checked.code == 0, checked.out + checked.err
    assert f"{DATA_ROWS} cases would be created." in checked.out
    assert "Mapping used" not in checked.out  # it was given
    assert vault_files(vault_dir) == before  # a clean dry run writes nothing either

    result = cli("import", str(sheet), "--mapping", str(mapping))

    assert result.code == 0, result.out + result.err
    assert result.out.splitlines() == [
        f"{DATA_ROWS} rows read; {BLANK_ROWS} blank rows skipped",
        f"{DATA_ROWS} cases created.",
    ]
    cases_after, ops_after, seq_after = counts_on_disk(vault_dir)
    assert cases_after == DATA_ROWS
    assert ops_after > ops_before
    assert seq_after == seq_before + 1  # a single commit
    refs = listed(cli)
    assert len(refs) == DATA_ROWS
    assert set(refs) == {row[0] for row in ROWS.values() if row[0] and row[0].strip()}

    journalist = show(cli, refs["Detention of a journalist"])
    assert journalist["opened_on"] == "2026-01-03"
    assert journalist["status"] == "open"
    assert journalist["location"] == {"country": "SD", "region": "Khartoum"}
    assert journalist["tags"] == ["journalist", "press"]
    [victim] = journalist["people"]
    assert {k: victim[k] for k in ("name", "role", "sex", "birth_year")} == {
        "name": AHMAD,
        "role": "victim",
        "sex": "male",
        "birth_year": 1988,
    }
    [incident] = journalist["incidents"]
    assert incident["date"] == "2026-01-02"
    assert incident["date_precision"] == "exact"
    assert incident["violations"] == ["arbitrary-detention"]
    assert incident["victims"] == [AHMAD]
    [note] = journalist["notes"]
    assert note["text"] == "Taken from his home at night\nby men in plain clothes."
    assert note["date"] == "2026-01-03"

    checkpoint = show(cli, refs["Beating at a checkpoint"])
    assert checkpoint["opened_on"] == "2026-01-05"  # an Excel date cell, or 05/01/2026
    assert checkpoint["location"]["country"] == "MM"
    assert checkpoint["people"][0]["name"] == AUNG
    assert checkpoint["people"][0]["sex"] == "male"  # "M" through the mapping's values
    assert checkpoint["tags"] == ["a", "b"]
    assert checkpoint["incidents"][0]["date"] == "2026-02"
    assert checkpoint["incidents"][0]["date_precision"] == "month"
    assert checkpoint["incidents"][0]["victims"] == [AUNG]

    lawyer = show(cli, refs["Threats against a lawyer"])
    assert lawyer["status"] == "open"  # "Ouvert"
    assert lawyer["location"] == {"country": "MM", "region": "Mandalay"}  # "Myanmar"
    assert (lawyer["people"][0]["name"], lawyer["people"][0]["sex"]) == (KHIN, "female")
    assert lawyer["people"][0]["birth_year"] == 1975
    assert lawyer["incidents"][0]["violations"] == ["torture-ill-treatment"]
    assert (lawyer["incidents"][0]["date"], lawyer["incidents"][0]["date_precision"]) == (
        "2025",
        "year",
    )

    kharkiv = show(cli, refs["Disappearance near Kharkiv"])
    assert kharkiv["opened_on"] == "2026-01-12"  # "12 Jan 2026" through date_formats
    assert kharkiv["status"] == "on-hold"
    assert kharkiv["people"][0]["name"] == OLGA
    assert "birth_year" not in kharkiv["people"][0]
    assert kharkiv["incidents"][0]["violations"] == ["enforced-disappearance"]
    assert kharkiv["incidents"][0]["date_precision"] == "month"
    assert kharkiv["tags"] == [] and kharkiv["notes"] == []

    raid = show(cli, refs["Raid on a press office"])
    assert raid["opened_on"] == "2026-02-28"
    assert raid["incidents"][0]["date"] == "2026-02-10"
    assert raid["incidents"][0]["violations"] == ["property-destruction", "threats-harassment"]
    assert raid["people"][0]["name"] == FATIMA

    protest = show(cli, refs["Arrest at a protest"])
    assert protest["opened_on"] == "2026-01-03"  # 3.1.2026
    assert protest["status"] == "active"
    assert protest["location"] == {"country": "TD"}
    assert protest["incidents"][0]["violations"] == [
        "arbitrary-detention",
        "torture-ill-treatment",
    ]
    assert protest["tags"] == ["protest", "students"]
    assert protest["people"][0]["name"] == DMITRY

    eviction = show(cli, refs["Eviction of a family"])
    assert eviction["opened_on"] == "2026-01-20"
    assert eviction["location"]["country"] == "SD"
    assert (eviction["incidents"][0]["date"], eviction["incidents"][0]["date_precision"]) == (
        "2024",
        "year",
    )

    clinic = show(cli, refs["Attack on a clinic"])
    assert clinic["people"] == []
    assert clinic["incidents"][0]["date"] == "2026-02-14"
    assert clinic["incidents"][0]["victims"] == []
    assert clinic["location"]["country"] == "MM"

    assert len({ref.rsplit("-", 1)[0] for ref in refs.values()}) == 1
    assert sorted(ref.rsplit("-", 1)[1] for ref in refs.values()) == [
        f"{n:04d}" for n in range(1, DATA_ROWS + 1)
    ]


def test_a_failure_while_writing_the_fifth_case_leaves_the_vault_unchanged(
    session, tmp_path, monkeypatch
):
    sheet = write_sheet(tmp_path / "cases.csv", corrected=True)
    mapping = importmap.parse_mapping(MAPPING)
    before = counts(session)
    real_write = cases._write_new_case
    written: list[str] = []

    def write_then_fail(*args: Any) -> str:
        if len(written) == 4:
            raise OSError("disk full")
        written.append(real_write(*args))
        return written[-1]

    monkeypatch.setattr(cases, "_write_new_case", write_then_fail)
    with pytest.raises(OSError, match="disk full"):
        importer.import_file(session, sheet, mapping, today=TODAY)

    assert len(written) == 4  # four cases were written inside the transaction...
    assert counts(session) == before  # ...and rolled back with it
    for case_id in written:
        assert session.conn.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)).fetchall() == []
    assert cases.search(session, "journalist") == []

    monkeypatch.undo()
    report = importer.import_file(session, sheet, mapping, today=TODAY)
    assert len(report.created) == DATA_ROWS
    assert counts(session)[0] == DATA_ROWS
    assert counts(session)[2] == before[2] + 1


def test_a_failure_mid_write_through_the_cli_is_reported_and_leaves_the_vault_unchanged(
    cli, created, vault_dir, tmp_path, monkeypatch
):
    sheet = write_sheet(tmp_path / "cases.xlsx", corrected=True)
    mapping = write_json(tmp_path / "mapping.json", MAPPING)
    created.session.lock()
    before = counts_on_disk(vault_dir)
    real_write = cases._write_new_case
    calls = []

    def write_then_fail(*args: Any) -> str:
        calls.append(1)
        if len(calls) == 5:
            raise OSError("disk full")
        return real_write(*args)

    monkeypatch.setattr(cases, "_write_new_case", write_then_fail)
    result = cli("import", str(sheet), "--mapping", str(mapping))

    assert result.code == 70
    assert "unexpected error (OSError)" in result.err
    assert len(calls) == 5
    assert counts_on_disk(vault_dir) == before


# -- hrdesk's own JSON export -------------------------------------------------------------

FULL_CASES = [
    {
        "title": "Detention of Hassan Omar",
        "opened_on": "2026-03-01",
        "status": "active",
        "priority": "high",
        "sensitivity": "sensitive",
        "summary": "Arrested at a checkpoint, held without charge.",
        "location": {"country": "SD", "region": "Khartoum", "locality": "Bahri"},
        "tags": ["press", "detention"],
        "people": [
            {
                "name": "Hassan Omar",
                "role": "victim",
                "sex": "male",
                "birth_year": 1988,
                "contact": "+249 912 000 111",
                "vulnerabilities": ["hrd"],
                "consents": [
                    {"scope": "store-data", "granted": True, "date": "2026-03-01"},
                    {
                        "scope": "refer-providers",
                        "granted": True,
                        "date": "2026-03-01",
                        "note": "verbal, recorded",
                    },
                ],
            },
            {"name": "Unit 9", "role": "alleged-perpetrator", "actor_type": "state"},
            {"alias": "Witness A", "role": "witness"},
        ],
        "incidents": [
            {
                "date": "2026-02",
                "date_precision": "month",
                "place": "Checkpoint on the Bahri bridge",
                "violations": ["arbitrary-detention", "torture-ill-treatment"],
                "victims": ["Hassan Omar"],
                "perpetrators": ["Unit 9"],
            }
        ],
        "notes": [
            {"date": "2026-03-01", "text": "Intake interview with his brother."},
            {"date": "2026-03-02", "text": "Lawyer contacted.", "confidential": True},
        ],
        "services": [
            {
                "type": "legal-aid",
                "person": "Hassan Omar",
                "provider": "Lawyers Network",
                "status": "referred",
                "requested_on": "2026-03-02",
            },
            {
                "type": "psychosocial",
                "person": "Hassan Omar",
                "status": "in-progress",
                "requested_on": "2026-03-03",
                "started_on": "2026-03-04",
            },
        ],
    },
    {
        "title": "Эвакуация семьи Петренко",
        "opened_on": "2026-04-10",
        "location": {"country": "UA", "region": "Kharkiv"},
        "people": [
            {
                "name": OLGA,
                "role": "victim",
                "sex": "female",
                "age_range": "30-39",
                "consents": [{"scope": "share-dossiers", "granted": False, "date": "2026-04-10"}],
            }
        ],
        "incidents": [
            {"date": "2025", "date_precision": "year", "violations": ["forced-displacement"]}
        ],
        "notes": [{"date": "2026-04-10", "text": "Family relocated to Lviv."}],
    },
    {
        "title": "تهديدات لمحامية",
        "opened_on": "2026-05-05",
        "status": "closed",
        "closed_on": "2026-06-01",
        "people": [{"name": FATIMA, "role": "victim"}],
        "incidents": [
            {"date": "2026-05-01", "violations": ["threats-harassment"], "victims": [FATIMA]}
        ],
    },
]


def _without_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k not in ("id", "service")}
    if isinstance(value, list):
        return [_without_ids(item) for item in value]
    return value


def _content(case: dict[str, Any]) -> dict[str, Any]:
    """What an import must carry over: everything but what hrdesk assigns."""
    skip = ("id", "ref", "created_at", "updated_at", "followups")
    return _without_ids({k: v for k, v in case.items() if k not in skip})


@pytest.fixture
def source(tmp_path: Path):
    """Another vault with a few full cases (and its own device tag in the refs)."""
    made = vault.create_vault(tmp_path / "source", PASSPHRASE, "Partner", "amina", cheap_params())
    for data in FULL_CASES:
        cases.add_case(made.session, json.loads(json.dumps(data)), TODAY)
    yield made.session
    made.session.lock()


def listed_in(session: vault.Session) -> dict[str, str]:
    """title -> ref of every case in that vault."""
    return {case["title"]: case["ref"] for case in export.iter_cases(session)}


def test_an_hrdesk_json_export_imports_into_a_fresh_vault_with_new_refs(
    cli, created, source, tmp_path
):
    exported = export.export_json(source, tmp_path / "export.json")
    originals = {
        case["title"]: cases.show_case(source, case["ref"]) for case in export.iter_cases(source)
    }

    result = cli("import", str(exported))

    assert result.code == 0, result.out + result.err
    assert f"{len(FULL_CASES)} cases created." in result.out
    refs = listed(cli)
    assert set(refs) == {case["title"] for case in FULL_CASES}
    for title, original in originals.items():
        imported = show(cli, refs[title])
        assert imported["ref"] != original["ref"]
        assert imported["id"] != original["id"]
        assert imported["people"] and imported["incidents"]
        for key in ("title", "status", "opened_on", "location", "tags", "people", "incidents"):
            assert _content(imported).get(key) == _content(original).get(key), (title, key)
        assert _content(imported)["notes"] == _content(original)["notes"], title
    hassan = show(cli, refs["Detention of Hassan Omar"])
    assert [c["scope"] for c in hassan["people"][0]["consents"]] == [
        "store-data",
        "refer-providers",
    ]
    assert hassan["people"][2] == {"id": hassan["people"][2]["id"], **FULL_CASES[0]["people"][2]}


def test_services_and_their_providers_survive_an_export_and_import(cli, created, source, tmp_path):
    exported = export.export_json(source, tmp_path / "export.json")
    original = cases.show_case(source, listed_in(source)["Detention of Hassan Omar"])
    assert len(original["services"]) == 2
    in_file = json.loads(exported.read_text(encoding="utf-8"))["cases"]
    assert [len(case.get("services", [])) for case in in_file] == [0, 0, 2], (
        "export json must carry each case's services (docs/case-json.md: export json uses "
        "the shape of case show --json)"
    )

    result = cli("import", str(exported))

    assert result.code == 0, result.out + result.err
    imported = show(cli, listed(cli)["Detention of Hassan Omar"])
    assert _content(imported).get("services") == _content(original)["services"]
    providers = cli("provider", "list", "--json")
    assert [p["name"] for p in json.loads(providers.out)] == ["Lawyers Network"]


def test_cases_as_case_show_prints_them_import_with_services_and_consents(
    cli, created, source, tmp_path
):
    """The importer's own part of the round trip: given cases with services (the shape of
    ``case show --json``), it recreates services, providers and consents."""
    shown = [cases.show_case(source, ref) for ref in listed_in(source).values()]
    path = write_json(tmp_path / "shown.json", shown)

    result = cli("import", str(path), "--json")

    assert result.code == 0, result.out + result.err
    assert report_of(result)["created"] == len(FULL_CASES)
    refs = listed(cli)
    for original in shown:
        imported = show(cli, refs[original["title"]])
        assert imported["ref"] != original["ref"]
        assert _content(imported) == _content(original), original["title"]
    hassan = show(cli, refs["Detention of Hassan Omar"])
    assert [(s["type"], s.get("provider"), s["status"]) for s in hassan["services"]] == [
        ("legal-aid", "Lawyers Network", "referred"),
        ("psychosocial", None, "in-progress"),
    ]


# -- bad inputs ---------------------------------------------------------------------------

SMALL_HEADERS = ["Case name", "Date opened", "Country", "Name of victim", "Sex"]
SMALL_ROWS = [
    ["Café attack", "03/01/2026", "Sudan", "Hassan Omar", "male"],
    ["Arrest in Omdurman", "04/01/2026", "SD", AHMAD, "female"],
]


def test_a_csv_that_is_not_utf8_is_refused_with_a_message_about_utf8(cli, created, tmp_path):
    sheet = write_csv(tmp_path / "cp1252.csv", SMALL_HEADERS, SMALL_ROWS[:1], encoding="cp1252")
    assert "é".encode("cp1252") in sheet.read_bytes()

    result = cli("import", str(sheet), "--dry-run")

    assert result.code != 0
    assert "cp1252.csv is not UTF-8 text" in result.err
    assert "CSV UTF-8" in result.err
    assert "unexpected error" not in result.err


def test_an_xlsx_that_is_not_a_workbook_is_refused_clearly(cli, created, tmp_path):
    garbage = tmp_path / "cases.xlsx"
    garbage.write_bytes(b"PK\x03\x04 this is not really a workbook " * 50)

    result = cli("import", str(garbage), "--dry-run")

    assert result.code != 0
    assert "cases.xlsx is not a readable .xlsx workbook" in result.err
    assert "unexpected error" not in result.err


def test_a_mapping_with_an_unknown_target_names_the_column(cli, created, tmp_path):
    sheet = write_csv(tmp_path / "cases.csv", SMALL_HEADERS, SMALL_ROWS)
    mapping = write_json(
        tmp_path / "mapping.json",
        {"columns": {"Case name": "title", "Name of victim": "victim.full_name"}},
    )

    result = cli("import", str(sheet), "--mapping", str(mapping), "--dry-run")

    assert result.code != 0
    assert "columns.Name of victim" in result.err
    assert "“victim.full_name” is not a field that can be imported" in result.err


def test_a_mapping_naming_a_column_absent_from_the_file_names_it(cli, created, tmp_path):
    sheet = write_csv(tmp_path / "cases.csv", SMALL_HEADERS, SMALL_ROWS)
    mapping = write_json(
        tmp_path / "mapping.json", {"columns": {"Case name": "title", "Reference": "summary"}}
    )

    result = cli("import", str(sheet), "--mapping", str(mapping))

    assert result.code == 1
    assert "row 1, column “Reference”: this column named in the mapping is not in the file" in (
        result.out
    )
    assert counts(created.session)[0] == 0


def test_without_a_column_for_the_title_nothing_is_imported(cli, created, tmp_path):
    sheet = write_csv(
        tmp_path / "cases.csv", ["Heading", "Country"], [["Café attack", "SD"], ["Raid", "SD"]]
    )

    result = cli("import", str(sheet))

    assert result.code == 1
    assert "row 1: no column is mapped to the case title" in result.out
    assert counts(created.session)[0] == 0


def test_a_utf16_tab_separated_csv_imports(cli, created, tmp_path):
    """Excel's "Unicode text" (UTF-16 with a BOM, tab-separated)."""
    sheet = write_csv(
        tmp_path / "unicode.csv", SMALL_HEADERS, SMALL_ROWS, delimiter="\t", encoding="utf-16"
    )
    assert sheet.read_bytes()[:2] == codecs.BOM_UTF16_LE

    result = cli("import", str(sheet))

    assert result.code == 0, result.out + result.err
    assert "2 cases created." in result.out
    refs = listed(cli)
    cafe = show(cli, refs["Café attack"])
    assert (cafe["opened_on"], cafe["location"]) == ("2026-01-03", {"country": "SD"})
    arrest = show(cli, refs["Arrest in Omdurman"])
    assert (arrest["people"][0]["name"], arrest["people"][0]["sex"]) == (AHMAD, "female")


def test_the_mapping_chooses_the_sheet_of_a_workbook(cli, created, tmp_path):
    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Instructions"
    book.active.append(["Fill in the Cases sheet; one row per case."])
    cases_sheet = book.create_sheet("Cases")
    cases_sheet.append(SMALL_HEADERS)
    for row in SMALL_ROWS:
        cases_sheet.append(row)
    book.save(path)
    columns = {"Case name": "title", "Country": "location.country"}

    wrong = write_json(tmp_path / "wrong.json", {"columns": columns, "sheet": "Sheet9"})
    missing = cli("import", str(path), "--mapping", str(wrong))
    assert missing.code != 0
    assert "The workbook has no sheet named “Sheet9”." in missing.err

    right = write_json(tmp_path / "right.json", {"columns": columns, "sheet": "Cases"})
    result = cli("import", str(path), "--mapping", str(right))
    assert result.code == 0, result.out + result.err
    assert set(listed(cli)) == {"Café attack", "Arrest in Omdurman"}


# -- what an error may show ---------------------------------------------------------------

PHONE = "+249 912 345 678"
LONG_NAME = "Abdelrahman-Mohamed-Osman-Alhassan-Ibrahim-Khalil"
FULL_NAME = "Hawa Adam Abdallah"


@pytest.mark.parametrize("as_json", [False, True])
def test_errors_never_echo_a_phone_number_or_a_name_typed_in_the_wrong_column(
    cli, created, tmp_path, as_json
):
    headers = ["Case name", "Status", "Sex", "Type of violation", "Date opened", "Country"]
    rows = [
        ["Threats", LONG_NAME, PHONE, FULL_NAME, PHONE, PHONE],
        ["Raid", "open", FULL_NAME, PHONE, LONG_NAME, FULL_NAME],
    ]
    sheet = write_csv(tmp_path / "misplaced.csv", headers, rows)

    result = cli("import", str(sheet), "--dry-run", *(["--json"] if as_json else []))

    assert result.code == 1
    shown = result.out + result.err
    if as_json:
        reported = [(e["row"], e["column"]) for e in report_of(result)["errors"]]
    else:
        where = [line.split(":")[0] for line in shown.splitlines() if line.startswith("row ")]
        reported = [
            (int(row[4:]), column.strip("“”"))
            for row, column in (text.split(", column ") for text in where)
        ]
    assert reported == [(2, column) for column in headers[1:]] + [
        (3, column) for column in headers[2:]
    ]
    for canary in (PHONE, LONG_NAME, FULL_NAME, "912", "345 678", "Abdelrahman", "Hawa"):
        assert canary not in shown


# -- smaller things a spreadsheet brings ------------------------------------------------------


@pytest.mark.parametrize(
    ("mapping", "path", "message"),
    [
        ({"columns": {"Case name": ["title"]}}, "columns.Case name", "is not a field"),
        (
            {"columns": {"Case name": "title"}, "values": {"victim.sex": "female"}},
            "values.victim.sex",
            "expected an object",
        ),
        (
            {"columns": {"Case name": "title"}, "values": {"sex": {"F": "female"}}},
            "values.sex",
            "“sex” is not a field that can be imported",
        ),
    ],
)
def test_a_malformed_mapping_is_an_error_naming_where(
    cli, created, tmp_path, mapping, path, message
):
    sheet = write_csv(tmp_path / "cases.csv", SMALL_HEADERS, SMALL_ROWS)
    mapping_file = write_json(tmp_path / "mapping.json", mapping)

    result = cli("import", str(sheet), "--mapping", str(mapping_file), "--dry-run")

    assert result.code == 1
    assert f"hrdesk: {path}: " in result.err
    assert message in result.err
    assert "unexpected error" not in result.err


def test_a_victim_known_only_by_a_pseudonym_is_linked_to_the_incident_and_the_service(
    cli, created, tmp_path
):
    sheet = write_csv(
        tmp_path / "protected.csv",
        ["Case name", "Pseudonym", "Type of violation", "Date of incident", "Service"],
        [["Threats to a witness", "Witness K", "threats-harassment", "2026-01", "legal aid"]],
    )

    result = cli("import", str(sheet))

    assert result.code == 0, result.out + result.err
    case = show(cli, listed(cli)["Threats to a witness"])
    assert [(p.get("name"), p["alias"], p["role"]) for p in case["people"]] == [
        (None, "Witness K", "victim")
    ]
    assert case["incidents"][0]["victims"] == ["Witness K"]
    assert [(s["type"], s["person"]) for s in case["services"]] == [("legal-aid", "Witness K")]


def test_an_error_in_a_list_cell_names_its_column(cli, created, tmp_path):
    sheet = write_csv(
        tmp_path / "cases.csv",
        ["Case name", "Keywords"],
        [["Raid", "press; " + "x" * 61], ["Arrest", "press"]],
    )

    result = cli("import", str(sheet), "--dry-run", "--json")

    assert result.code == 1
    assert report_of(result)["errors"] == [
        {"row": 2, "column": "Keywords", "message": "is too long (at most 60 characters)"}
    ]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_the_separator_is_the_header_rows_even_when_a_cell_holds_a_list(
    cli, created, tmp_path, delimiter
):
    """One case, its tags written "a; b": too little for csv.Sniffer to decide."""
    sheet = write_csv(
        tmp_path / "one.csv",
        ["Case name", "Country", "Keywords"],
        [["Raid on a newspaper", "SD", "press; night, raid"]],
        delimiter=delimiter,
    )

    result = cli("import", str(sheet))

    assert result.code == 0, result.out + result.err
    case = show(cli, listed(cli)["Raid on a newspaper"])
    assert (case["location"], case["tags"]) == ({"country": "SD"}, ["press", "night", "raid"])
