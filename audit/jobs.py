"""Background work that is never silently lost: each job is a row written with the transaction that asks for
it, then sent to Celery on commit. If the broker is down at that moment, or a worker dies mid-task (tasks are
acknowledged late, and re-run safely: every job's task is idempotent), the row stays behind and the re-drive
(beat, every minute) sends it again, with back-off after failures, until it succeeds or has failed
BACKGROUND_JOB_MAX_ATTEMPTS times; then it is given up and the administrators are told (signal
`job_gave_up`). An administrator retries a given-up job from the admin (`retry_job`)."""

import datetime
import importlib
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import BackgroundJob
from .signals import job_gave_up

logger = logging.getLogger(__name__)

State = BackgroundJob.State


def _knob(name: str, default):
    return getattr(settings, name, default)


def max_attempts() -> int:
    return _knob("BACKGROUND_JOB_MAX_ATTEMPTS", 6)


def backoff(attempts: int) -> datetime.timedelta:
    """How long to wait after the `attempts`-th failure: doubling from BACKGROUND_JOB_BACKOFF_SECONDS."""
    base = _knob("BACKGROUND_JOB_BACKOFF_SECONDS", 60)
    return datetime.timedelta(seconds=base * 2 ** max(attempts - 1, 0))


def stale_after() -> datetime.timedelta:
    """A job "running" for longer than this lost its worker: it is re-driven."""
    return datetime.timedelta(seconds=_knob("BACKGROUND_JOB_STALE_SECONDS", 30 * 60))


def enqueue(key: str, task: str, *args) -> BackgroundJob:
    """Record the job in the caller's transaction and send it on commit (a job already done is sent again:
    its task is idempotent and finds nothing left to do)."""
    # re-driven from a minute on if it has not started by then (the broker was down at the commit)
    key, later = key[:150], timezone.now() + backoff(1)
    fields = {"task": task, "args": list(args), "next_attempt_at": later}
    # two statements, no savepoint: an existing job (not running) is asked for again, else a new row
    again = (
        BackgroundJob.objects.filter(key=key)
        .exclude(state=State.RUNNING)
        .update(state=State.PENDING, **fields)
    )
    if not again:
        BackgroundJob.objects.bulk_create([BackgroundJob(key=key, **fields)], ignore_conflicts=True)
    transaction.on_commit(lambda: send(key))
    return BackgroundJob(key=key, **fields)


def task_named(name: str):
    """The Celery task registered under `name`, its module imported first if this process has not yet."""
    from celery import current_app

    if name not in current_app.tasks:
        importlib.import_module(name.rsplit(".", 1)[0])
    return current_app.tasks[name]


def send(key: str) -> bool:
    """Hand the job to the broker; a broker that is down leaves it to the re-drive."""
    try:
        task_named("audit.tasks.run_background_job").delay(key)
    except Exception:  # noqa: BLE001 - any broker failure: the row is there, the re-drive sends it later
        logger.warning("background job %s not sent; it will be re-driven", key, exc_info=True)
        return False
    return True


def run(key: str) -> str:
    """Run one job (the Celery task's body): its attempt counted, its outcome recorded."""
    with transaction.atomic():
        job = BackgroundJob.objects.select_for_update().filter(key=key).first()
        if job is None or job.state in (State.DONE, State.GAVE_UP):
            return job.state if job else "missing"
        if job.state == State.RUNNING and job.started_at > timezone.now() - stale_after():
            return State.RUNNING  # a second message for a job another worker is running
        job.state, job.started_at = State.RUNNING, timezone.now()
        job.attempts += 1
        job.save(update_fields=["state", "started_at", "attempts"])
    try:
        task_named(job.task)(*job.args)
    except Exception as exc:  # noqa: BLE001 - recorded on the job and re-driven
        logger.exception("background job %s failed (attempt %s)", job.key, job.attempts)
        return _failed(job, exc)
    BackgroundJob.objects.filter(pk=job.pk).update(
        state=State.DONE, finished_at=timezone.now(), last_error="", next_attempt_at=None
    )
    return State.DONE


def _failed(job: BackgroundJob, exc: Exception) -> str:
    now = timezone.now()
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if job.attempts >= max_attempts():
        BackgroundJob.objects.filter(pk=job.pk).update(
            state=State.GAVE_UP, last_error=error, finished_at=now, next_attempt_at=None
        )
        job.state, job.last_error = State.GAVE_UP, error
        transaction.on_commit(lambda: job_gave_up.send(sender=BackgroundJob, job=job))
        return State.GAVE_UP
    BackgroundJob.objects.filter(pk=job.pk).update(
        state=State.FAILED, last_error=error, next_attempt_at=now + backoff(job.attempts)
    )
    return State.FAILED


def due(now=None):
    """Jobs to send again: waiting or failed and due, or running for too long (their worker died)."""
    now = now or timezone.now()
    return BackgroundJob.objects.filter(
        Q(state__in=[State.PENDING, State.FAILED], next_attempt_at__lte=now)
        | Q(state=State.RUNNING, started_at__lt=now - stale_after())
    ).order_by("next_attempt_at", "pk")


def redrive(limit: int = 500) -> int:
    """Send the due jobs again (beat); returns how many were sent."""
    now = timezone.now()
    ids, keys = [], []
    for pk, key in due(now).values_list("pk", "key")[:limit]:
        ids.append(pk)
        keys.append(key)
    # a running job that lost its worker runs again from pending; a job still waiting in a long queue is not
    # sent again for another while
    BackgroundJob.objects.filter(pk__in=ids, state=State.RUNNING).update(state=State.PENDING)
    BackgroundJob.objects.filter(pk__in=ids, state=State.PENDING).update(next_attempt_at=now + backoff(1))
    return sum(send(key) for key in keys)


def retry_job(job: BackgroundJob, *, actor) -> BackgroundJob:
    """An administrator's retry: the attempts start again and the job is sent now."""
    from .services import record_event

    with transaction.atomic():
        job = BackgroundJob.objects.select_for_update().get(pk=job.pk)
        if job.state in (State.RUNNING, State.DONE):
            return job
        job.state, job.attempts, job.next_attempt_at = State.PENDING, 0, timezone.now()
        job.save(update_fields=["state", "attempts", "next_attempt_at"])
        record_event(
            f"job:{job.pk}", "job.retried", actor=actor, data={"key": job.key, "error": job.last_error}
        )
        transaction.on_commit(lambda: send(job.key))
    return job
