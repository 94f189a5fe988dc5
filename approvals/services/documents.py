"""The official documents of the collective steps, stored once each: the file, its SHA-256 on the row that
owns it and the event on the owner's stream, in one transaction."""

from django.db import transaction

from audit.services import record_event

from .. import documents as rendering
from ..models import Certificate, Decision, DecisionEntry, ReviewSession


def store_minutes(session: ReviewSession, *, actor=None) -> bool:
    """Render and store the minutes of a closed meeting; False when the meeting is open or has them."""
    if session.is_open or session.minutes:
        return False
    _store(
        session,
        rendering.minutes_pdf(session),
        file_field="minutes",
        sha_field="minutes_sha256",
        name=str(session.pk),
        event_type="session.minutes_generated",
        actor=actor,
    )
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
        file_field="file",
        sha_field="sha256",
        name=f"{decision.pk}-{entry.pk}",
        event_type="case.certificate_issued",
        actor=actor,
        owner=entry.case,
        data={"decision": decision.reference},
    )


def _store_decision(decision: Decision, *, actor) -> int:
    made = 0
    if not decision.document:
        _store(
            decision,
            rendering.decision_pdf(decision),
            file_field="document",
            sha_field="document_sha256",
            name=str(decision.pk),
            event_type="decision.document_generated",
            actor=actor,
        )
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
def _store(
    row,
    pdf: bytes,
    *,
    file_field: str,
    sha_field: str,
    name: str,
    event_type: str,
    actor,
    owner=None,
    data: dict | None = None,
):
    """Save a rendered PDF on `row` (a new row is inserted, a stored one updates only the file's columns)
    and record it, with its SHA-256, on the stream of `owner` (the row itself unless given)."""
    owner = row if owner is None else owner
    digest = rendering.sha256(pdf)
    field = getattr(row, file_field)
    field.save(f"{name}-{digest[:12]}.pdf", rendering.as_file(pdf, "document.pdf"), save=False)
    setattr(row, sha_field, digest)
    row.save(update_fields=None if row._state.adding else [file_field, sha_field])
    record_event(
        owner.stream,
        event_type,
        actor=actor,
        data={**(data or {}), "sha256": digest, "file": field.name},
        scope=owner.unit_path,
    )
    return row
