"""Translated texts of the import pages: the problems (jobs store a code and its parameters, so each reader
sees the report in their own language) and what each kind's job page says."""

from typing import NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

MESSAGES = {
    # the file as a whole
    "empty_file": _("The file is empty."),
    "wrong_type": _("This is not a spreadsheet: upload an Excel (.xlsx) or CSV file."),
    "old_xls": _("Excel 97-2003 (.xls) files are not accepted: open the file and save it as .xlsx."),
    "bad_xlsx": _("The Excel file cannot be read; save it again as .xlsx and retry."),
    "not_utf8": _("The CSV file must be saved with UTF-8 encoding."),
    "missing_columns": _(
        "The header row lacks the columns %(columns)s. Download the template and keep its first row."
    ),
    "no_rows": _("The file contains no data rows below the header."),
    "too_many_rows": _("The file has more than %(max)s rows; split it into several files."),
    "too_large": _("The file is larger than %(max)s MB."),
    "bad_csv": _("The CSV file cannot be read (a value is too long or the file holds binary data)."),
    "column_past_xfd": _("The Excel file uses a column past XFD, the last column Excel allows."),
    "row_past_limit": _("The Excel file uses a row number past 1,048,576, the last row Excel allows."),
    "too_many_cells": _("The sheet spans more than %(max)s cells; delete the unused rows and columns."),
    "too_many_strings": _(
        "The Excel file holds more than %(max)s distinct texts; split it into several files."
    ),
    "timed_out": _(
        "The file took longer than the time allowed for an import; nothing was imported. "
        "Split it into smaller files and import them one by one."
    ),
    "unexpected": _(
        "The import stopped on an unexpected error; nothing was imported. "
        "Try again or contact the administrator."
    ),
    # one row
    "required": _("%(column)s is empty."),
    "too_long": _("%(column)s is longer than %(max)s characters."),
    "birth_year": _("Birth year “%(value)s” is not a year between %(min)s and %(max)s."),
    "relation": _("Relationship “%(value)s” is not one of: Chủ hộ, Vợ/chồng, Con, Bố/mẹ, Cháu, Khác."),
    "unknown_village": _("Village code %(code)s does not exist in your area."),
    "other_village": _(
        "Household %(code)s was given village %(village)s on row %(first)s; this row says %(other)s."
    ),
    "second_head": _("Household %(code)s already has a head of household on row %(first)s."),
    "no_head": _("Household %(code)s has no row with the relationship “Chủ hộ”."),
    # Says nothing about the other subject: it may lie outside the importer's area.
    "code_taken": _("Code %(code)s is already used by another subject in the registry."),
    "registry_refused": _("The registry does not accept this record: %(reason)s"),
    # clans and organisations
    "unknown_commune": _("Commune code %(code)s does not exist in your area."),
    "duplicate_code": _("Code %(code)s appears again: it was first given on row %(first)s."),
    "duplicate_name": _("“%(name)s” appears again in the same commune: it was first given on row %(first)s."),
    "name_registered": _("“%(name)s” is already registered in this commune under code %(code)s."),
    "unknown_households": _("Member households %(codes)s are not registered households in your area."),
    "org_type": _("Type “%(value)s” is not one of: %(values)s."),
    "member_count": _("Number of staff and members “%(value)s” is not a whole number between 0 and %(max)s."),
    # villages
    "village_kind": _("Kind “%(value)s” is not one of: %(values)s."),
    "bad_unit_code": _("Code “%(code)s” may contain only letters without accents, digits, dots and dashes."),
    "unit_code_taken": _("Code %(code)s is already used by another administrative unit."),
    "unknown_merged_village": _("“%(ref)s” (merged from) is not a village of %(commune)s."),
    "merged_into_itself": _("“%(ref)s” cannot be merged into itself."),
    "bad_date": _("%(column)s “%(value)s” is not a date (dd/mm/yyyy)."),
    # staff
    "unknown_unit": _("Unit code %(code)s does not exist in your area."),
    "unknown_role": _("Role “%(value)s” is not one of: %(values)s."),
    "role_level": _("The role %(role)s cannot be held by a unit of level %(level)s (%(code)s)."),
    "role_not_yours": _("You may not assign the role %(role)s on %(code)s."),
    "bad_phone": _("Phone number “%(value)s” is not a Vietnamese phone number (10 digits starting with 0)."),
    "bad_email": _("E-mail address “%(value)s” is not valid."),
    "phone_conflict": _(
        "%(name)s was given phone %(first_phone)s on row %(first)s; this row says %(phone)s."
    ),
    "phone_other_person": _("Phone %(phone)s was given to %(other)s on row %(first)s."),
    "email_other_person": _("E-mail %(email)s belongs to another account (phone %(phone)s)."),
    "dates_order": _("The end date is before the start date."),
    "duplicate_role": _("The same role on the same unit was given on row %(first)s."),
    # nominations
    "case_year": _("Assessment year “%(value)s” is not a year between %(min)s and %(max)s."),
    "unknown_title": _("Title code %(code)s does not exist; use one of: %(values)s."),
    "unknown_subject": _("Subject code %(code)s does not exist in your area."),
    "title_kind": _("The title “%(title)s” does not apply to %(subject)s (%(kind)s)."),
    "name_mismatch": _("Subject %(code)s is registered as “%(name)s”, not “%(given)s”."),
    "duplicate_nomination": _(
        "Subject %(code)s is registered again for the same title and year: "
        "it was first given on row %(first)s."
    ),
    "no_criteria_set": _("No criteria set is in force for the title “%(title)s” in %(year)s."),
    "nomination_refused": _("The nomination was refused: %(reason)s"),
}


