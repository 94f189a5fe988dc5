"""The .xlsx reader is bounded by the file's structure, not only by its size: crafted workbooks that would
make calamine build a huge grid are refused before calamine sees them, with a translated reason."""

import io
import zipfile

import pytest
from django.utils import translation

from reports.imports import xlsx
from reports.imports.households import HouseholdImport
from reports.imports.parsing import FileRejected, read_sheet
from reports.models import ImportJob

from .imports import run_import
from .sheets import HEADER, csv_bytes, household_rows, xlsx_bytes

KIND = HouseholdImport()


def crafted(sheet_data: str, shared: list[str] | None = None) -> bytes:
    """A minimal valid workbook whose first sheet's <sheetData> is `sheet_data`, written by hand."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
    overrides += f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
    rels = f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
    if shared is not None:
        overrides += f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
        rels += f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        archive.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{pkg}">{rels}</Relationships>')
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{main}"><sheetData>{sheet_data}</sheetData></worksheet>',
        )
        if shared is not None:
            strings = "".join(f"<si><t>{s}</t></si>" for s in shared)
            archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{main}">{strings}</sst>')
    return out.getvalue()


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row() -> str:
    return '<row r="1">' + "".join(text_cell(f"{chr(65 + i)}1", h) for i, h in enumerate(HEADER)) + "</row>"


def data_row(number: int, village: str, extra: str = "") -> str:
    values = [f"H{number}", village, "Nguyễn Văn An", "1970", "Chủ hộ", ""]
    cells = "".join(text_cell(f"{chr(65 + i)}{number}", v) for i, v in enumerate(values) if v)
    return f'<row r="{number}">{cells}{extra}</row>'


@pytest.fixture
def calamine_never_called(monkeypatch):
    """The refusal must come from the structural check, before calamine builds anything."""
    import python_calamine

    def refuse(*args, **kwargs):
        raise AssertionError("calamine was asked to read a file the structural check should refuse")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", refuse)


def refusal(data: bytes) -> FileRejected:
    with pytest.raises(FileRejected) as caught:
        read_sheet(data, KIND)
    return caught.value


def test_a_crafted_workbook_reads_with_spreadsheet_row_numbers(world):
    data = crafted(header_row() + data_row(2, "V1") + data_row(9, "V2"))
    sheet = read_sheet(data, KIND)
    assert [(number, cells["village_code"]) for number, cells in sheet.rows] == [(2, "V1"), (9, "V2")]


def test_shared_strings_numbers_and_dates_become_texts(world):
    header = "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(len(HEADER)))
    row = '<row r="2"><c r="A2" t="s"><v>6</v></c><c r="B2" t="s"><v>7</v></c><c r="D2"><v>1970</v></c></row>'
    data = crafted(f'<row r="1">{header}</row>{row}', shared=[*HEADER, "H7", "V1"])
    number, cells = read_sheet(data, KIND).rows[0]
    assert (number, cells["household_code"], cells["village_code"], cells["birth_year"]) == (
        2,
        "H7",
        "V1",
        "1970",
    )


def test_a_cell_past_column_xfd_is_refused(world, calamine_never_called):
    data = crafted(header_row() + data_row(2, "V1", extra=text_cell("XFE2", "x")))
    assert refusal(data).code == "column_past_xfd"
    assert refusal(crafted(header_row() + data_row(2, "V1", extra=text_cell("AAAAAAAAA2", "x")))).code == (
        "column_past_xfd"
    )


def test_a_row_number_past_excels_last_row_is_refused(world, calamine_never_called):
    assert (
        refusal(crafted(header_row() + data_row(2, "V1") + '<row r="99999999999"/>')).code == "row_past_limit"
    )


def test_blank_rows_count_against_the_row_limit(world, monkeypatch, calamine_never_called):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 100)
    # one data row, but at row 5,000: calamine would build 5,000 rows
    rejected = refusal(crafted(header_row() + data_row(5000, "V1")))
    assert rejected.code == "too_many_rows"


def test_csv_blank_lines_count_against_the_row_limit(world, monkeypatch):
    from reports.imports import parsing

    monkeypatch.setattr(parsing, "MAX_ROWS", 10)
    data = csv_bytes([]) + b"\n" * 50 + "H1;V1;Nguyễn Văn An;1970;Chủ hộ;\n".encode()
    assert refusal(data).code == "too_many_rows"


def test_a_sheet_whose_grid_would_be_too_large_is_refused(world, calamine_never_called):
    # two cells: A1 and XFD 400 -> a grid of 16,384 x 400 = 6.5 million cells
    data = crafted(header_row() + data_row(400, "V1", extra=text_cell("XFD400", "x")))
    assert refusal(data).code == "too_many_cells"


def test_too_many_cells_are_refused(world, monkeypatch, calamine_never_called):
    monkeypatch.setattr(xlsx, "MAX_CELLS", 50)
    rows = "".join(data_row(n, "V1") for n in range(2, 20))
    assert refusal(crafted(header_row() + rows)).code == "too_many_cells"


def test_shared_strings_are_capped(world, monkeypatch, calamine_never_called):
    monkeypatch.setattr(xlsx, "MAX_SHARED_STRINGS", 100)
    data = crafted(header_row() + data_row(2, "V1"), shared=[f"s{i}" for i in range(101)])
    assert refusal(data).code == "too_many_strings"


def test_a_zip_bomb_is_refused_by_its_real_unpacked_size(world, monkeypatch, calamine_never_called):
    monkeypatch.setattr(xlsx, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    padding = " " * (3 * 1024 * 1024)  # compresses to a few kB
    assert refusal(crafted(header_row() + padding + data_row(2, "V1"))).code == "too_large"


def test_a_declared_size_that_lies_is_refused(world):
    data = bytearray(crafted(header_row() + data_row(2, "V1")))
    # the central directory's uncompressed size of every entry set to 10 bytes
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) != -1:
        data[at + 24 : at + 28] = (10).to_bytes(4, "little")
        at += 4
    assert refusal(bytes(data)).code == "bad_xlsx"


def test_an_ordinary_workbook_still_reads(world):
    rows = household_rows([world.village_a1.code], 50)
    sheet = read_sheet(xlsx_bytes(rows), KIND)
    assert len(sheet.rows) == 200 and sheet.rows[0][0] == 2 and sheet.rows[-1][0] == 201
    assert sheet.rows[0][1]["birth_year"] == "1970"


def test_the_import_job_ends_with_the_reason(world, django_capture_on_commit_callbacks):
    data = crafted(header_row() + data_row(2, world.village_a1.code, extra=text_cell("XFE2", "x")))
    job = run_import(
        data, world.user("commune_officer_a"), django_capture_on_commit_callbacks, kind="households"
    )
    assert (job.status, job.failure_code) == (ImportJob.Status.INVALID, "column_past_xfd")
    with translation.override("en"):
        english = job.failure
    with translation.override("vi"):
        assert "XFD" in job.failure and job.failure != english


def test_namespace_prefixed_cells_are_checked_too(world, calamine_never_called):
    prefixed = '<x:c r="XFE2" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c>'
    assert refusal(crafted(header_row() + data_row(2, "V1", extra=prefixed))).code == "column_past_xfd"
