"""Size bombs (issue 13, finding 5): small files that ask for enormous work are refused
before the work, or as soon as a real count passes its limit.

A 511 KB workbook kept ``hrdesk import --dry-run`` busy for over three minutes, and a
6 MB backup made ``restore`` write 2 GiB before refusing it. Each bomb here is built
small, in ``tmp_path``; each test asserts the refusal, the limit named in its message,
and (for backups) that nothing, or no more than declared, was written. No timing.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile
from collections import namedtuple
from pathlib import Path

import openpyxl
import pytest

from hrdesk.services import tables
from hrdesk.store import backup

from .test_bad_input import existing, one_line_error, snapshot  # noqa: F401 (fixture)


@pytest.fixture
def vault_with_case(request):
    """test_bad_input's vault: two users and one case, locked."""
    return request.getfixturevalue("existing")


NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER = f'<row r="1">{inline("A1", "Case name")}{inline("B1", "Extra")}</row>'
ONE_ROW = f'<row r="2">{inline("A2", "A case")}</row>'
FAR_ROW = f'<row r="1048576">{inline("A1048576", "x")}</row>'


def workbook(path: Path, sheet_xml: str | bytes, extra: dict[str, bytes] | None = None) -> Path:
    """A real workbook (written by openpyxl) whose first sheet's XML is ``sheet_xml``,
    with ``extra`` parts added; parts are deflated as Excel does."""
    made = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["Case name", "Extra"])
    book.save(made)
    with (
        zipfile.ZipFile(io.BytesIO(made.getvalue())) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.encode() if isinstance(sheet_xml, str) else sheet_xml
            out.writestr(info.filename, data, compresslevel=9)
        for name, data in (extra or {}).items():
            out.writestr(name, data, compresslevel=9)
    return path


def sheet(rows: str, dimension: str | None = None, before: str = "") -> str:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<worksheet xmlns="{NS}">{declared}{before}<sheetData>{rows}</sheetData></worksheet>'


BOMBS = {
    # A million rows of 16,384 columns declared, and a last row to fill them up to:
    # openpyxl would make every missing cell of every missing row (the 180 s of finding 5).
    "declared-rows": (
        lambda p: workbook(p, sheet(HEADER + FAR_ROW, "A1:XFD1048576")),
        "has more than 100,000 rows",
    ),
    "declared-columns": (
        lambda p: workbook(p, sheet(HEADER + ONE_ROW, "A1:XFD2")),
        "has more than 256 columns (row 1)",
    ),
    # No dimension, and a row numbered 1,048,576: the rows in between are counted.
    "rows-counted": (
        lambda p: workbook(p, sheet(HEADER + ONE_ROW + FAR_ROW)),
        "has more than 100,000 rows",
    ),
    # A dimension that lies small: the real rows are still counted.
    "rows-past-a-small-dimension": (
        lambda p: workbook(p, sheet(HEADER + FAR_ROW, "A1:B2")),
        "has more than 100,000 rows",
    ),
    "wide-row": (
        lambda p: workbook(p, sheet(HEADER + f'<row r="2">{inline("XFD2", "x")}</row>')),
        "has more than 256 columns (row 2)",
    ),
    "long-cell": (
        lambda p: workbook(
            p, sheet(HEADER + f'<row r="2">{inline("A2", "t")}{inline("B2", "x" * 131_073)}</row>')
        ),
        "has a cell longer than 131,072 characters (row 2, column 2)",
    ),
    # 50 MB of XML comment, deflated to about 50 kB: a ratio only a bomb has.
    "compression-ratio": (
        lambda p: workbook(p, sheet(HEADER + ONE_ROW, before="<!--" + " " * 50_000_000 + "-->")),
        "compressed more than 100 times",
    ),
    # 260 parts of 1 MB each (small enough to escape the ratio check) unpack to 260 MB.
    "unpacked-size": (
        lambda p: workbook(
            p,
            sheet(HEADER + ONE_ROW),
            {f"xl/media/pad{n}.bin": bytes(999_999) for n in range(260)},
        ),
        "it unpacks to more than 256 MB",
    ),
    "parts": (
        lambda p: workbook(
            p, sheet(HEADER + ONE_ROW), {f"xl/media/p{n}.bin": b"" for n in range(1001)}
        ),
        "it holds more than 1,000 parts",
    ),
}


@pytest.mark.parametrize("bomb", BOMBS)
def test_a_spreadsheet_bomb_is_refused_naming_the_limit(
    cli, vault_with_case, vault_dir, tmp_path, bomb
):
    make, message = BOMBS[bomb]
    path = make(tmp_path / "cases.xlsx")
    assert path.stat().st_size < 600_000  # small files, all of them
    before = snapshot(vault_dir)

    result = cli("import", str(path), "--dry-run")

    error = one_line_error(result)
    assert result.code == 1
    assert message in error, error
    assert "unexpected error" not in error
    assert snapshot(vault_dir) == before


def test_rows_are_counted_and_the_read_stops_at_the_limit(tmp_path, monkeypatch):
    """The real count stops the read one row past the limit, whatever the sheet says."""
    path = workbook(tmp_path / "cases.xlsx", sheet(HEADER + FAR_ROW))
    seen = []
    real = tables._xlsx_rows

    def counted(*args):
        for row in real(*args):
            seen.append(1)
            yield row

    monkeypatch.setattr(tables, "_xlsx_rows", counted)
    headers, rows = tables.read_table(path)
    assert headers == ["Case name", "Extra"]
    with pytest.raises(tables.InputError, match="more than 100,000 rows"):
        for _row in rows:
            pass
    assert len(seen) == tables.MAX_ROWS + 2  # the header, the limit, and the one past it


# -- backups ----------------------------------------------------------------------------


@pytest.fixture
def made(cli, vault_with_case, tmp_path) -> Path:
    """A real backup of the test vault."""
    path = tmp_path / "good.backup"
    result = cli("backup", str(path))
    assert result.code == 0, result.err
    return path


def rebuild(good: Path, bad: Path, database: bytes, method: int) -> None:
    """``good`` with ``database`` as its hrdesk.db (its checksum in the manifest)."""
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as out:
        manifest = json.loads(src.read("manifest.json"))
        manifest["files"]["hrdesk.db"] = hashlib.sha256(database).hexdigest()
        out.writestr("manifest.json", json.dumps(manifest))
        for info in src.infolist():
            if info.filename == "hrdesk.db":
                out.writestr("hrdesk.db", database, compress_type=method, compresslevel=9)
            elif info.filename != "manifest.json":
                out.writestr(info, src.read(info.filename))


def declare(path: Path, name: str, size: int) -> None:
    """Change the uncompressed size the central directory declares for ``name``."""
    data = bytearray(path.read_bytes())
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) >= 0:
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46 : start + 46 + name_length] == name.encode():
            struct.pack_into("<I", data, start + 24, size)
            path.write_bytes(bytes(data))
            return
        start += 4
    raise AssertionError(f"{name} not in the central directory")


