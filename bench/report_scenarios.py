"""Benchmark scenarios of the reports app (imports and coverage); registered into bench.scenarios."""

import io
import time
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Count
from django.urls import reverse

from cases.models import Case
from registry.models import Household, Role
from reports import services as report_services
from reports.imports.households import COLUMNS as HOUSEHOLD_COLUMNS
from reports.models import ImportJob

from .generate import BenchWorld
from .scenarios import _client_for, _no_debug, scenario, time_page

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
    services the Celery tasks call; rolled back afterwards so later scenarios see the generated province."""
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
        report_services.validate_import(job)
        t1 = time.perf_counter()
        if job.status != ImportJob.Status.VALIDATED:
            raise AssertionError(f"bench import file did not validate: {job.errors[:3]} {job.failure}")
        job = report_services.request_commit(job, actor=officer)
        report_services.commit_import(job)
        t2 = time.perf_counter()
        if job.status != ImportJob.Status.DONE or Household.objects.count() != before + job.new_count:
            raise AssertionError(f"bench import ended {job.status}")
        transaction.set_rollback(True)
    log(
        f"    {rows} rows ({len(data) // 1024} KiB): check {(t1 - t0) * 1000:.0f} ms, "
        f"write {job.new_count} households {(t2 - t1) * 1000:.0f} ms"
    )
    return {"rows": rows, "ms": round((t2 - t0) * 1000)}


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
