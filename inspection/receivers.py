"""Inspectors and administrators are told when a verification finds the audit log broken; administrators
when a background job failed too often to be re-driven."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.dispatch import receiver
from django.urls import reverse

from audit.signals import job_gave_up, verification_failed
from notifications.services import notify
from registry.models import Role, RoleAssignment

from .permissions import INSPECTION_ROLES


@receiver(verification_failed, dispatch_uid="inspection.notify_verification_failed")
def notify_verification_failed(sender, run, **kwargs):
    """One notification per recipient per run (the dedupe key holds the run id)."""
    holders = RoleAssignment.objects.active().filter(role__in=INSPECTION_ROLES).values("user_id")
    recipients = get_user_model().objects.filter(Q(pk__in=holders) | Q(is_superuser=True), is_active=True)
    context = {
        "run": run,
        "location": (
            f"{run.first_stream} #{run.first_seq}" if run.first_seq is not None else run.first_stream or "-"
        ),
    }
    url = reverse("inspection:integrity")
    for user in recipients:
        notify(
            user,
            kind="audit_verification_failed",
            dedupe_key=f"audit-verification-failed:{run.pk}:{user.pk}",
            context=context,
            url=url,
        )


@receiver(job_gave_up, dispatch_uid="inspection.notify_job_gave_up")
def notify_job_gave_up(sender, job, **kwargs):
    """The administrators: a document, import or e-mail is stuck until one of them retries it."""
    holders = RoleAssignment.objects.active().filter(role=Role.ADMINISTRATOR).values("user_id")
    recipients = get_user_model().objects.filter(Q(pk__in=holders) | Q(is_superuser=True), is_active=True)
    url = reverse("admin:audit_backgroundjob_change", args=[job.pk])
    for user in recipients:
        notify(
            user,
            kind="background_job_failed",
            dedupe_key=f"background-job-failed:{job.pk}:{job.attempts}:{user.pk}",
            context={"job": job},
            url=url,
        )
