"""Reading an uploaded spreadsheet (.xlsx or .csv, told apart by content, not by name) into rows."""

import csv
import datetime
import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from .errors import FileRejected
from .xlsx import MAX_ROWS, xlsx_rows

__all__ = ["FileRejected", "Sheet", "dump_sheet", "load_sheet", "read_sheet", "sniff_format"]

XLSX = "xlsx"
CSV = "csv"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls)
BINARY_SIGNATURES = (b"%PDF", b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")


@dataclass
class Sheet:
    format: str
    columns: dict[str, int]  # column key -> position
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (spreadsheet row number, values)


def dump_sheet(sheet: Sheet) -> bytes:
    """The parsed rows, compressed, so the commit does not parse the spreadsheet a second time."""
    payload = {"format": sheet.format, "columns": sheet.columns, "rows": sheet.rows}
    return gzip.compress(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(), 1)


def load_sheet(data: bytes) -> Sheet:
    payload = json.loads(gzip.decompress(data))
    return Sheet(payload["format"], payload["columns"], [tuple(r) for r in payload["rows"]])


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


def read_sheet(data: bytes, kind) -> Sheet:
    """The header row mapped to the kind's columns and every non-blank row, numbered as the spreadsheet
    shows; `kind` is an ImportKind (its columns and header matching)."""
    fmt = sniff_format(data)
    raw = xlsx_rows(data) if fmt == XLSX else _csv_rows(data)
    first = next(raw, None)
    if first is None:
        raise FileRejected("empty_file")
    _number, header = first
    columns: dict[str, int] = {}
    for position, title in enumerate(header):
        key = kind.header_key(title)
        if key and key not in columns:
            columns[key] = position
    missing = [c.header for c in kind.columns if c.required and c.key not in columns]
    if missing:
        raise FileRejected("missing_columns", columns=", ".join(missing))
    sheet = Sheet(format=fmt, columns=columns)
    for number, values in raw:
        if number > MAX_ROWS + 1:  # every row counts, blank or not: the header and MAX_ROWS below it
            raise FileRejected("too_many_rows", max=f"{MAX_ROWS:,}".replace(",", "."))
        cells = {key: _text(values[pos]) if pos < len(values) else "" for key, pos in columns.items()}
        if not any(cells.values()):
            continue
        if len(sheet.rows) >= MAX_ROWS:
            raise FileRejected("too_many_rows", max=f"{MAX_ROWS:,}".replace(",", "."))
        sheet.rows.append((number, cells))
    if not sheet.rows:
        raise FileRejected("no_rows")
    return sheet


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime.datetime):
        value = value.strftime("%d/%m/%Y %H:%M") if value.time() else value.strftime("%d/%m/%Y")
    elif isinstance(value, datetime.date):
        value = value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRejected("not_utf8") from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        yield from enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)
    except csv.Error as exc:  # a field past csv's size limit, a NUL byte
        raise FileRejected("bad_csv") from exc
