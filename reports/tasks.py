"""Celery entry points: they take ids, reload the row and run the job (jobs.py)."""

from celery import shared_task

from .jobs import commit_import, validate_import
from .models import ImportJob


@shared_task(name="reports.tasks.validate_import_job")
def validate_import_job(job_id: int) -> None:
    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.VALIDATING).first()
    if job is not None:
        validate_import(job)


@shared_task(name="reports.tasks.commit_import_job")
def commit_import_job(job_id: int) -> None:
    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.COMMITTING).first()
    if job is not None:
        commit_import(job)
