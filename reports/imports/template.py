"""The downloadable import templates: the header row the parser expects, and how to fill it in."""

import csv
import io

from django.utils.translation import gettext as _

from .columns import HOUSEHOLD_COLUMNS, RELATION_WORDS


def household_template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Nhan khau"
    sheet.append([c.header for c in HOUSEHOLD_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (18, 16, 28, 10, 20, 36), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet(_("Guide")[:31])
    guide.column_dimensions["A"].width = 110
    for line in _guide_lines():
        guide.append([line])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def household_template_csv() -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow([c.header for c in HOUSEHOLD_COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel open it as UTF-8


def _guide_lines() -> list[str]:
    relations = ", ".join(words[0] for words in RELATION_WORDS.values())
    return [
        _("One row per person. Rows with the same household code form one household."),
        _("Household code: the commune's code for the household; it identifies the household on re-import."),
        _("Village code: the code of the village or residential group, as listed in the system."),
        _("Birth year: four digits, e.g. 1978."),
        _("Relationship to the head of household: one of %(values)s; exactly one “Chủ hộ” per household.")
        % {"values": relations},
        _("Address is optional and is read from the household's first row."),
        _("Households whose code is already registered in the same village are left unchanged."),
        _("Nothing is imported while any row has an error."),
    ]
