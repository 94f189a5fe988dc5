"""Writes of the reports app: registry import jobs (upload, validation, commit), for every import kind.

The upload and the confirmation are here; the validation and the commit run in Celery (tasks.py, jobs.py).
"""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.jobs import enqueue

from .imports.kinds import kind_of
from .models import ImportJob

MAX_UPLOAD_BYTES = 30 * 1024 * 1024
S = ImportJob.Status


def start_import(upload, *, kind: str, actor) -> ImportJob:
    """Keep an uploaded file of an import kind and queue its validation; nothing reaches the registry yet."""
    if not kind_of(kind).allows(actor):
        raise PermissionDenied(_("You are not allowed to import registry files."))
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than %(max)s MB.") % {"max": MAX_UPLOAD_BYTES // 2**20})
    data = upload.read()
    job = ImportJob(
        kind=kind,
        created_by=actor,
        created_at=timezone.now(),
        original_name=(upload.name or "")[:255],
        sha256=hashlib.sha256(data).hexdigest(),
    )
    job.file.save(job.sha256, ContentFile(data), save=False)
    job.save()
    enqueue(f"import-validate:{job.pk}", "reports.tasks.validate_import_job", job.pk)
    return job


def request_commit(job: ImportJob, *, actor) -> ImportJob:
    """The importer confirms a clean report; the commit is queued once, however often they click."""
    if job.created_by_id != actor.pk or not job.import_kind.allows(actor):
        raise PermissionDenied(_("You are not allowed to import registry files."))
    claimed = ImportJob.objects.filter(pk=job.pk, status=S.VALIDATED).update(status=S.COMMITTING, processed=0)
    if not claimed:
        raise ValidationError(_("This import is not ready to be committed."))
    enqueue(f"import-commit:{job.pk}", "reports.tasks.commit_import_job", job.pk)
    job.refresh_from_db()
    return job
