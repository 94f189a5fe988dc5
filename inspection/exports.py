"""Exports of an audit search: CSV (UTF-8 with BOM, so Excel shows Vietnamese) and XLSX, row by row."""

import io
import json
import tempfile

from django.utils import timezone
from django.utils.translation import gettext as _

from audit.spreadsheets import csv_writer, xlsx_row

from .labels import event_label

EXPORT_CAP = 50_000
CHUNK = 2000


def headers() -> list[str]:
    return [
        _("Time"),
        _("Stream"),
        _("Sequence number"),
        _("Event type"),
        _("Event"),
        _("User"),
        _("Role"),
        _("Unit"),
        _("Reason"),
        _("Data"),
    ]


def rows(queryset):
    """One list per event, in the search order; reads in chunks, never the whole result at once."""
    fields = (
        "occurred_at",
        "stream",
        "seq",
        "event_type",
        "actor_name",
        "actor_role",
        "actor_unit",
        "reason",
        "data",
    )
    for at, stream, seq, kind, actor, role, unit, reason, data in queryset.values_list(*fields).iterator(
        chunk_size=CHUNK
    ):
        yield [
            timezone.localtime(at).strftime("%d/%m/%Y %H:%M:%S"),
            stream,
            seq,
            kind,
            event_label(kind),
            actor,
            role,
            unit,
            reason,
            _json(data),
        ]


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def csv_chunks(queryset):
    """The CSV as a stream of text pieces, starting with the byte order mark."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)  # texts that a spreadsheet would evaluate are made inert
    buffer.write("\ufeff")
    writer.writerow(headers())
    for n, row in enumerate(rows(queryset), 1):
        writer.writerow(row)
        if n % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_file(queryset) -> tempfile.SpooledTemporaryFile:
    """The XLSX in a spooled temporary file (write-only workbook: rows are not kept in memory)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Audit events"))
    sheet.append(xlsx_row(sheet, headers()))
    for row in rows(queryset):
        sheet.append(xlsx_row(sheet, row))  # reasons and names typed by users are never formulas
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    workbook.save(out)
    out.seek(0)
    return out
