"""Benchmark scenarios. Each one takes the generated world, does its own untimed preparation, and returns a
dict of metrics. Add a scenario by decorating a function with @scenario("name"); `BENCH_ONLY=name` selects it.
Iteration counts are keyword parameters so the smoke test can run every scenario in a moment.
"""

import statistics
import time
import uuid
from collections import defaultdict
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, CaseState, EvidenceFile
from criteria.models import CriterionItem
from registry.models import Role
from registry.selectors import forget_grants

from .generate import BenchWorld, create_households

Scenario = Callable[..., dict]
SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str):
    def register(fn: Scenario) -> Scenario:
        SCENARIOS[name] = fn
        return fn

    return register


class QueryCounter:
    """An execute wrapper counting SQL statements into named buckets (None = not counted)."""

    def __init__(self):
        self.bucket: str | None = None
        self.counts: dict[str, int] = defaultdict(int)

    def __call__(self, execute, sql, params, many, context):
        if self.bucket is not None:
            self.counts[self.bucket] += 1
        return execute(sql, params, many, context)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil
    return ordered[int(rank) - 1]


def _no_debug():
    # Timings are only meaningful without the DEBUG query log.
    return override_settings(DEBUG=False)


@scenario("transition_service")
def transition_service(
    world: BenchWorld, *, cases: int = 300, warmup: int = 10, log: Callable[[str], None] | None = print
) -> dict:
    """Human steps through the service layer: complete_evidence_collection, score_case, review_in_village and
    decide_in_commune on freshly nominated cases (evidence rows in place beforehand). Each step starts with
    the actor's grants forgotten, as it would in a new request."""
    log = log or (lambda _msg: None)
    commune = world.communes[-1]
    village = world.villages[commune.pk][0]
    officer = world.user(Role.VILLAGE_OFFICER, village)
    assessor = world.user(Role.ASSESSOR, village)
    head = world.user(Role.VILLAGE_HEAD, village)
    chair = world.user(Role.COMMUNE_CHAIR, commune)

    # --- preparation, untimed: new households, nominated through the service, evidence rows attached -------
    year = timezone.localdate().year
    prefix = f"HB-{village.code}-{uuid.uuid4().hex[:8]}"
    subjects = create_households(village, cases + warmup, code_prefix=prefix)
    prepared = [
        services.nominate_case(s, title_type=world.title_type, year=year, actor=officer) for s in subjects
    ]
    items = CriterionItem.objects.filter(criterion__criteria_set_id=prepared[0].criteria_set_id)
    required = list(
        items.filter(evidence_requirements__required=True).distinct().values_list("pk", flat=True)
    )
    EvidenceFile.objects.bulk_create(
        [
            EvidenceFile(
                case=case,
                item_id=item_id,
                file=f"evidence/bench/{case.pk}-{item_id}",
                original_name="minh-chung.pdf",
                content_type="application/pdf",
                size=1024,
                sha256=f"{case.pk:032d}{item_id:032d}",
                uploaded_by=officer,
            )
            for case in prepared
            for item_id in required
        ],
        batch_size=2000,
    )
    values = {item.pk: (item.max_points if item.is_points else True) for item in items}
    decision_date = timezone.localdate()
    steps: list[tuple[str, object, Callable[[Case], Case]]] = [
        (
            "complete_evidence_collection",
            officer,
            lambda c: services.complete_evidence_collection(c, actor=officer),
        ),
        ("score_case", assessor, lambda c: services.score_case(c, values=values, actor=assessor)),
        ("review_in_village", head, lambda c: services.review_in_village(c, proposed=True, actor=head)),
        (
            "decide_in_commune",
            chair,
            lambda c: services.decide_in_commune(
                c,
                recognised=True,
                actor=chair,
                decision_date=decision_date,
                decision_reference="01/QĐ-UBND-BENCH",
            ),
        ),
    ]

    # --- timed: only the service calls -------------------------------------------------------------------
    counter = QueryCounter()
    elapsed: dict[str, float] = defaultdict(float)
    done: dict[str, int] = defaultdict(int)
    with _no_debug(), connection.execute_wrapper(counter):
        for n, case in enumerate(prepared):
            timed = n >= warmup
            for name, actor, call in steps:
                forget_grants(actor)
                counter.bucket = name if timed else None
                t0 = time.perf_counter()
                case = call(case)
                dt = time.perf_counter() - t0
                counter.bucket = None
                if timed:
                    elapsed[name] += dt
                    done[name] += 1
            if case.state != CaseState.COMMUNE_DECIDED:
                raise AssertionError(f"{case.reference} ended in {case.state}")
    total = sum(done.values())
    for name, _actor, _call in steps:
        rate, queries = done[name] / elapsed[name], counter.counts[name] / done[name]
        log(f"    {name:<30} {rate:8.1f}/s {queries:6.1f} queries")
    return {
        "per_s": round(total / sum(elapsed.values()), 1),
        "queries": round(sum(counter.counts.values()) / total, 2),
    }


@scenario("case_list_scoped")
def case_list_scoped(
    world: BenchWorld, *, warmups: int = 5, requests: int = 30, log: Callable[[str], None] | None = print
) -> dict:
    """First page of a commune supervisor's case list through the real view and the test client."""
    log = log or (lambda _msg: None)
    commune = world.communes[0]
    user = world.user(Role.SUPERVISOR, commune)
    client = Client()
    client.force_login(user)
    url = reverse("cases:list")
    counter = QueryCounter()
    times: list[float] = []
    queries: list[int] = []
    with _no_debug(), connection.execute_wrapper(counter):
        for n in range(warmups + requests):
            counter.counts.clear()
            counter.bucket = "request"
            t0 = time.perf_counter()
            response = client.get(url)
            dt = time.perf_counter() - t0
            counter.bucket = None
            if response.status_code != 200:
                raise AssertionError(f"{url} answered {response.status_code}")
            if n >= warmups:
                times.append(dt * 1000)
                queries.append(counter.counts["request"])
    log(
        f"    {user.username} on {commune.code}: {len(response.content)} bytes, queries per request "
        f"min {min(queries)} max {max(queries)}"
    )
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "queries": round(statistics.mean(queries), 1),
    }
