"""Benchmark scenarios of going live: the villages and the staff imports (reports.imports.villages/staff),
through the functions the Celery tasks call; everything is rolled back afterwards."""

import io
import time
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from registry.models import AdministrativeUnit, RoleAssignment
from reports import jobs as import_jobs
from reports import services as report_services
from reports.imports.staff import STAFF
from reports.imports.villages import VILLAGES
from reports.models import ImportJob

from .province import BenchWorld
from .scenarios import _no_debug, scenario

STAFF_ROLES = ("Cán bộ chi hội khuyến học", "Người chấm điểm", "Trưởng thôn/Tổ trưởng")


def _xlsx(header: list[str], rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _run(kind: str, data: bytes, actor) -> tuple[ImportJob, float, float]:
    job = report_services.start_import(SimpleUploadedFile("bench.xlsx", data), kind=kind, actor=actor)
    t0 = time.perf_counter()
    import_jobs.validate_import(job)
    t1 = time.perf_counter()
    if job.status != ImportJob.Status.VALIDATED:
        raise AssertionError(f"bench {kind} file did not validate: {job.errors[:3]} {job.failure_code}")
    job = report_services.request_commit(job, actor=actor)
    import_jobs.commit_import(job)
    t2 = time.perf_counter()
    if job.status != ImportJob.Status.DONE:
        raise AssertionError(f"bench {kind} import ended {job.status}: {job.errors[:3]} {job.failure_code}")
    return job, t1 - t0, t2 - t1


def _importer():
    return get_user_model().objects.create_superuser("bench-golive-admin", "", None)


@scenario("import_villages")
def import_villages(
    world: BenchWorld, *, rows: int = 1000, log: Callable[[str], None] | None = print
) -> dict:
    """The province's .xlsx of `rows` new villages spread over its communes (no codes given: numbered)."""
    log = log or (lambda _msg: None)
    header = [c.header for c in VILLAGES.columns]
    communes = world.communes
    lines = [[communes[n % len(communes)].code, "", f"Bench {n:05d}", "Thôn", "", ""] for n in range(rows)]
    data = _xlsx(header, lines)
    with _no_debug(), transaction.atomic():
        before = AdministrativeUnit.objects.count()
        job, check, write = _run("villages", data, _importer())
        if AdministrativeUnit.objects.count() != before + rows:
            raise AssertionError("bench villages were not all created")
        transaction.set_rollback(True)
    log(f"    {rows} villages: check {check * 1000:.0f} ms, write {write * 1000:.0f} ms")
    return {"rows": rows, "ms": round((check + write) * 1000)}


@scenario("import_staff")
def import_staff(world: BenchWorld, *, rows: int = 10_000, log: Callable[[str], None] | None = print) -> dict:
    """The province's .xlsx of `rows` new people, one village role each, spread over every village: accounts
    created without passwords, roles assigned through assign_role (one audit event each)."""
    log = log or (lambda _msg: None)
    header = [c.header for c in STAFF.columns]
    villages = world.all_villages()
    lines = [
        [f"Bench Nguyễn {n}", f"08{n:08d}", "", STAFF_ROLES[n % 3], villages[n % len(villages)].code, "", ""]
        for n in range(rows)
    ]
    data = _xlsx(header, lines)
    with _no_debug(), transaction.atomic():
        before = RoleAssignment.objects.count()
        job, check, write = _run("staff", data, _importer())
        if RoleAssignment.objects.count() != before + rows:
            raise AssertionError("bench roles were not all assigned")
        transaction.set_rollback(True)
    log(f"    {rows} accounts with roles: check {check * 1000:.0f} ms, write {write * 1000:.0f} ms")
    return {
        "rows": rows,
        "ms": round((check + write) * 1000),
        "ms_per_account": round(write * 1000 / rows, 2),
    }
