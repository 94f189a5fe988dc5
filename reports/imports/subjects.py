"""What the registry imports share: units looked up by code within the importer's area, subjects looked up
by code, and subjects written in bulk consistently with `Subject.save` (folded name, area class)."""

from django.db import connection
from django.db.models import Model

from registry.models import AdministrativeUnit, Subject
from registry.selectors import path_q
from registry.text import fold

from .base import Progress, chunks

BATCH = 2000


def units_in_scope(codes: set[str], *, level: str, scope: list[str] | None) -> dict[str, AdministrativeUnit]:
    """The units of `level` with these codes that lie inside the importer's area (None = everywhere)."""
    qs = AdministrativeUnit.objects.filter(level=level, code__in=codes)
    if scope is not None:
        qs = qs.filter(path_q(scope))
    return {u.code: u for u in qs.only("pk", "code", "name", "path", "area_class", "level")}


def subjects_by_code(codes) -> dict[str, tuple[str, int]]:
    """code -> (kind, unit id) of the subjects already registered under these codes, wherever they are."""
    found: dict[str, tuple[str, int]] = {}
    for chunk in chunks(codes):
        for code, kind, unit_id in Subject.objects.filter(code__in=chunk).values_list(
            "code", "kind", "unit_id"
        ):
            found[code] = (kind, unit_id)
    return found


def insert_subjects(
    child: type[Model], rows: list[tuple[dict, dict]], *, progress: Progress = None
) -> list[int]:
    """Insert subjects of a multi-table child model (Household, Clan, Organisation): (subject fields, child
    fields) per row. The caller holds the transaction.

    bulk_create refuses multi-table children, so the parent rows are bulk-created and the child rows
    inserted with one executemany per batch. Returns the new primary keys, in order.
    """
    pks: list[int] = []
    quote = connection.ops.quote_name
    table = quote(child._meta.db_table)
    ptr = quote(child._meta.pk.column)
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        subjects = [
            Subject(kind=child.KIND, name_folded=fold(fields["name"])[:200], **fields) for fields, _ in batch
        ]
        Subject.objects.bulk_create(subjects)
        names = list(batch[0][1])
        columns = ", ".join([ptr, *(quote(child._meta.get_field(n).column) for n in names)])
        marks = ", ".join(["%s"] * (len(names) + 1))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 (quoted names)
                [
                    (s.pk, *(extra[n] for n in names))
                    for s, (_fields, extra) in zip(subjects, batch, strict=True)
                ],
            )
        pks.extend(s.pk for s in subjects)
        if progress is not None:
            progress(len(pks))
    return pks
