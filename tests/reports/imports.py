"""Running an import job of any kind as the pages do: upload, check, commit (Celery tasks run eagerly)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from reports import services
from reports.models import ImportJob


def run_import(data: bytes, actor, capture, *, kind: str, name: str = "du-lieu.xlsx") -> ImportJob:
    with capture(execute=True):
        job = services.start_import(SimpleUploadedFile(name, data), kind=kind, actor=actor)
    job.refresh_from_db()
    return job


def commit(job: ImportJob, actor, capture) -> ImportJob:
    with capture(execute=True):
        services.request_commit(job, actor=actor)
    job.refresh_from_db()
    return job


def problems(job: ImportJob) -> list[tuple[int, str]]:
    return [(e["row"], e["code"]) for e in job.errors]
