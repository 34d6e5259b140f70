"""Reading a spreadsheet (CSV or XLSX) for import, within limits checked before the work.

A 511 KB workbook kept ``hrdesk import --dry-run`` busy for more than three minutes: a
sheet can declare a million rows of 16,384 columns (openpyxl fills every missing cell
in), and a zip's small parts can unpack to gigabytes (openpyxl reads the whole table
of shared strings before the first row). So, before any row is read, the zip's central
directory (number of parts, declared sizes, compression ratios) and the sheet's
declared dimension are checked; while reading, the real counts of rows, columns and
characters per cell stop the read as soon as one passes its limit (a declaration can
lie, a count cannot). A CSV file's size is checked before it is read, and its rows and
cells are counted the same way.

Every limit is declared once, here, and named in the message that refuses a file.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hrdesk.core import safeinput
from hrdesk.core.errors import HrdeskError
from hrdesk.core.safeinput import InputError
from hrdesk.i18n import _
from hrdesk.i18n.formatting import format_number, format_size

# Rows of data in one import. A large organization's register holds a few thousand
# cases; 100,000 is far beyond that, and still imports in about two minutes (910 rows/s
# measured by bench/bench_import.py). More is a sheet formatted down to row 1,048,576,
# or a bomb.
MAX_ROWS = 100_000

# Columns holding a value. There are about 40 import targets (core/importmap); 256 (the
# whole width of Excel until 2007) leaves room for columns that are not imported, while
# 100,000 rows of Excel's 16,384 columns would be 1.6 billion cells to look at.
MAX_COLUMNS = 256

# Characters in one cell: the csv module's own field limit (csv.field_size_limit()),
# above the longest text field a case accepts (100,000 characters, core/validate.text),
# so that a long narrative gets its field's own message; Excel itself stops at 32,767.
MAX_CELL_CHARS = 131_072

# Bytes of a CSV file, and bytes a workbook unpacks to (all its parts together).
# 100,000 rows of 30 columns take about 200 MB of sheet XML as openpyxl writes it
# (7.1 MB for 10,000 rows of 10 columns); reading 256 MB stays around a minute.
MAX_TABLE_BYTES = 256_000_000

# Parts in a workbook's zip: a workbook has about ten, plus two or three per sheet,
# image or chart.
MAX_XLSX_PARTS = 1_000

# Declared size over compressed size for any part larger than RATIO_FLOOR_BYTES. Sheet
# XML compresses 5 to 20 times (5.9 for bench/bench_import.py's workbook); deflate can
# reach about 1,000, which only a decompression bomb does. Small parts may do as they
# like: they cannot cost much.
MAX_COMPRESSION_RATIO = 100
RATIO_FLOOR_BYTES = 1_000_000


def read_table(path: Path, sheet: str | None = None) -> tuple[list[str], Iterator[list[Any]]]:
    """Header names and the data rows of a CSV or XLSX file, each row checked against
    the limits as it is read (the file's first problem stops the read)."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raw_rows = _xlsx_rows(path, sheet)
    else:
        raw_rows = _csv_rows(path)
    rows = _limited(raw_rows, path)
    try:
        header = next(rows, [])
    except BaseException:
        rows.close()
        raise
    headers = ["" if h is None else str(h).strip() for h in header]
    return headers, rows


def _limited(rows: Iterator[list[Any]], path: Path) -> Iterator[list[Any]]:
    """``rows`` (the header first), refused as soon as one passes a limit."""
    try:
        for number, row in enumerate(rows, start=1):
            if number > MAX_ROWS + 1:  # the header is row 1
                raise InputError(_too_many_rows(path))
            width = len(row)
            while width and row[width - 1] in (None, ""):
                width -= 1  # empty cells at the end (formatted, or separators) do not count
            if width > MAX_COLUMNS:
                raise InputError(_too_wide(path, number))
            for index in range(width):
                cell = row[index]
                if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                    raise InputError(_too_long(path, number, index + 1))
            yield row
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


def _too_many_rows(path: Path) -> str:
    return _(
        "The spreadsheet {path} has more than {max} rows; hrdesk imports at most {max} "
        "at a time: split it into smaller files."
    ).format(path=path, max=format_number(MAX_ROWS))


def _too_wide(path: Path, row: int) -> str:
    return _(
        "The spreadsheet {path} has more than {max} columns (row {row}); hrdesk "
        "imports at most {max}."
    ).format(path=path, max=format_number(MAX_COLUMNS), row=row)


def _too_long(path: Path, row: int, column: int | None) -> str:
    if column is None:
        return _(
            "The spreadsheet {path} has a cell longer than {max} characters (row {row})."
        ).format(path=path, max=format_number(MAX_CELL_CHARS), row=row)
    return _(
        "The spreadsheet {path} has a cell longer than {max} characters (row {row}, "
        "column {column})."
    ).format(path=path, max=format_number(MAX_CELL_CHARS), row=row, column=column)


# -- CSV ----------------------------------------------------------------------------------


def _csv_rows(path: Path) -> Iterator[list[Any]]:
    raw = safeinput.read_bytes(path, MAX_TABLE_BYTES)
    text = safeinput.decode_text(raw, path, _("save it as “CSV UTF-8” and import again"))
    del raw
    csv.field_size_limit(MAX_CELL_CHARS)  # the module's default, made sure of
    # The separator is the one that splits the header row most (Excel saves ";" in many
    # locales): csv.Sniffer gives up on a short file whose cells hold "a; b" lists.
    header_line = re.match(r"[^\r\n]*", text).group()
    try:
        delimiter = max(",;\t", key=lambda d: len(next(csv.reader([header_line], delimiter=d))))
    except csv.Error:
        delimiter = ","  # the header row is refused below, with its row number
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    number = 0
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise InputError(_too_long(path, number, None)) from None
            raise InputError(
                _("{path}: row {row} is not valid CSV.").format(path=path, row=number)
            ) from None
        yield row


# -- XLSX ---------------------------------------------------------------------------------


def _not_a_workbook(path: Path) -> HrdeskError:
    return HrdeskError(_("{path} is not a readable .xlsx workbook.").format(path=path))


def check_workbook_zip(path: Path) -> None:
    """Refuse a workbook whose zip is too big, too many parts, or a bomb: from the
    central directory, before a byte is unpacked. The zip module never unpacks more
    than a part's declared size, so declared sizes bound what openpyxl can read."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise _not_a_workbook(path) from exc
    if len(parts) > MAX_XLSX_PARTS:
        raise InputError(
            _("{path} is not a workbook hrdesk can import: it holds more than {max} parts.").format(
                path=path, max=format_number(MAX_XLSX_PARTS)
            )
        )
    total = 0
    for part in parts:
        total += part.file_size
        if (
            part.file_size > RATIO_FLOOR_BYTES
            and part.file_size > MAX_COMPRESSION_RATIO * part.compress_size
        ):
            raise InputError(
                _(
                    "{path} is not a workbook hrdesk can import: a part of it is compressed "
                    "more than {ratio} times, as only a decompression bomb is."
                ).format(path=path, ratio=MAX_COMPRESSION_RATIO)
            )
    if total > MAX_TABLE_BYTES:
        raise InputError(
            _("{path} is not a workbook hrdesk can import: it unpacks to more than {max}.").format(
                path=path, max=format_size(MAX_TABLE_BYTES)
            )
        )


def _xlsx_rows(path: Path, sheet: str | None) -> Iterator[list[Any]]:
    import openpyxl  # only needed for spreadsheets

    check_workbook_zip(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise _not_a_workbook(path) from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise HrdeskError(_("The workbook has no sheet named “{sheet}”.").format(sheet=sheet))
        try:
            worksheet = book[sheet] if sheet else book.active
        except Exception as exc:  # its dimension, or its place in the workbook, is damaged
            raise _not_a_workbook(path) from exc
        if worksheet is None or not hasattr(worksheet, "reset_dimensions"):
            raise _not_a_workbook(path)  # no sheet, or a chart where the sheet should be
        # The declared dimension is a claim: past the limits it is refused now; within
        # them it is dropped, and the real rows are read and counted (a dimension smaller
        # than the data would otherwise cut the sheet short).
        if (worksheet.max_row or 0) > MAX_ROWS + 1:
            raise InputError(_too_many_rows(path))
        if (worksheet.max_column or 0) > MAX_COLUMNS:
            raise InputError(_too_wide(path, 1))
        worksheet.reset_dimensions()
        rows = worksheet.iter_rows(values_only=True)
    except BaseException:
        book.close()
        raise

    def data_rows() -> Iterator[list[Any]]:
        try:
            yield from (list(row) for row in rows)
        except HrdeskError:
            raise
        except Exception as exc:  # XML that openpyxl cannot read, a cell it cannot place
            raise _not_a_workbook(path) from exc
        finally:
            book.close()  # a read-only workbook keeps its file open until closed

    return data_rows()
