"""The downloadable import templates: the header row the parser expects, and how to fill it in."""

import io

from django.utils.translation import gettext as _

from audit.spreadsheets import csv_writer, xlsx_row

from .base import ImportKind


def template_xlsx(kind: ImportKind) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind.sheet_title
    sheet.append(xlsx_row(sheet, [c.header for c in kind.columns]))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for position, column in enumerate(kind.columns, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = column.width
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet(_("Guide")[:31])
    guide.column_dimensions["A"].width = 110
    for line in kind.guide():
        guide.append(xlsx_row(guide, [line]))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_csv(kind: ImportKind) -> bytes:
    out = io.StringIO()
    csv_writer(out).writerow([c.header for c in kind.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel open it as UTF-8
