"""Celery entry points of the workflow."""

from celery import shared_task

from .deadlines import sweeps


@shared_task(ignore_result=True)
def sweep_deadlines() -> dict[str, int]:
    """Reminders, escalations and stalled steps that are due (beat: every minute; idempotent)."""
    return sweeps.sweep()


@shared_task(ignore_result=True)
def return_steps_of_ended_roles() -> int:
    """Nightly: steps claimed under a role that ended by date go back to the queue (idempotent)."""
    from .engine.roles import return_steps_of_ended_roles as sweep

    return sweep()
