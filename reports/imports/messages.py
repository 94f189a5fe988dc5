"""Translated texts for import problems. Jobs store a code and its parameters, so each reader sees the
report in their own language."""

from django.utils.translation import gettext_lazy as _

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
}


def render(code: str, params: dict | None = None) -> str:
    text = MESSAGES.get(code)
    if text is None:
        return code
    return str(text) % params if params else str(text)
