"""The annual coverage report as a spreadsheet: one sheet per title, a row per unit, a totals row; titles
recognised at levels add a column per level."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from audit.spreadsheets import xlsx_row

from .coverage import Coverage


def _columns(levels: list[int]):
    return [
        pgettext("table column", "No."),
        _("Unit"),
        _("Total subjects"),
        _("Registered"),
        _("Recognised"),
        _("Share of registered (%)"),
        _("Share of total (%)"),
        _("Target (%)"),
        _("Gap (percentage points)"),
        _("Still to recognise"),
        *(_("Recognised at level %(level)s") % {"level": level} for level in levels),
    ]


def _values(row) -> list:
    def num(value):
        return float(value) if value is not None else None

    return [
        row.total,
        row.registered,
        row.recognised,
        num(row.pct_registered),
        num(row.pct_total),
        num(row.target),
        num(row.gap),
        row.still_needed,
        *row.level_counts,
    ]


def coverage_workbook(reports: list[Coverage]) -> bytes:
    """One sheet per title; the totals row sums the unit rows (its percentages are computed from the sums)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for report in reports:
        sheet = workbook.create_sheet(_sheet_name(report.title.code, workbook.sheetnames))
        sheet.append(xlsx_row(sheet, [_("COVERAGE OF THE TITLE “%(title)s”") % {"title": report.title.name}]))
        heading = _("%(unit)s — assessment year %(year)s") % {"unit": report.unit.name, "year": report.year}
        sheet.append(xlsx_row(sheet, [heading]))
        prepared = _("Prepared on %(date)s") % {"date": timezone.localdate().strftime("%d/%m/%Y")}
        sheet.append(xlsx_row(sheet, [prepared]))
        sheet.append(xlsx_row(sheet, []))
        sheet.append(xlsx_row(sheet, _columns(report.levels)))
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for n, row in enumerate(report.rows, start=1):
            sheet.append(xlsx_row(sheet, [n, row.unit.name, *_values(row)]))
        sheet.append(xlsx_row(sheet, ["", pgettext("report row", "Total"), *_values(report.total)]))
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
        widths = (6, 32, 12, 12, 12, 12, 12, 12, 14, 14, *(14 for _level in report.levels))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_name(code: str, taken: list[str]) -> str:
    name = code[:31]
    n = 2
    while name in taken:
        name = f"{code[:28]}-{n}"
        n += 1
    return name
