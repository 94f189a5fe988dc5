"""Celery entry points of the collective steps: they take ids, reload rows and are idempotent."""

from celery import shared_task
from django.urls import reverse

from criteria.authority import authority_for
from notifications.services import notify
from registry.models import Role, RoleAssignment

from . import jobs
from .models import Audit, Decision, ReviewSession


@shared_task(ignore_result=True)
def generate_minutes(session_id: int) -> bool:
    """Render and store the minutes of a closed meeting, with their SHA-256 in the meeting's log."""
    session = ReviewSession.objects.select_related("village__parent").get(pk=session_id)
    return jobs.store_minutes(session)


@shared_task(ignore_result=True)
def generate_decision_documents(decision_id: int) -> int:
    """Render the signed decision (with its annex) and one certificate per recognised subject.

    Resumable: a certificate already stored is not rendered again, so a retry after a crash continues.
    """
    decision = Decision.objects.select_related("commune__parent").get(pk=decision_id)
    return jobs.store_decision_documents(decision)


@shared_task(ignore_result=True)
def notify_audit_closed(audit_id: int) -> int:
    """Tell the issuing unit's officers and whoever decides the title there (the commune chair, the
    Association, ...: its recognition authority) that the audit of their decision is closed."""
    audit = Audit.objects.select_related("decision__commune").get(pk=audit_id)
    decision = audit.decision
    revoked = audit.samples.filter(finding="problem").count()
    checked = audit.samples.filter(finding="confirmed").count()
    not_sampled = len(_not_sampled_references(audit))
    users = {
        a.user
        for a in RoleAssignment.objects.active()
        .select_related("user")
        .filter(
            unit_id=decision.commune_id,
            role__in=[
                Role.COMMUNE_OFFICER,
                authority_for(decision.title_type_id, decision.unit_path).decider_role,
            ],
        )
    }
    sent = 0
    for user in users:
        if notify(
            user,
            kind="audit_closed",
            dedupe_key=f"audit-closed:{audit.pk}:user:{user.pk}",
            context={
                "audit": audit,
                "decision": decision,
                "revoked": revoked,
                "checked": checked,
                "not_sampled": not_sampled,
            },
            url=reverse("approvals:audit", args=[audit.pk]),
        ):
            sent += 1
    return sent


def _not_sampled_references(audit: Audit) -> list[str]:
    """The cases the audit closed without checking them, as its closing event lists them."""
    from audit.models import AuditEvent

    closed = (
        AuditEvent.objects.filter(stream=audit.stream, event_type="audit.closed").order_by("-seq").first()
    )
    return list(closed.data.get("not_sampled", [])) if closed else []
