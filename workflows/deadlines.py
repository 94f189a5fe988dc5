"""When a step is due. Calendar days per step for now; the working-day calendar replaces this policy."""

import datetime

from django.conf import settings
from django.utils import timezone

DEFAULT_STEP_DAYS = {"collect": 14, "score": 7, "review": 14, "decide": 14, "audit": 30}


def step_days(step: str) -> int | None:
    configured = getattr(settings, "RECOGNITION", {}).get("STEP_SLA_DAYS", {})
    return configured.get(step, DEFAULT_STEP_DAYS.get(step))


def due_for(step: str, start: datetime.datetime | None = None) -> datetime.datetime | None:
    days = step_days(step)
    if days is None:
        return None
    return (start or timezone.now()) + datetime.timedelta(days=days)
