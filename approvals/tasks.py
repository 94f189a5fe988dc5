"""Celery entry points of the collective steps: they take ids, reload rows and are idempotent."""

from celery import shared_task
from django.db import transaction
from django.urls import reverse

from audit.services import record_event
from notifications.services import notify
from registry.models import Role, RoleAssignment

from . import documents
from .models import Audit, Certificate, Decision, DecisionEntry, ReviewSession


@shared_task(ignore_result=True)
def generate_minutes(session_id: int) -> bool:
    """Render and store the minutes of a closed meeting, with their SHA-256 in the meeting's log."""
    session = ReviewSession.objects.select_related("village__parent").get(pk=session_id)
    if session.is_open or session.minutes:
        return False
    data = documents.minutes_pdf(session)
    digest = documents.sha256(data)
    with transaction.atomic():
        session.minutes.save(
            f"{session.pk}-{digest[:12]}.pdf", documents.as_file(data, "minutes.pdf"), save=False
        )
        session.minutes_sha256 = digest
        session.save(update_fields=["minutes", "minutes_sha256"])
        record_event(
            session.stream,
            "session.minutes_generated",
            data={"sha256": digest, "file": session.minutes.name},
            scope=session.unit_path,
        )
    return True


@shared_task(ignore_result=True)
def generate_decision_documents(decision_id: int) -> int:
    """Render the signed decision (with its annex) and one certificate per recognised subject.

    Resumable: a certificate already stored is not rendered again, so a retry after a crash continues.
    """
    decision = Decision.objects.select_related("commune__parent").get(pk=decision_id)
    if not decision.is_signed:
        return 0
    try:
        made = _generate(decision)
    except Exception:
        Decision.objects.filter(pk=decision.pk).update(documents=Decision.Documents.FAILED)
        raise
    return made


def _generate(decision: Decision) -> int:
    made = 0
    if not decision.document:
        data = documents.decision_pdf(decision)
        digest = documents.sha256(data)
        with transaction.atomic():
            decision.document.save(
                f"{decision.pk}-{digest[:12]}.pdf", documents.as_file(data, "decision.pdf"), save=False
            )
            decision.document_sha256 = digest
            decision.save(update_fields=["document", "document_sha256"])
            record_event(
                decision.stream,
                "decision.document_generated",
                data={"sha256": digest, "file": decision.document.name},
                scope=decision.unit_path,
            )
        made += 1
    pending = (
        DecisionEntry.objects.filter(decision=decision, recognised=True, certificate__isnull=True)
        .select_related("case__subject", "case__unit", "decision__commune")
        .order_by("pk")
    )
    for entry in pending.iterator(chunk_size=100):
        data = documents.certificate_pdf(entry)
        digest = documents.sha256(data)
        with transaction.atomic():
            certificate = Certificate(entry=entry, sha256=digest)
            certificate.file.save(
                f"{decision.pk}-{entry.pk}-{digest[:12]}.pdf", documents.as_file(data, "c.pdf"), save=False
            )
            certificate.save()
            record_event(
                entry.case.stream,
                "case.certificate_issued",
                data={"decision": decision.reference, "sha256": digest, "file": certificate.file.name},
                scope=entry.case.unit_path,
            )
        made += 1
    decision.documents = Decision.Documents.READY
    decision.save(update_fields=["documents"])
    return made


@shared_task(ignore_result=True)
def notify_audit_closed(audit_id: int) -> int:
    """Tell the commune's officers and chair that the audit of their decision is closed."""
    audit = Audit.objects.select_related("decision__commune").get(pk=audit_id)
    decision = audit.decision
    revoked = audit.samples.filter(finding="problem").count()
    users = {
        a.user
        for a in RoleAssignment.objects.active()
        .select_related("user")
        .filter(unit_id=decision.commune_id, role__in=[Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIR])
    }
    sent = 0
    for user in users:
        if notify(
            user,
            kind="audit_closed",
            dedupe_key=f"audit-closed:{audit.pk}:user:{user.pk}",
            context={"audit": audit, "decision": decision, "revoked": revoked},
            url=reverse("approvals:audit", args=[audit.pk]),
        ):
            sent += 1
    return sent
