"""Running an import job: the validation of its file and the commit of its records (the Celery tasks' work).

services.py accepts the upload and the confirmation and queues these through tasks.py.
"""

import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from audit.services import record_event
from registry.selectors import grants_for

from .imports.base import Report, RowRejected
from .imports.parsing import FileRejected, dump_sheet, load_sheet, read_sheet
from .models import ImportJob

log = logging.getLogger(__name__)

# Only so many rows are kept for the report page; the count is always exact.
STORED_ERRORS = 2000
S = ImportJob.Status


def validate_import(job: ImportJob) -> ImportJob:
    """Check every row of the job's file; the job ends `validated` or `invalid` with its row report."""
    try:
        report = _check(job)
    except SoftTimeLimitExceeded:
        log.warning("checking %s import %s ran past the task time limit", job.kind, job.pk)
        job.failure_code, job.failure_params = "timed_out", {}
    except Exception:
        log.exception("checking %s import %s failed", job.kind, job.pk)
        job.failure_code, job.failure_params = "unexpected", {}
    if job.failure_code:
        job.status = S.INVALID
    else:
        _store_report(job, report)
        job.status = S.VALIDATED if report.ok else S.INVALID
    job.finished_at = timezone.now()
    job.save()
    return job


def commit_import(job: ImportJob) -> ImportJob:
    """Validate again against today's registry and write every record in one transaction, or nothing."""
    if job.status != S.COMMITTING:
        return job  # already finished (a redelivered task)
    kind = job.import_kind
    report = _check(job)
    if job.failure_code or not report.ok:
        if not job.failure_code:
            _store_report(job, report)
        return _finish(job, S.FAILED)
    side, progress = _progress_writer(job.pk)
    actor = job.created_by
    try:
        with transaction.atomic():
            counts = kind.write(report, actor=actor, progress=progress, source=f"import:{job.pk}")
            job.new_count, job.linked_count, job.processed = (
                counts["created"],
                counts["linked"],
                counts["created"],
            )
            job.existing_count = counts["existing"]
            job.status, job.finished_at = S.DONE, timezone.now()
            job.save()
            grant = _import_grant(actor, kind)
            record_event(
                f"import:{job.pk}",
                kind.event_type,
                actor=actor,
                role=grant.role if grant else "",
                unit=grant.unit_code if grant else "",
                scope=grant.unit_path if grant else "",
                data={
                    "kind": job.kind,
                    "file": job.original_name,
                    "sha256": job.sha256,
                    "rows": report.rows,
                    **counts,
                },
            )
    except RowRejected as rejected:
        job.refresh_from_db()
        job.errors = [{"row": rejected.row, "code": rejected.code, "params": rejected.params}]
        job.error_count = 1
        return _finish(job, S.FAILED)
    except SoftTimeLimitExceeded:
        log.warning("%s import %s ran past the task time limit; nothing was written", job.kind, job.pk)
        job.refresh_from_db()
        job.failure_code = "timed_out"
        return _finish(job, S.FAILED)
    except Exception:
        log.exception("%s import %s failed", job.kind, job.pk)
        job.refresh_from_db()
        job.failure_code = "unexpected"
        return _finish(job, S.FAILED)
    finally:
        if side is not None:
            side.close()
    return job


def _import_grant(actor, kind):
    """The grant the import was made under, for the audit event: the broadest one of the kind's roles."""
    grants = [g for g in grants_for(actor) if g.role in kind.import_roles]
    return min(grants, key=lambda g: len(g.unit_path), default=None)


def _check(job: ImportJob) -> Report | None:
    if job.parsed:
        with job.parsed.open("rb") as handle:
            sheet = load_sheet(handle.read())
    else:
        with job.file.open("rb") as handle:
            data = handle.read()
        try:
            sheet = read_sheet(data, job.import_kind)
        except FileRejected as rejected:
            job.failure_code, job.failure_params = rejected.code, rejected.params
            return None
        job.file_format = sheet.format
        job.parsed.save(job.sha256, ContentFile(dump_sheet(sheet)), save=False)
    kind = job.import_kind
    return kind.validate(sheet, scope=kind.scope(job.created_by), actor=job.created_by)


def _store_report(job: ImportJob, report: Report) -> None:
    job.total_rows = report.rows
    job.new_count = len(report.new)
    job.existing_count = report.existing
    job.linked_count = report.linked
    job.error_count = len({e["row"] for e in report.errors})
    job.errors = report.errors[:STORED_ERRORS]


def _finish(job: ImportJob, status: str) -> ImportJob:
    job.status, job.finished_at = status, timezone.now()
    job.save()
    return job


def _progress_writer(job_pk: int):
    """Progress goes through a second connection, so the page sees it while the import's own transaction
    is still open. SQLite allows one writer at a time: there the page shows an indeterminate bar."""
    if connection.vendor != "postgresql":
        return None, None
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    table = side.ops.quote_name(ImportJob._meta.db_table)

    def progress(done: int) -> None:
        with side.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET processed = %s WHERE id = %s", [done, job_pk])  # noqa: S608  # nosec B608  # the table name comes from _meta

    return side, progress
