"""What the Celery tasks of the collective steps run: the official documents, stored once each (the file, its
SHA-256 on the row that owns it and the event on the owner's stream, in one transaction).

Apart from the services, which queue the tasks (tasks -> jobs, services -> tasks: no cycle)."""

from dataclasses import dataclass

from django.db import transaction

from audit.services import record_event

from . import documents as rendering
from .models import Certificate, Decision, DecisionEntry, ReviewSession


@dataclass(frozen=True)
class _Kind:
    """Where a kind of document is kept on its row, and the event that records it."""

    file_field: str
    sha_field: str
    event_type: str


_MINUTES = _Kind("minutes", "minutes_sha256", "session.minutes_generated")
_DECISION = _Kind("document", "document_sha256", "decision.document_generated")
_CERTIFICATE = _Kind("file", "sha256", "case.certificate_issued")


def store_minutes(session: ReviewSession, *, actor=None) -> bool:
    """Render and store the minutes of a closed meeting; False when the meeting is open or has them."""
    if session.is_open or session.minutes:
        return False
    _store(session, rendering.minutes_pdf(session), _MINUTES, name=str(session.pk), actor=actor)
    return True


def store_decision_documents(decision: Decision, *, actor=None) -> int:
    """Render the signed decision (with its annex) and one certificate per recognised subject; returns how
    many documents were stored.

    Each document is stored in its own transaction, so a retry after a crash continues where it stopped: a
    document already stored is not rendered again. A failure marks the decision's documents as failed.
    """
    if not decision.is_signed:
        return 0
    try:
        made = _store_decision(decision, actor=actor)
    except Exception:
        Decision.objects.filter(pk=decision.pk).update(documents=Decision.Documents.FAILED)
        raise
    decision.documents = Decision.Documents.READY
    decision.save(update_fields=["documents"])
    return made


def issue_certificate(entry: DecisionEntry, *, actor=None) -> Certificate:
    """Render and store the certificate of one recognised subject of a signed decision."""
    decision = entry.decision
    return _store(
        Certificate(entry=entry),
        rendering.certificate_pdf(entry),
        _CERTIFICATE,
        name=f"{decision.pk}-{entry.pk}",
        actor=actor,
        owner=entry.case,
        data={"decision": decision.reference},
    )


def _store_decision(decision: Decision, *, actor) -> int:
    made = 0
    if not decision.document:
        _store(decision, rendering.decision_pdf(decision), _DECISION, name=str(decision.pk), actor=actor)
        made += 1
    pending = (
        DecisionEntry.objects.filter(decision=decision, recognised=True, certificate__isnull=True)
        .select_related("case__subject", "case__unit", "decision__commune")
        .order_by("pk")
    )
    for entry in pending.iterator(chunk_size=100):
        issue_certificate(entry, actor=actor)
        made += 1
    return made


@transaction.atomic
def _store(row, pdf: bytes, kind: _Kind, *, name: str, actor, owner=None, data: dict | None = None):
    """Save a rendered PDF on `row` (a new row is inserted, a stored one updates only the file's columns)
    and record it, with its SHA-256, on the stream of `owner` (the row itself unless given)."""
    owner = row if owner is None else owner
    digest = rendering.sha256(pdf)
    field = getattr(row, kind.file_field)
    field.save(f"{name}-{digest[:12]}.pdf", rendering.as_file(pdf, "document.pdf"), save=False)
    setattr(row, kind.sha_field, digest)
    row.save(update_fields=None if row._state.adding else [kind.file_field, kind.sha_field])
    record_event(
        owner.stream,
        kind.event_type,
        actor=actor,
        data={**(data or {}), "sha256": digest, "file": field.name},
        scope=owner.unit_path,
    )
    return row
