"""Benchmark scenarios of the reports app (imports and coverage); registered into bench.scenarios."""

import io
import time
import uuid
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from registry.models import Household, Role
from reports import jobs as import_jobs
from reports import services as report_services
from reports.imports.households import COLUMNS as HOUSEHOLD_COLUMNS
from reports.imports.nominations import NOMINATIONS
from reports.models import ImportJob
from workflows.models import CaseProcess

from .generate import BenchWorld, create_households
from .scenarios import QueryCounter, _client_for, _no_debug, scenario, time_page

MEMBERS = (("Chủ hộ", 1970), ("Vợ/chồng", 1972), ("Con", 2001), ("Con", 2005))


def household_import_file(villages: list[str], rows: int) -> bytes:
    """An .xlsx of `rows` people, four to a household, spread over the villages."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([c.header for c in HOUSEHOLD_COLUMNS])
    for n in range(rows):
        h, m = divmod(n, len(MEMBERS))
        relation, year = MEMBERS[m]
        sheet.append([f"BENCH-{h:07d}", villages[h % len(villages)], f"Nguyễn Văn {h}", year, relation, ""])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@scenario("import_households")
def import_households(
    world: BenchWorld, *, rows: int = 100_000, log: Callable[[str], None] | None = print
) -> dict:
    """A commune officer's .xlsx of `rows` people: validation and the one-transaction commit, through the
    functions the Celery tasks call (reports.jobs); rolled back afterwards so later scenarios see the
    generated province."""
    log = log or (lambda _msg: None)
    commune = world.communes[0]
    officer = world.user(Role.COMMUNE_OFFICER, commune)
    data = household_import_file([v.code for v in world.villages[commune.pk]], rows)
    before = Household.objects.count()
    with _no_debug(), transaction.atomic():
        job = report_services.start_import(
            SimpleUploadedFile("bench.xlsx", data), kind="households", actor=officer
        )
        t0 = time.perf_counter()
        import_jobs.validate_import(job)
        t1 = time.perf_counter()
        if job.status != ImportJob.Status.VALIDATED:
            raise AssertionError(f"bench import file did not validate: {job.errors[:3]} {job.failure}")
        job = report_services.request_commit(job, actor=officer)
        import_jobs.commit_import(job)
        t2 = time.perf_counter()
        if job.status != ImportJob.Status.DONE or Household.objects.count() != before + job.new_count:
            raise AssertionError(f"bench import ended {job.status}")
        transaction.set_rollback(True)
    log(
        f"    {rows} rows ({len(data) // 1024} KiB): check {(t1 - t0) * 1000:.0f} ms, "
        f"write {job.new_count} households {(t2 - t1) * 1000:.0f} ms"
    )
    return {"rows": rows, "ms": round((t2 - t0) * 1000)}


def nomination_import_file(codes: list[str], title: str, year: int) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([c.header for c in NOMINATIONS.columns])
    for code in codes:
        sheet.append([code, title, year, ""])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@scenario("import_nominations")
def import_nominations(
    world: BenchWorld, *, rows: int = 1000, log: Callable[[str], None] | None = print
) -> dict:
    """A commune officer's .xlsx registering `rows` households of the commune for this year's title: the
    check and the one-transaction commit, which opens every case through the nomination service (criteria
    set, reference, audit event, recognition process). New households are made for it, untimed; everything
    is rolled back afterwards."""
    log = log or (lambda _msg: None)
    commune = world.communes[0]
    officer = world.user(Role.COMMUNE_OFFICER, commune)
    villages = world.villages[commune.pk]
    year = timezone.localdate().year
    counter = QueryCounter()
    with _no_debug(), transaction.atomic():
        prefix = f"NB-{uuid.uuid4().hex[:8]}"
        codes = []
        for n, village in enumerate(villages):
            share = rows // len(villages) + (1 if n < rows % len(villages) else 0)
            codes += [s.code for s in create_households(village, share, code_prefix=f"{prefix}-{n}")]
        data = nomination_import_file(codes, world.title_type.code, year)
        cases_before, processes_before = Case.objects.count(), CaseProcess.objects.count()
        job = report_services.start_import(
            SimpleUploadedFile("bench.xlsx", data), kind="nominations", actor=officer
        )
        with connection.execute_wrapper(counter):
            counter.bucket = "check"
            t0 = time.perf_counter()
            import_jobs.validate_import(job)
            t1 = time.perf_counter()
            if job.status != ImportJob.Status.VALIDATED:
                raise AssertionError(
                    f"bench nomination file did not validate: {job.errors[:3]} {job.failure}"
                )
            counter.bucket = None
            job = report_services.request_commit(job, actor=officer)
            counter.bucket = "commit"
            t2 = time.perf_counter()
            import_jobs.commit_import(job)
            t3 = time.perf_counter()
            counter.bucket = None
        opened = Case.objects.count() - cases_before
        if job.status != ImportJob.Status.DONE or opened != rows:
            raise AssertionError(f"bench nomination import ended {job.status} with {opened} cases")
        if CaseProcess.objects.count() - processes_before != rows:
            raise AssertionError("bench nomination import: a case without its process")
        transaction.set_rollback(True)
    per_case = (t3 - t2) * 1000 / rows
    log(
        f"    {rows} nominations: check {(t1 - t0) * 1000:.0f} ms ({counter.counts['check']} queries), "
        f"commit {(t3 - t2) * 1000:.0f} ms = {per_case:.1f} ms and "
        f"{counter.counts['commit'] / rows:.1f} queries per case"
    )
    return {
        "rows": rows,
        "ms": round((t1 - t0 + t3 - t2) * 1000),
        "commit_ms_per_case": round(per_case, 2),
        "queries_per_case": round(counter.counts["commit"] / rows, 1),
    }


@scenario("coverage_report_province")
def coverage_report_province(
    world: BenchWorld, *, warmups: int = 3, requests: int = 20, log: Callable[[str], None] | None = print
) -> dict:
    """The province supervisor's coverage page for the busiest year, through the real view."""
    log = log or (lambda _msg: None)
    busiest = (
        Case.objects.filter(title_type=world.title_type)
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    year, cases = busiest["year"], busiest["n"]
    user = world.user(Role.SUPERVISOR, world.province)
    url = (
        reverse("reports:coverage", args=[world.province.code])
        + f"?title={world.title_type.code}&year={year}"
    )
    metrics, body, queries = time_page(_client_for(user), url, warmups=warmups, requests=requests)
    log(f"    {cases} cases in {year}: {len(body)} bytes, queries per request {max(queries)}")
    return {"cases": cases, "p95_ms": metrics["p95_ms"], "queries": metrics["queries"]}
