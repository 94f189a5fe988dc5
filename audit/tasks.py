"""Celery entry points for the audit log: the daily checkpoint and the full verification."""

import logging

from celery import shared_task

from . import jobs
from .checkpoints import make_checkpoint
from .models import VerificationRun
from .runs import run_verification

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def make_daily_checkpoint() -> str | None:
    """Checkpoint yesterday (local date); scheduled hourly, every run after the first of a day is a no-op."""
    try:
        checkpoint = make_checkpoint()
    except ValueError as exc:
        # E.g. an operator already checkpointed today (audit_checkpoint --now) before yesterday's was written.
        logger.warning("audit checkpoint of yesterday not written: %s", exc)
        return None
    if checkpoint is None:
        return None
    logger.info(
        "audit checkpoint of %s written: %s streams, %s events, hash %s",
        checkpoint.day,
        checkpoint.stream_count,
        checkpoint.event_count,
        checkpoint.hash,
    )
    return checkpoint.hash


@shared_task(ignore_result=True)
def verify_audit_log(trigger: str = VerificationRun.Trigger.SCHEDULE) -> bool:
    """Verify the whole audit log, record the run and log the outcome; a failure notifies (signal)."""
    result = run_verification(trigger=trigger).result
    if result.ok:
        logger.info(
            "audit log verified: %s events in %s streams, %s checkpoints, %.1f s",
            result.events_checked,
            result.streams_checked,
            result.checkpoints_checked,
            result.elapsed,
        )
    else:
        first = result.first_problem
        logger.error(
            "audit log verification FAILED: %s problems; first at %s (%s): %s",
            result.problem_count,
            first.location(),
            first.kind,
            first.message,
        )
    return result.ok


@shared_task(ignore_result=True, acks_late=True)
def run_background_job(key: str) -> str:
    """One recorded background job (audit.jobs): run, its outcome recorded, re-driven if it failed."""
    return jobs.run(key)


@shared_task(ignore_result=True)
def redrive_background_jobs() -> int:
    """Send again the background jobs that are due (beat: every minute; idempotent)."""
    return jobs.redrive()
