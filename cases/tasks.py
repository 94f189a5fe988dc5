"""Celery entry points for cases: they take ids, reload rows and call services."""

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from notifications.households import notify_household
from notifications.services import notify
from registry.models import Household, Role, RoleAssignment, SubjectKind
from registry.selectors import users_covering

from .events import HOUSEHOLD_NOTICES, NOTIFIED_EVENTS, QUEUED_EVENTS
from .models import Case


@shared_task(ignore_result=True)
def notify_case_event(event_id: int) -> int:
    """Notify the people concerned by a case event: its household by text message, the village officers and
    the nominator in the application; idempotent per (event, recipient)."""
    event = AuditEvent.objects.filter(pk=event_id).first()
    if event is None or event.event_type not in QUEUED_EVENTS or not event.stream.startswith("case:"):
        return 0
    case = Case.objects.select_related("subject", "nominated_by", "title_type").get(
        pk=int(event.stream.split(":", 1)[1])
    )
    told = _tell_household(case, event)
    if event.event_type not in NOTIFIED_EVENTS:
        return told
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
    sent = told
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


def _household_of(case: Case) -> Household | None:
    if case.subject.kind == SubjectKind.HOUSEHOLD:
        return Household.objects.filter(pk=case.subject_id).first()
    if case.subject.kind == SubjectKind.PERSON:
        return Household.objects.filter(citizens__pk=case.subject_id).first()
    return None


def _tell_household(case: Case, event: AuditEvent) -> int:
    template = HOUSEHOLD_NOTICES.get(event.event_type)
    household = _household_of(case) if template is not None else None
    if household is None or not household.phone:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        text = str(template) % {
            "ref": case.reference,
            "title": case.title_type.name,
            "year": case.year,
            "reason": event.reason or "-",
            "url": f"{settings.SITE_URL}/tra-cuu/",
        }
    notice = notify_household(
        household,
        reference=case.reference,
        event_type=event.event_type,
        text=text,
        dedupe_key=f"audit:{event.pk}:household",
    )
    return int(notice is not None)
