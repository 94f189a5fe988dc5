"""No task runs for ever: the Celery app carries time limits and a memory ceiling, and an import that runs
past the soft limit ends with a message and writes nothing."""

from celery.exceptions import SoftTimeLimitExceeded
from django.utils import translation

from config.celery import app
from registry.models import Household
from reports.imports.households import HouseholdImport
from reports.models import ImportJob

from .imports import commit, run_import
from .sheets import household_rows, xlsx_bytes


def test_the_celery_app_has_time_limits_and_a_memory_ceiling():
    conf = app.conf
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit
    assert conf.worker_max_memory_per_child > 0


def test_a_check_past_the_soft_limit_ends_invalid_with_a_message(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    def slow(self, sheet, *, scope, actor=None):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(HouseholdImport, "validate", slow)
    data = xlsx_bytes(household_rows([world.village_a1.code], 1))
    job = run_import(
        data, world.user("commune_officer_a"), django_capture_on_commit_callbacks, kind="households"
    )
    assert (job.status, job.failure_code) == (ImportJob.Status.INVALID, "timed_out")
    with translation.override("vi"):
        assert "thời gian" in job.failure


def test_a_commit_past_the_soft_limit_writes_nothing(world, monkeypatch, django_capture_on_commit_callbacks):
    officer = world.user("commune_officer_a")
    data = xlsx_bytes(household_rows([world.village_a1.code], 2))
    job = run_import(data, officer, django_capture_on_commit_callbacks, kind="households")
    assert job.status == ImportJob.Status.VALIDATED
    real_write = HouseholdImport.write

    def write_then_time_out(self, report, **kwargs):
        real_write(self, report, **kwargs)
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(HouseholdImport, "write", write_then_time_out)
    before = Household.objects.count()
    job = commit(job, officer, django_capture_on_commit_callbacks)
    assert (job.status, job.failure_code) == (ImportJob.Status.FAILED, "timed_out")
    assert Household.objects.count() == before
