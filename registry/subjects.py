"""What registering any subject shares, one at a time or in bulk: its `subject.created` event, and the insert
of many subjects of one kind at once."""

from collections.abc import Callable, Sequence

from django.db import connection

from audit.services import EventSpec

from .models import Subject

# Subjects per INSERT of a bulk registration (and per progress report).
BATCH = 2000


def created_event(subject: Subject, *, actor, source: str = "", **data) -> EventSpec:
    """The `subject.created` event of a new subject, on its own stream and scoped to its unit; `source` names
    where a bulk registration came from (an import job)."""
    unit = subject.unit
    return EventSpec(
        f"subject:{subject.pk}",
        "subject.created",
        actor=actor,
        scope=unit.path,
        data={
            "kind": subject.kind,
            "code": subject.code,
            "unit": unit.code,
            **data,
            **({"source": source} if source else {}),
        },
    )


def insert_subjects(subjects: Sequence[Subject], *, progress: Callable[[int], None] | None = None) -> None:
    """Insert new subjects of one kind (Household, Clan, Organisation: a multi-table child of Subject), with
    the fields Subject.save derives, in batches; sets their primary keys. The caller holds the transaction.

    bulk_create refuses multi-table children, so the parent rows are bulk-created and the child rows inserted
    with one executemany per batch.
    """
    if not subjects:
        return
    model = type(subjects[0])
    parent_fields = [f for f in Subject._meta.concrete_fields if not f.primary_key]
    child_fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [model._meta.pk, *child_fields])
    marks = ", ".join(["%s"] * (len(child_fields) + 1))
    insert = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 (quoted)
    done = 0
    for start in range(0, len(subjects), BATCH):
        batch = subjects[start : start + BATCH]
        for subject in batch:
            subject.fill_derived()
        parents = [Subject(**{f.attname: getattr(s, f.attname) for f in parent_fields}) for s in batch]
        Subject.objects.bulk_create(parents)
        rows = [
            (parent.pk, *(f.get_db_prep_save(getattr(subject, f.attname), connection) for f in child_fields))
            for subject, parent in zip(batch, parents, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.executemany(insert, rows)
        for subject, parent in zip(batch, parents, strict=True):
            subject.id = subject.pk = parent.pk
            subject.created_at = parent.created_at
            subject._state.adding, subject._state.db = False, parent._state.db
        done += len(batch)
        if progress is not None:
            progress(done)
