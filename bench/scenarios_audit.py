"""Benchmark scenarios of the audit log: verification and the inspector's search (registered into
bench.scenarios.SCENARIOS)."""

import statistics
import time
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from registry.models import Role

from .generate import BenchWorld, username_for
from .scenarios import _client_for, _no_debug, scenario, time_page


@scenario("verify_audit")
def verify_audit(world: BenchWorld, *, runs: int = 1, log: Callable[[str], None] | None = print) -> dict:
    """verify_log() over the whole generated log (every chain, head and checkpoint): events per minute."""
    from audit.verify import verify_log

    log = log or (lambda _msg: None)
    times, events = [], 0
    with _no_debug():
        for _ in range(runs):
            t0 = time.perf_counter()
            result = verify_log()
            times.append(time.perf_counter() - t0)
            if not result.ok:
                raise AssertionError(f"the generated log does not verify: {result.first_problem}")
            events = result.events_checked
    best = min(times)
    log(f"    {events} events in {result.streams_checked} streams: {best * 1000:.0f} ms")
    return {
        "events": events,
        "ms": round(best * 1000, 1),
        "events_per_min": round(events / best * 60),
    }


def _province_inspector(world: BenchWorld):
    """The province's inspector (created on first use; the generated roles have none)."""
    from registry.services import assign_role

    User = get_user_model()
    username = username_for(Role.INSPECTOR, world.province)
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username)
        assign_role(user, role=Role.INSPECTOR, unit=world.province, actor=None)
    return user


@scenario("audit_search")
def audit_search(
    world: BenchWorld, *, warmups: int = 3, requests: int = 20, log: Callable[[str], None] | None = print
) -> dict:
    """The inspector's audit search page over the province's whole log: a 30-day window by event type, one
    village's events, one user's events, one case by reference (p95 over all of them)."""
    from audit.models import AuditEvent

    log = log or (lambda _msg: None)
    inspector = _province_inspector(world)
    client = _client_for(inspector)
    village = world.all_villages()[-1]
    newest = AuditEvent.objects.order_by("-occurred_at").values_list("occurred_at", flat=True).first()
    end = timezone.localtime(newest).date()
    start = end - timezone.timedelta(days=30)
    case = Case.objects.filter(unit=village).order_by("pk").first()
    officer = username_for(Role.VILLAGE_OFFICER, village)
    queries = [
        f"event_type=evidence.added&date_from={start:%d/%m/%Y}&date_to={end:%d/%m/%Y}",
        f"unit={village.code}",
        f"actor={officer}",
        f"reference={case.reference}",
    ]
    url = reverse("inspection:search")
    times: list[float] = []
    counts: list[int] = []
    for query in queries:
        page = f"{url}?{query}"
        metrics, _body, per_request = time_page(client, page, warmups=warmups, requests=requests)
        log(
            f"    {query}: p50 {metrics['p50_ms']} ms, p95 {metrics['p95_ms']} ms, "
            f"{metrics['queries']} queries"
        )
        times.append(metrics["p95_ms"])
        counts.extend(per_request)
    return {
        "events": AuditEvent.objects.count(),
        "p95_ms": max(times),
        "queries": round(statistics.mean(counts), 1),
    }
