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
    # clans and organisations
    "unknown_commune": _("Commune code %(code)s does not exist in your area."),
    "duplicate_code": _("Code %(code)s appears again: it was first given on row %(first)s."),
    "duplicate_name": _("“%(name)s” appears again in the same commune: it was first given on row %(first)s."),
    "name_registered": _("“%(name)s” is already registered in this commune under code %(code)s."),
    "unknown_households": _("Member households %(codes)s are not registered households in your area."),
    "org_type": _("Type “%(value)s” is not one of: %(values)s."),
    "member_count": _("Number of staff and members “%(value)s” is not a whole number between 0 and %(max)s."),
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
