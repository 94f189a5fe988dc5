"""Celery entry points for cases: they take ids, reload rows and call services."""

from celery import shared_task
from django.urls import reverse

from audit.models import AuditEvent
from notifications.services import notify
from registry.models import Role, RoleAssignment
from registry.selectors import users_covering

from .events import NOTIFIED_EVENTS
from .models import Case


@shared_task(ignore_result=True)
def notify_case_event(event_id: int) -> int:
    """Notify the people concerned by a case event; idempotent per (event, user)."""
    event = AuditEvent.objects.filter(pk=event_id).first()
    if event is None or event.event_type not in NOTIFIED_EVENTS or not event.stream.startswith("case:"):
        return 0
    case = Case.objects.select_related("subject", "nominated_by").get(pk=int(event.stream.split(":", 1)[1]))
    officers = {
        a.user
        for a in RoleAssignment.objects.active()
        .select_related("user")
        .filter(unit_id=case.unit_id, role=Role.VILLAGE_OFFICER)
    }
    # whoever nominated the case hears of it while they still hold a role there (not after it ended)
    nominator = case.nominated_by
    if nominator is not None and not users_covering({nominator.pk}, case.unit_path):
        nominator = None
    recipients = {u for u in officers | {nominator} if u is not None and u.pk != event.actor_id}
    context = {
        "case": case,
        "event_label": NOTIFIED_EVENTS[event.event_type],
        "reason": event.reason,
        "actor_name": event.actor_name,
    }
    sent = 0
    for user in recipients:
        if notify(
            user,
            kind="case_event",
            dedupe_key=f"audit:{event.pk}:user:{user.pk}",
            context=context,
            url=reverse("cases:detail", args=[case.pk]),
        ):
            sent += 1
    return sent


@shared_task(ignore_result=True)
def notify_case_events(event_ids: list[int]) -> int:
    """The notifications of a collective step's case events: one message for the batch, each event as
    notify_case_event (idempotent per event and user)."""
    return sum(notify_case_event(event_id) for event_id in event_ids)