@pytest.fixture
def unpacked(monkeypatch):
    """The bytes each part of a restore left on disk when its unpacking ended."""
    written: dict[str, int] = {}
    real = backup._unpack

    def spy(archive, info, staging, name, expected):
        try:
            return real(archive, info, staging, name, expected)
        finally:
            target = staging / name
            written[name] = target.stat().st_size if target.exists() else 0

    monkeypatch.setattr(backup, "_unpack", spy)
    return written


def restore(cli, bad: Path, target: Path):
    result = cli("restore", str(bad), "--vault", str(target))
    error = one_line_error(result)
    assert result.code == 1
    assert "unexpected error" not in error
    assert not target.exists()
    assert not target.with_name(f".{target.name}.restoring").exists()
    return error


def test_a_backup_that_unpacks_far_past_its_size_is_refused_before_writing(
    cli, made, tmp_path, unpacked
):
    bad = tmp_path / "bomb.backup"
    rebuild(made, bad, bytes(64_000_000), zipfile.ZIP_DEFLATED)  # 64 MB in about 60 kB
    assert bad.stat().st_size < 1_000_000

    error = restore(cli, bad, tmp_path / "restored")

    assert "its parts claim 64" in error and "in a file of" in error, error
    assert unpacked == {}  # refused before a byte was written


def test_a_backup_whose_directory_claims_2_gib_is_refused_before_writing(
    cli, made, tmp_path, unpacked
):
    bad = tmp_path / "lying.backup"
    rebuild(made, bad, b"x" * 4096, zipfile.ZIP_STORED)
    declare(bad, "hrdesk.db", 2**31)

    error = restore(cli, bad, tmp_path / "restored")

    assert "its parts claim 2.1 GB" in error, error
    assert unpacked == {}


def test_a_part_holding_more_than_it_declares_stops_at_its_declared_size(
    cli, made, tmp_path, unpacked
):
    bad = tmp_path / "understated.backup"
    rebuild(made, bad, bytes(64_000_000), zipfile.ZIP_DEFLATED)
    declare(bad, "hrdesk.db", 10_000)  # says 10 kB, holds 64 MB

    error = restore(cli, bad, tmp_path / "restored")

    assert "damaged" in error, error
    assert unpacked["hrdesk.db"] <= 10_000


Usage = namedtuple("Usage", "total used free")


def test_a_backup_larger_than_the_free_space_is_refused_before_writing(
    cli, made, tmp_path, unpacked, monkeypatch
):
    monkeypatch.setattr(backup.shutil, "disk_usage", lambda path: Usage(10**9, 10**9, 5_000_000))

    error = restore(cli, made, tmp_path / "restored")

    assert "Not enough free space to restore this backup" in error, error
    assert "and 5 MB is free" in error, error
    assert unpacked == {}
