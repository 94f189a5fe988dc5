"""The knobs of the collective steps (settings.RECOGNITION), with their defaults."""

from decimal import Decimal

from django.conf import settings

DEFAULTS = {
    "POSTING_DAYS": 10,
    "AUDIT_SAMPLE_SHARE": Decimal("0.10"),
    "AUDIT_SAMPLE_MINIMUM": 5,
    "AUDIT_RISK_SCORE_MARGIN": Decimal("5"),
    "AUDIT_RISK_ASSESSOR_CASES": 30,
    "AUDIT_RISK_MAX_PICKS": 10,
    # files the auditor may attach to one finding at a time (each checked as evidence files are)
    "AUDIT_FINDING_FILES_MAX": 5,
}


def knob(name: str):
    return getattr(settings, "RECOGNITION", {}).get(name, DEFAULTS[name])
