"""What each case event is called in the timeline (the stored event types are stable codes)."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "case.nominated": _("Nominated"),
    "evidence.added": _("Evidence added"),
    "evidence.removed": _("Evidence removed"),
    "case.evidence_collected": _("Evidence collection completed"),
    "case.scored": _("Scored"),
    "case.returned": _("Returned for rework"),
    "case.proposed": _("Proposed by the village review"),
    "case.not_proposed": _("Not proposed by the village review"),
    "case.recognised": _("Recognised by the commune"),
    "case.refused": _("Refused by the commune"),
    "case.audit_confirmed": _("Confirmed by the audit"),
    "case.audit_not_sampled": _("Audit closed without checking this case (not in the sample)"),
    "case.revoked": _("Recognition revoked"),
    "case.withdrawn": _("Withdrawn"),
    "task.claimed": _("Step claimed"),
    "task.released": _("Step put back in the queue"),
    "task.returned_to_queue": _("Step returned to the queue"),
}


def event_label(event_type: str) -> str:
    return str(EVENT_LABELS.get(event_type, event_type))


# The events a household hears of by text message on the phone it gave (cases.tasks.notify_case_event).
HOUSEHOLD_NOTICES = {
    "case.nominated": _("Case %(ref)s (%(title)s %(year)s) is registered. Follow it at %(url)s"),
    "case.returned": _(
        "Case %(ref)s: more evidence is needed. Please contact your village's study-promotion officer."
    ),
    "case.recognised": _("Case %(ref)s: your household is recognised as %(title)s %(year)s."),
    "case.refused": _("Case %(ref)s: not recognised this year. Reason: %(reason)s"),
    "case.revoked": _("Case %(ref)s: the recognition was revoked. Reason: %(reason)s"),
}


# The events that notify someone (cases.tasks.notify_case_event): the case's nominator and the village
# officers of its unit. Services queue the notification task only for these.
NOTIFIED_EVENTS = {
    "case.returned": _("returned for rework"),
    "case.not_proposed": _("not proposed by the village"),
    "case.refused": _("not recognised"),
    "case.recognised": _("recognised"),
    "case.revoked": _("recognition revoked"),
}

# Every event that queues cases.tasks.notify_case_event: officers' notifications and households' notices.
QUEUED_EVENTS = frozenset(NOTIFIED_EVENTS) | frozenset(HOUSEHOLD_NOTICES)
