"""Celery entry points of the workflow."""

from celery import shared_task

from .deadlines import sweeps


@shared_task(ignore_result=True)
def sweep_deadlines() -> dict[str, int]:
    """Reminders, escalations and stalled steps that are due (beat: every minute; idempotent)."""
    return sweeps.sweep()
