"""Reading the first worksheet of an .xlsx with python-calamine, after a structural check that bounds what
calamine will be asked to build.

calamine (a maintained Rust reader) is fast, but it builds the sheet as a dense grid from the first to the
last cell referenced: one cell at row 100,000 and column XFD would make it allocate 1.6 billion cells. So
before calamine sees the file every part of the archive is streamed once, decompressed and counted for
real (the sizes a zip header declares are not trusted), and a regular expression reads the cell and row
references of every part:

- a cell reference past column XFD or row 1,048,576 (Excel's own limits) is refused;
- every row counts against the row limit, blank or not (the grid calamine builds spans them all);
- the grid's area (rows x columns) and the number of cells are capped;
- shared strings are counted and their part's size capped;
- the archive's unpacked size is capped, and a part declaring a DTD is refused (spreadsheets never need one).
"""

import io
import re
import zipfile
from collections.abc import Iterator

from .errors import FileRejected

MAX_ROWS = 500_000
MAX_COLUMN = 16_384  # XFD
MAX_SHEET_ROW = 1_048_576
MAX_CELLS = 5_000_000  # cells written, and the grid's area (calamine: ~32 bytes a cell)
MAX_SHARED_STRINGS = 1_000_000
MAX_SHARED_BYTES = 64 * 1024 * 1024
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
CHUNK = 1024 * 1024
MAX_TAG = 64 * 1024  # a single tag longer than this is not a spreadsheet


def _patterns(prefix: bytes) -> dict[str, re.Pattern]:
    """The references to read; `prefix` matches an element's namespace prefix ("x:c"). Without one the
    patterns start with a literal and run several times faster, so they are used when no part of the text
    holds a prefixed cell or row."""
    ref = rb"\s[^>]*?\br\s*=\s*[\"']\$?"
    return {
        "cell": re.compile(prefix + rb"c[\s/>]"),
        "column": re.compile(prefix + rb"c" + ref + rb"([A-Za-z]+)\$?[0-9]"),
        "cell_row": re.compile(prefix + rb"c" + ref + rb"[A-Za-z]+\$?([0-9]+)"),
        "row": re.compile(prefix + rb"row[\s/>]"),
        "row_number": re.compile(prefix + rb"row\s[^>]*?\br\s*=\s*[\"']([0-9]+)"),
    }


PLAIN = _patterns(b"<")
PREFIXED = _patterns(rb"<(?:\w+:)?")
SHARED_STRING = re.compile(rb"<(?:\w+:)?si(?=[\s/>])")
DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")


class _PartStats:
    __slots__ = ("cells", "unreferenced", "max_column", "max_row", "rows", "shared")

    def __init__(self):
        self.cells = self.unreferenced = self.max_column = self.max_row = self.rows = self.shared = 0


def check_structure(data: bytes) -> None:
    """Raise FileRejected unless every part of the archive is within the limits above."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = 0
        for info in archive.infolist():
            if info.is_dir():
                continue
            stats = _PartStats()
            with archive.open(info) as part:
                unpacked = _scan(part, stats, unpacked, shared=info.filename.endswith("sharedStrings.xml"))
            _check_part(stats)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError) as exc:
        # a corrupt or encrypted archive, an unknown compression, a CRC that does not match the data
        raise FileRejected("bad_xlsx") from exc


def _scan(part, stats: _PartStats, unpacked: int, *, shared: bool) -> int:
    carry = b""
    size = 0
    while chunk := part.read(CHUNK):
        size += len(chunk)
        unpacked += len(chunk)
        if unpacked > MAX_UNPACKED_BYTES:
            raise FileRejected("too_large", max=MAX_UNPACKED_BYTES // 2**20)
        if shared and size > MAX_SHARED_BYTES:
            raise FileRejected("too_many_strings", max=_n(MAX_SHARED_STRINGS))
        buffer = carry + chunk
        # whole tags only: a tag cut by the chunk's end waits for the next chunk (text needs no carrying)
        opening = buffer.rfind(b"<")
        end = opening if opening > buffer.rfind(b">") else len(buffer)
        if len(buffer) - end > MAX_TAG:
            raise FileRejected("bad_xlsx")
        _scan_text(buffer[:end], stats, shared=shared)
        carry = buffer[end:]
        _check_part(stats)
    return unpacked


def _scan_text(text: bytes, stats: _PartStats, *, shared: bool) -> None:
    if DTD.search(text):
        raise FileRejected("bad_xlsx")
    if shared:
        stats.shared += len(SHARED_STRING.findall(text))
        return
    # findall and sets work at C speed; only the distinct columns and row numbers reach Python code
    patterns = PREFIXED if b":c" in text or b":row" in text else PLAIN
    stats.rows += len(patterns["row"].findall(text))
    cells = len(patterns["cell"].findall(text))
    columns = patterns["column"].findall(text)
    stats.cells += cells
    stats.unreferenced += cells - len(columns)
    for letters in set(columns):
        stats.max_column = max(stats.max_column, _column_index(letters))
    numbers = set(patterns["row_number"].findall(text))
    numbers.update(patterns["cell_row"].findall(text))
    if numbers:
        longest = max(len(n) for n in numbers)
        stats.max_row = max(
            stats.max_row, *(_bounded_int(n, MAX_SHEET_ROW) for n in numbers if len(n) == longest)
        )


def _check_part(stats: _PartStats) -> None:
    rows = max(stats.max_row, stats.rows)
    if rows > MAX_ROWS + 1:  # the header row and MAX_ROWS rows below it
        raise FileRejected("too_many_rows", max=_n(MAX_ROWS))
    if stats.cells > MAX_CELLS:
        raise FileRejected("too_many_cells", max=_n(MAX_CELLS))
    # cells without a reference sit after the previous one: at worst they all extend one row
    columns = stats.max_column + stats.unreferenced
    if min(columns, MAX_COLUMN) * rows > MAX_CELLS:
        raise FileRejected("too_many_cells", max=_n(MAX_CELLS))
    if stats.shared > MAX_SHARED_STRINGS:
        raise FileRejected("too_many_strings", max=_n(MAX_SHARED_STRINGS))


def _column_index(letters: bytes) -> int:
    """1 for A, 16384 for XFD; refused past XFD (read before the number can grow large)."""
    if len(letters) > 3:
        raise FileRejected("column_past_xfd")
    index = 0
    for ch in letters.upper():
        index = index * 26 + (ch - 64)
    if index > MAX_COLUMN:
        raise FileRejected("column_past_xfd")
    return index


def _bounded_int(digits: bytes, limit: int) -> int:
    if len(digits) > len(str(limit)) or int(digits) > limit:
        raise FileRejected("row_past_limit")
    return int(digits)


def _n(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def xlsx_rows(data: bytes) -> Iterator[tuple[int, list]]:
    """The first worksheet's rows as (row number as the spreadsheet shows it, cell values)."""
    import python_calamine

    check_structure(data)
    try:
        sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except python_calamine.CalamineError as exc:
        raise FileRejected("bad_xlsx") from exc
    if sheet.end is None:
        return
    # calamine starts the rows at the sheet's first row or at its first used one, depending on the version
    first = sheet.end[0] - sheet.height + 2
    try:
        for offset, values in enumerate(rows):
            yield first + offset, values
    except python_calamine.CalamineError as exc:
        raise FileRejected("bad_xlsx") from exc
