"""What registering any subject shares, one at a time or in bulk: its `subject.created` event, and the insert
of many subjects of one kind at once."""

from collections.abc import Callable, Sequence

from audit.services import EventSpec
from fastpath.bulk import bulk_create_children

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

    bulk_create refuses multi-table children: fastpath.bulk.bulk_create_children writes the parent rows, then
    the child rows, per batch.
    """
    if not subjects:
        return
    done = 0
    for start in range(0, len(subjects), BATCH):
        batch = subjects[start : start + BATCH]
        for subject in batch:
            subject.fill_derived()
        bulk_create_children(batch, batch_size=BATCH)
        done += len(batch)
        if progress is not None:
            progress(done)
