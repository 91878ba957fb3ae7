"""Rows of a CSV file or an Excel workbook, read defensively: size caps, zip bombs, wrong kinds of file.

A tracker is a few hundred rows; anything far larger, or a workbook that expands to far more than
it weighs, is refused with a message naming the file before anything is parsed.
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from bot.importers.command import ImportFailed

MAX_FILE_BYTES = 20 * 1024 * 1024  # a tracker of 5,000 rows is well under 1 MB as XLSX, 2 MB as CSV
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # what an XLSX may expand to, all parts together
MAX_ROWS = 100_000
MAX_COLUMNS = 200

Cell = str | date | None


@dataclass(frozen=True)
class Sheet:
    name: str | None  # the worksheet's name; None for a CSV file
    rows: list[list[Cell]]  # as on the sheet: row 1 first, empty cells None


def read_sheet(path: str | Path, sheet: str | None = None) -> Sheet:
    """The rows of FILE (CSV or XLSX), or ImportFailed saying what is wrong with it."""
    path = Path(path)
    if not path.is_file():
        raise ImportFailed(f"{path}: no such file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ImportFailed(
            f"{path}: {size / 1024 / 1024:.0f} MB is far larger than an action tracker (at most "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB is read); save only the tracker's sheet, as CSV or XLSX"
        )
    if size == 0:
        raise ImportFailed(f"{path}: the file is empty")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK"):
        return _read_xlsx(path, sheet)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFailed(
            f"{path}: an old Excel 97-2003 (.xls) workbook; open it in Excel or LibreOffice and save it "
            "as .xlsx or .csv"
        )
    if head.startswith(b"%PDF"):
        raise ImportFailed(f"{path}: a PDF, not a spreadsheet; the tracker is read from CSV or XLSX")
    if sheet is not None:
        raise ImportFailed(f"{path}: --sheet names a worksheet, and a CSV file has none")
    return _read_csv(path)


def _read_csv(path: Path) -> Sheet:
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise ImportFailed(f"{path}: not a spreadsheet (binary data); give a CSV or XLSX file")
    for encoding in ("utf-8-sig", "cp1252"):  # Excel on Windows saves CSV as cp1252 unless told
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 leaves only five bytes undefined
        raise ImportFailed(f"{path}: not a text CSV file (neither UTF-8 nor Windows-1252)")
    try:  # only the delimiter: the sniffer's guesses at quoting are unreliable; Excel's are standard
        delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    rows: list[list[Cell]] = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text), csv.excel, delimiter=delimiter), start=1):
            _check_shape(path, number, len(row))
            rows.append([_unquote(cell.strip()) or None for cell in row])
    except csv.Error as exc:
        raise ImportFailed(f"{path}: not a readable CSV file ({exc})") from exc
    return Sheet(None, rows)


def _unquote(text: str) -> str:
    """ "'=SUM(…)": a CSV export's guard against formulas (bot/importers/tracker_export.py), undone."""
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@") else text


def _read_xlsx(path: Path, wanted: str | None) -> Sheet:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            names = {part.filename for part in parts}
    except zipfile.BadZipFile as exc:
        raise ImportFailed(f"{path}: not a spreadsheet (a damaged or non-Excel zip file: {exc})") from exc
    if "xl/workbook.xml" not in names:
        raise ImportFailed(
            f"{path}: a zip file but not an Excel workbook (no xl/workbook.xml); give a CSV or XLSX file"
        )
    unzipped = sum(part.file_size for part in parts)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise ImportFailed(
            f"{path}: the workbook would expand to {unzipped / 1024 / 1024:.0f} MB from "
            f"{path.stat().st_size / 1024 / 1024:.1f} MB (a zip bomb, or far more than a tracker); "
            f"at most {MAX_UNZIPPED_BYTES // 1024 // 1024} MB is read"
        )
    import openpyxl  # imported here: only XLSX needs it

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a malformed workbook; all mean the same here
        raise ImportFailed(f"{path}: not a readable Excel workbook ({type(exc).__name__}: {exc})") from exc
    try:
        if wanted is not None and wanted not in workbook.sheetnames:
            raise ImportFailed(
                f"{path}: no worksheet '{wanted}'; the workbook has: {', '.join(workbook.sheetnames)}"
            )
        name = wanted if wanted is not None else workbook.sheetnames[0]
        rows = list(_xlsx_rows(path, workbook[name]))
    finally:
        workbook.close()
    return Sheet(name, rows)


def _xlsx_rows(path: Path, worksheet) -> Iterator[list[Cell]]:
    rows = worksheet.iter_rows(values_only=True)
    if sys.stderr.isatty():  # a bar on a terminal only: logs and pipes stay quiet
        from tqdm import tqdm

        rows = tqdm(rows, total=worksheet.max_row, desc=f"Reading {path.name}", unit=" rows", leave=False)
    for number, values in enumerate(rows, start=1):
        _check_shape(path, number, len(values))
        yield [_cell(value) for value in values]


def _cell(value) -> Cell:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _check_shape(path: Path, number: int, width: int) -> None:
    if number > MAX_ROWS:
        raise ImportFailed(f"{path}: more than {MAX_ROWS:,} rows; an action tracker is far smaller")
    if width > MAX_COLUMNS:
        raise ImportFailed(f"{path}: row {number} has {width} columns; at most {MAX_COLUMNS} are read")
