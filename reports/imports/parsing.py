"""Reading an uploaded spreadsheet (.xlsx or .csv, told apart by content, not by name) into rows."""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from .columns import HOUSEHOLD_COLUMNS, header_key

XLSX = "xlsx"
CSV = "csv"
MAX_ROWS = 500_000
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls)
BINARY_SIGNATURES = (b"%PDF", b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")


class FileRejected(Exception):
    """The file as a whole cannot be imported; `code` names a message in reports.imports.messages."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Sheet:
    format: str
    columns: dict[str, int]  # column key -> position
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (spreadsheet row number, values)


def sniff_format(data: bytes) -> str:
    if not data.strip():
        raise FileRejected("empty_file")
    if data[:4] == b"PK\x03\x04":
        return XLSX
    if data[:8] == OLE2:
        raise FileRejected("old_xls")
    if data.startswith(BINARY_SIGNATURES) or b"\x00" in data[:4096]:
        raise FileRejected("wrong_type")
    return CSV


def read_sheet(data: bytes) -> Sheet:
    """The header row mapped to our columns and every non-blank row, numbered as the spreadsheet shows."""
    fmt = sniff_format(data)
    raw = _xlsx_rows(data) if fmt == XLSX else _csv_rows(data)
    header = next(raw, None)
    if header is None:
        raise FileRejected("empty_file")
    columns: dict[str, int] = {}
    for position, title in enumerate(header):
        key = header_key(title)
        if key and key not in columns:
            columns[key] = position
    missing = [c.header for c in HOUSEHOLD_COLUMNS if c.required and c.key not in columns]
    if missing:
        raise FileRejected("missing_columns", columns=", ".join(missing))
    sheet = Sheet(format=fmt, columns=columns)
    for number, values in enumerate(raw, start=2):
        cells = {key: _text(values[pos]) if pos < len(values) else "" for key, pos in columns.items()}
        if not any(cells.values()):
            continue
        if len(sheet.rows) >= MAX_ROWS:
            raise FileRejected("too_many_rows", max=MAX_ROWS)
        sheet.rows.append((number, cells))
    if not sheet.rows:
        raise FileRejected("no_rows")
    return sheet


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _xlsx_rows(data: bytes) -> Iterator[tuple]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileRejected("bad_xlsx") from exc
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRejected("not_utf8") from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
