"""Cells a spreadsheet would evaluate, made inert: the one place every .csv and .xlsx the system writes goes
through (the inspectors' audit export, the coverage report, the import templates).

A text typed by a user (a reason, a name) that starts with "=", "+", "-", "@" (or their full-width forms),
or with a tab, carriage return or line feed, is read by Excel, LibreOffice and Google Sheets as a formula:
"=HYPERLINK(...)" in an inspector's export becomes a live link. Numbers and dates stay what they are; only
text is touched:

- in a CSV the text gets a leading apostrophe, which every spreadsheet reads as "this is text";
- in an .xlsx the cell is written as a string cell with Excel's quote-prefix style: the text shows as typed
  and stays text even when the cell is edited (openpyxl would otherwise store a text starting with "=" as a
  formula).
"""

import csv
import datetime
from decimal import Decimal

# = + - @, their full-width forms (some spreadsheets fold them), and the control characters that a CSV
# reader strips before deciding whether the rest is a formula
FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20\t\r\n")
PLAIN_TYPES = (bool, int, float, Decimal, datetime.date, datetime.time, datetime.timedelta)


def is_formula_like(text: str) -> bool:
    """True for a text a spreadsheet could take for a formula (leading blanks do not hide it)."""
    stripped = text.lstrip(" \u00a0")
    return bool(stripped) and (stripped[0] in FORMULA_STARTS or text[0] in FORMULA_STARTS)


def csv_value(value):
    """One CSV field: text that could be a formula gets the leading apostrophe; other values unchanged."""
    if value is None or isinstance(value, PLAIN_TYPES):
        return value
    text = str(value)
    return f"'{text}" if is_formula_like(text) else text


def csv_row(values) -> list:
    return [csv_value(value) for value in values]


def csv_writer(buffer):
    """A csv.writer whose rows are neutralised: use `writerow` as usual."""
    return _SafeWriter(csv.writer(buffer))


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, values):
        return self._writer.writerow(csv_row(values))


def xlsx_row(sheet, values) -> list:
    """The row to `sheet.append()` (a normal or a write-only worksheet): every text a string cell, the ones
    that could be a formula with the quote prefix; numbers and dates as they are."""
    from openpyxl.cell import Cell

    row = []
    for value in values:
        if value is None or isinstance(value, PLAIN_TYPES):
            row.append(value)
            continue
        text = str(value)
        cell = Cell(sheet, row=1, column=1)  # a write-only sheet takes these too
        cell.value = text
        cell.data_type = "s"  # never "f", whatever the text starts with
        if is_formula_like(text):
            cell.quotePrefix = True
        row.append(cell)
    return row
