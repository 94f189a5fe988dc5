"""Workflow knobs: settings.RECOGNITION with defaults, read through one accessor."""

from django.conf import settings

DEFAULTS = {
    "EVIDENCE_MAX_BYTES": 10 * 1024 * 1024,
    "EVIDENCE_CONTENT_TYPES": ["application/pdf", "image/jpeg", "image/png"],
    "CASE_LIST_PAGE_SIZE": 25,
    # an evidence photo larger than this (width x height) is refused: a phone's 50 MP camera fits
    "IMAGE_MAX_PIXELS": 60_000_000,
    # deadlines: working days after the due day before a step is escalated to the supervisor, and calendar
    # days without any change after which an open step counts as stalled
    "ESCALATION_GRACE_DAYS": 2,
    "STALLED_AFTER_DAYS": 30,
    # the year's campaign (month, day): the last two are the reporting deadlines of the national programme
    "CAMPAIGN": {
        "registration_end": (6, 30),
        "village_meetings": (8, 31),
        "commune_decisions": (10, 31),
        "report_province": (11, 15),
        "report_ministry": (12, 15),
    },
}


def setting(name: str):
    return getattr(settings, "RECOGNITION", {}).get(name, DEFAULTS[name])