def render(code: str, params: dict | None = None) -> str:
    text = MESSAGES.get(code)
    if text is None:
        return code
    return str(text) % params if params else str(text)


class KindTexts(NamedTuple):
    """A kind's job page: the summary of a checked file, its new records (%(n)s, with the %(m)s records linked
    to them) and those already registered (%(n)s), in plural forms whose number is "count"; the commit
    button (%(n)s); the progress of the commit (%(done)s of %(total)s)."""

    new: Promise
    existing: Promise
    commit: Promise
    progress: Promise


WRITTEN = _("%(done)s of %(total)s records written")

KIND_TEXTS = {
    "households": KindTexts(
        ngettext_lazy(
            "%(n)s new household with %(m)s members", "%(n)s new households with %(m)s members", "count"
        ),
        ngettext_lazy(
            "%(n)s household already registered (left unchanged)",
            "%(n)s households already registered (left unchanged)",
            "count",
        ),
        _("Import %(n)s households"),
        _("%(done)s of %(total)s households written"),
    ),
    "clans": KindTexts(
        ngettext_lazy(
            "%(n)s new clan with %(m)s member households",
            "%(n)s new clans with %(m)s member households",
            "count",
        ),
        ngettext_lazy(
            "%(n)s clan already registered (left unchanged)",
            "%(n)s clans already registered (left unchanged)",
            "count",
        ),
        _("Import %(n)s clans"),
        WRITTEN,
    ),
    "organisations": KindTexts(
        ngettext_lazy("%(n)s new organisation", "%(n)s new organisations", "count"),
        ngettext_lazy(
            "%(n)s organisation already registered (left unchanged)",
            "%(n)s organisations already registered (left unchanged)",
            "count",
        ),
        _("Import %(n)s organisations"),
        WRITTEN,
    ),
    "villages": KindTexts(
        ngettext_lazy(
            "%(n)s new village (%(m)s mergers recorded)",
            "%(n)s new villages (%(m)s mergers recorded)",
            "count",
        ),
        ngettext_lazy(
            "%(n)s village already registered (left unchanged)",
            "%(n)s villages already registered (left unchanged)",
            "count",
        ),
        _("Import %(n)s villages"),
        _("%(done)s of %(total)s villages written"),
    ),
    "staff": KindTexts(
        ngettext_lazy(
            "%(n)s role to assign (%(m)s new accounts)", "%(n)s roles to assign (%(m)s new accounts)", "count"
        ),
        ngettext_lazy(
            "%(n)s role already held (left unchanged)", "%(n)s roles already held (left unchanged)", "count"
        ),
        _("Assign %(n)s roles"),
        _("%(done)s of %(total)s roles assigned"),
    ),
    "nominations": KindTexts(
        ngettext_lazy(
            "%(n)s new nomination (a case is opened for it)",
            "%(n)s new nominations (a case is opened for each)",
            "count",
        ),
        ngettext_lazy(
            "%(n)s subject already registered for that title and year (left unchanged)",
            "%(n)s subjects already registered for that title and year (left unchanged)",
            "count",
        ),
        _("Open %(n)s cases"),
        _("%(done)s of %(total)s cases opened"),
    ),
}
