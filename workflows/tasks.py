"""Celery entry points of the workflow."""

import logging

from celery import shared_task

from .deadlines import sweeps

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def sweep_deadlines() -> dict[str, int]:
    """Reminders, escalations and stalled steps that are due (beat: every minute; idempotent)."""
    return sweeps.sweep()


@shared_task(ignore_result=True)
def return_steps_of_ended_roles() -> int:
    """Nightly: steps claimed under a role that ended by date go back to the queue (idempotent)."""
    from .engine.roles import return_steps_of_ended_roles as sweep

    return sweep()


@shared_task(ignore_result=True, acks_late=True)
def check_consistency() -> int:
    """The nightly consistency check (workflows.consistency); its run shows on the integrity page. Read-only
    but for the run row it records: a retry after a worker died mid-run is harmless."""
    from audit.models import ConsistencyRun

    from .consistency import run_consistency_check

    run, problems = run_consistency_check(trigger=ConsistencyRun.Trigger.SCHEDULE)
    if problems:
        logger.error("consistency check #%s: %s problem(s)", run.pk, len(problems))
    return len(problems)
