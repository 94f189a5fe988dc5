"""manage.py import_villages FILE [--user USERNAME] [--check]: villages and residential groups per commune."""

from reports.imports.command import ImportCommand
from reports.imports.villages import VILLAGES


class Command(ImportCommand):
    help = (
        "Import villages and residential groups (thôn, bản, tổ dân phố) per commune from an .xlsx or .csv "
        "file with the template's columns; re-importing changes nothing, a merger listed is recorded once."
    )
    kind = VILLAGES
