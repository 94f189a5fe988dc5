"""Background work is never silently lost: a job is recorded with its transaction, sent on commit,
re-driven with back-off when the broker was down or the task failed, given up (and the administrators told)
after too many failures, and retried by hand from the admin."""

import datetime

import pytest
from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit import jobs
from audit.models import AuditEvent, BackgroundJob
from audit.signals import job_gave_up
from audit.tasks import redrive_background_jobs

State = BackgroundJob.State
CALLS: list = []


@shared_task(name="tests.audit.test_background_jobs.flaky")
def flaky(token: str, failures: int) -> None:
    """Fails the first `failures` times it runs for this token."""
    CALLS.append(token)
    if CALLS.count(token) <= failures:
        raise RuntimeError(f"{token}: not yet")


@pytest.fixture(autouse=True)
def _fresh():
    CALLS.clear()


def _enqueue(key: str, failures: int = 0) -> BackgroundJob:
    with transaction.atomic():
        jobs.enqueue(key, "tests.audit.test_background_jobs.flaky", key, failures)
    return BackgroundJob.objects.get(key=key)


def _later(minutes: int):
    return timezone.now() + datetime.timedelta(minutes=minutes)


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_on_commit_once_and_is_done():
    job = _enqueue("ok")
    assert (job.state, job.attempts, CALLS) == (State.DONE, 1, ["ok"])
    assert redrive_background_jobs() == 0


@pytest.mark.django_db(transaction=True)
def test_a_job_is_not_sent_when_its_transaction_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.enqueue("rolled-back", "tests.audit.test_background_jobs.flaky", "rolled-back", 0)
        raise RuntimeError("the service failed")
    assert not BackgroundJob.objects.exists() and CALLS == []


@pytest.mark.django_db(transaction=True)
def test_a_broker_down_at_enqueue_leaves_the_job_to_the_redrive(monkeypatch):
    task = jobs.task_named("audit.tasks.run_background_job")

    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(task, "delay", down)
    job = _enqueue("broker-down")
    assert (job.state, job.attempts, CALLS) == (State.PENDING, 0, [])
    monkeypatch.undo()
    assert redrive_background_jobs() == 0  # the re-drive waits a minute: the message may still be queued
    now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: now() + datetime.timedelta(minutes=2))
    assert redrive_background_jobs() == 1
    assert BackgroundJob.objects.get(pk=job.pk).state == State.DONE and CALLS == ["broker-down"]


@pytest.mark.django_db(transaction=True)
def test_a_failing_job_backs_off_and_is_redriven_until_it_succeeds(settings, monkeypatch):
    settings.BACKGROUND_JOB_BACKOFF_SECONDS = 60
    job = _enqueue("flaky", failures=2)
    assert job.state == State.FAILED and job.attempts == 1 and "not yet" in job.last_error
    first_wait = job.next_attempt_at
    assert _later(0) < first_wait <= _later(1)
    assert redrive_background_jobs() == 0  # not due yet

    now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: now() + datetime.timedelta(minutes=2))
    assert redrive_background_jobs() == 1
    job.refresh_from_db()
    assert job.state == State.FAILED and job.attempts == 2
    assert job.next_attempt_at - timezone.now() > datetime.timedelta(seconds=100)  # doubled

    monkeypatch.setattr(timezone, "now", lambda: now() + datetime.timedelta(minutes=10))
    assert redrive_background_jobs() == 1
    job.refresh_from_db()
    assert (job.state, job.attempts, job.last_error) == (State.DONE, 3, "")


@pytest.mark.django_db(transaction=True)
def test_a_job_that_keeps_failing_is_given_up_with_an_alert_and_retried_by_an_administrator(
    settings, monkeypatch, client
):
    settings.BACKGROUND_JOB_MAX_ATTEMPTS = 2
    settings.BACKGROUND_JOB_BACKOFF_SECONDS = 0
    alerts = []
    job_gave_up.connect(lambda sender, job, **kw: alerts.append(job.key), weak=False, dispatch_uid="t")
    try:
        job = _enqueue("hopeless", failures=5)
        assert redrive_background_jobs() == 1
        job.refresh_from_db()
        assert (job.state, job.attempts) == (State.GAVE_UP, 2)
        assert alerts == ["hopeless"]
        assert redrive_background_jobs() == 0  # no longer re-driven
    finally:
        job_gave_up.disconnect(dispatch_uid="t")

    admin = get_user_model().objects.create_superuser("root", "root@example.vn", "pw")
    client.force_login(admin)
    changelist = reverse("admin:audit_backgroundjob_changelist")
    assert "hopeless" in client.get(changelist).content.decode()
    CALLS.clear()
    CALLS.extend(["hopeless"] * 5)  # it succeeds now
    response = client.post(changelist, {"action": "retry_jobs", "_selected_action": [job.pk]})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == State.DONE
    assert AuditEvent.objects.filter(event_type="job.retried", actor=admin).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_second_message_for_a_running_job_does_not_run_it_twice():
    job = _enqueue("twice")
    BackgroundJob.objects.filter(pk=job.pk).update(state=State.RUNNING, started_at=timezone.now())
    assert jobs.run(job.key) == State.RUNNING and CALLS == ["twice"]


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_died_mid_run_is_redriven(settings):
    job = _enqueue("killed")
    # as if a worker took it and was killed: running, started long ago, never finished
    BackgroundJob.objects.filter(pk=job.pk).update(
        state=State.RUNNING, started_at=timezone.now() - datetime.timedelta(hours=2)
    )
    assert redrive_background_jobs() == 1
    assert BackgroundJob.objects.get(pk=job.pk).state == State.DONE and CALLS == ["killed", "killed"]


@pytest.mark.django_db(transaction=True)
def test_signing_a_decision_records_its_documents_job(world):
    from tests.approvals.builders import proposed_cases, signed_decision

    decision = signed_decision(world, proposed_cases(world, 1))
    job = BackgroundJob.objects.get(key=f"decision-documents:{decision.pk}")
    assert job.task == "approvals.tasks.generate_decision_documents" and job.args == [decision.pk]


@pytest.mark.django_db(transaction=True)
def test_the_administrators_are_notified_when_a_job_is_given_up(settings):
    from notifications.models import Notification

    settings.BACKGROUND_JOB_MAX_ATTEMPTS = 1
    admin = get_user_model().objects.create_superuser("root", "root@example.vn", "pw")
    job = _enqueue("given-up", failures=5)
    assert job.state == State.GAVE_UP
    [notice] = Notification.objects.filter(user=admin, kind="background_job_failed")
    assert "given-up" in notice.body and str(job.pk) in notice.url
