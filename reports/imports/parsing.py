"""Reading an uploaded spreadsheet (.xlsx or .csv, told apart by content, not by name) into rows."""

import csv
import gzip
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree
from xml.etree.ElementTree import ParseError

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
    raw = _xlsx_rows(data) if fmt == XLSX else _csv_rows(data)
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


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list]]:
    """The first worksheet's rows as (row number, cell texts), read straight from the sheet XML.

    openpyxl's reader builds a cell object per value (about 1 ms a row); a 100,000-row registry needs
    only the texts, which a streaming parse of the XML gives several times faster.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise FileRejected("too_large", max=MAX_UNPACKED_BYTES // 2**20)
        shared = _shared_strings(archive)
        sheet_xml = _part(archive, _first_sheet(archive))
    except (zipfile.BadZipFile, KeyError, ParseError, IndexError, AttributeError) as exc:
        raise FileRejected("bad_xlsx") from exc
    try:
        next_number = 1
        for _event, element in ElementTree.iterparse(io.BytesIO(sheet_xml), events=("end",)):  # noqa: S314
            if element.tag != f"{{{SHEET_NS}}}row":
                continue
            number = int(element.get("r") or next_number)
            next_number = number + 1
            values: list = []
            for cell in element.iter(f"{{{SHEET_NS}}}c"):
                ref = cell.get("r")
                position = _column_index(ref) if ref else len(values)
                values.extend([None] * (position - len(values)))
                values.append(_cell_text(cell, shared))
            element.clear()
            yield number, values
    except ParseError as exc:
        raise FileRejected("bad_xlsx") from exc


SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAX_UNPACKED_BYTES = 400 * 1024 * 1024


def _part(archive: zipfile.ZipFile, name: str) -> bytes:
    """One XML part of the workbook, refused if it declares a DTD.

    The standard parser never fetches external entities, and the bundled expat (2.4.1 and later) limits
    entity expansion; spreadsheets never need a DTD, so refusing one leaves no entity tricks at all. A
    "<!DOCTYPE" or "<!ENTITY" inside cell text would be escaped ("&lt;!"), so the byte search is exact.
    """
    raw = archive.read(name)
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise FileRejected("bad_xlsx")
    return raw


def _first_sheet(archive: zipfile.ZipFile) -> str:
    workbook = ElementTree.fromstring(_part(archive, "xl/workbook.xml"))  # noqa: S314 (see _part)
    first = workbook.find(f"{{{SHEET_NS}}}sheets/{{{SHEET_NS}}}sheet")
    rel_id = first.get(f"{{{REL_NS}}}id")
    rels = ElementTree.fromstring(_part(archive, "xl/_rels/workbook.xml.rels"))  # noqa: S314
    target = next(r.get("Target") for r in rels if r.get("Id") == rel_id)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    root = ElementTree.fromstring(_part(archive, "xl/sharedStrings.xml"))  # noqa: S314 (see _part)
    return ["".join(t.text or "" for t in si.iter(f"{{{SHEET_NS}}}t")) for si in root]


def _column_index(ref: str) -> int:
    index = 0
    for ch in ref:
        if not ch.isalpha():
            break
        index = index * 26 + (ord(ch.upper()) - 64)
    return index - 1


def _cell_text(cell, shared: list[str]) -> str | None:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{{{SHEET_NS}}}t"))
    value = cell.findtext(f"{{{SHEET_NS}}}v")
    if value is None:
        return None
    if kind == "s":
        return shared[int(value)]
    if kind == "n":
        try:
            number = float(value)
        except ValueError:
            return value
        return str(int(number)) if number.is_integer() else value
    return value


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRejected("not_utf8") from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    yield from enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)
