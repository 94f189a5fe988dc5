"""Benchmark scenarios. Each one takes the generated world, does its own untimed preparation, and returns a
dict of metrics. Add a scenario by decorating a function with @scenario("name"); `BENCH_ONLY=name` selects it.
Iteration counts are keyword parameters so the smoke test can run every scenario in a moment.
"""

import statistics
import time
import uuid
from collections import defaultdict
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import STATUS

from cases import services
from cases.models import Case, CaseState, EvidenceFile
from criteria.models import CriterionItem
from registry.models import Role
from registry.selectors import forget_grants
from workflows import selectors as wf_selectors
from workflows import services as wf_services
from workflows.flows import RecognitionFlow
from workflows.models import CaseTask

from .generate import BenchWorld, create_households, username_for
from .province import STEP_ROLES, STEPS

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


def add_evidence_rows(pairs, uploader: Callable[[Case], object]) -> None:
    """A placeholder evidence row (no file behind it) per (case, item id): enough for the steps' checks."""
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
                uploaded_by=uploader(case),
            )
            for case, item_id in pairs
        ],
        batch_size=2000,
    )


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
    add_evidence_rows([(case, item) for case in prepared for item in required], lambda _case: officer)
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


def time_page(client: Client, url: str, *, warmups: int, requests: int) -> tuple[dict, bytes, list[int]]:
    """GET `url` warmups + requests times: (p50, p95, mean queries of the timed ones; last body; counts)."""
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
    metrics = {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "queries": round(statistics.mean(queries), 1),
    }
    return metrics, response.content, queries


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@scenario("case_list_scoped")
def case_list_scoped(
    world: BenchWorld, *, warmups: int = 5, requests: int = 30, log: Callable[[str], None] | None = print
) -> dict:
    """First page of a commune supervisor's case list through the real view and the test client."""
    log = log or (lambda _msg: None)
    commune = world.communes[0]
    user = world.user(Role.SUPERVISOR, commune)
    metrics, body, queries = time_page(
        _client_for(user), reverse("cases:list"), warmups=warmups, requests=requests
    )
    log(
        f"    {user.username} on {commune.code}: {len(body)} bytes, queries per request "
        f"min {min(queries)} max {max(queries)}"
    )
    return metrics


# --- work lists and the case file ---------------------------------------------------------------------------


def _officer(world: BenchWorld):
    """The village officer of the first village (about 1/200 of the province's cases)."""
    village = world.villages[world.communes[0].pk][0]
    return world.user(Role.VILLAGE_OFFICER, village), village


def _work_list(user, list_name: str, selector, *, warmups: int, requests: int, log) -> dict:
    log = log or (lambda _msg: None)
    rows = selector(user).count()  # untimed: the list must not be empty, or the page measures nothing
    if not rows:
        raise AssertionError(f"{list_name} of {user.username} is empty: nothing to measure")
    metrics, body, queries = time_page(
        _client_for(user), reverse(f"workflows:{list_name}"), warmups=warmups, requests=requests
    )
    log(
        f"    {user.username}: {rows} steps in the {list_name}, {len(body)} bytes, queries per request "
        f"min {min(queries)} max {max(queries)}"
    )
    return metrics


@scenario("inbox_officer")
def inbox_officer(
    world: BenchWorld, *, warmups: int = 5, requests: int = 30, log: Callable[[str], None] | None = print
) -> dict:
    """A village officer's inbox (the steps they claimed), first page, through the real view."""
    user, _village = _officer(world)
    return _work_list(user, "inbox", wf_selectors.inbox_for, warmups=warmups, requests=requests, log=log)


@scenario("queue_officer")
def queue_officer(
    world: BenchWorld, *, warmups: int = 5, requests: int = 30, log: Callable[[str], None] | None = print
) -> dict:
    """A village officer's queue (unclaimed steps they may take), first page, through the real view."""
    user, _village = _officer(world)
    return _work_list(user, "queue", wf_selectors.queue_for, warmups=warmups, requests=requests, log=log)


@scenario("inbox_supervisor_all_units")
def inbox_supervisor_all_units(
    world: BenchWorld, *, warmups: int = 5, requests: int = 30, log: Callable[[str], None] | None = print
) -> dict:
    """The inbox of the user with a supervisor and a village-officer grant on every village."""
    return _work_list(
        world.all_units_user(),
        "inbox",
        wf_selectors.inbox_for,
        warmups=warmups,
        requests=requests,
        log=log,
    )


@scenario("queue_supervisor_all_units")
def queue_supervisor_all_units(
    world: BenchWorld, *, warmups: int = 5, requests: int = 30, log: Callable[[str], None] | None = print
) -> dict:
    """The queue of the user with grants on every village: every unclaimed collect step of the province."""
    return _work_list(
        world.all_units_user(),
        "queue",
        wf_selectors.queue_for,
        warmups=warmups,
        requests=requests,
        log=log,
    )


@scenario("case_file")
def case_file(
    world: BenchWorld, *, warmups: int = 5, requests: int = 30, log: Callable[[str], None] | None = print
) -> dict:
    """A case file (`cases:detail`) opened by its village officer: an open case with done steps behind it
    when the data has one (its work panel lists them), through the real view."""
    log = log or (lambda _msg: None)
    user, village = _officer(world)
    open_cases = Case.objects.filter(unit=village, tasks__status__in=wf_services.OPEN_TASK_STATES)
    case = (
        open_cases.filter(tasks__status=STATUS.DONE).order_by("pk").first()
        or open_cases.order_by("pk").first()
    )
    if case is None:
        raise AssertionError(f"no open case in {village.code}")
    metrics, body, queries = time_page(
        _client_for(user), reverse("cases:detail", args=[case.pk]), warmups=warmups, requests=requests
    )
    log(
        f"    {user.username} on {case.reference} ({case.state}, {case.tasks.count()} steps): "
        f"{len(body)} bytes, queries per request min {min(queries)} max {max(queries)}"
    )
    return metrics


# --- completing steps of generated cases --------------------------------------------------------------------


class _StepWork:
    """Open steps of generated cases to complete, each with its actor (the role user of the case's unit), and
    what each step's outcome needs (evidence rows for collect, a full score sheet for score)."""

    OUTCOME = {
        "collect": "complete",
        "score": "score",
        "review": "review",
        "decide": "decide",
        "audit": "confirm",
    }

    def __init__(self, world: BenchWorld, per_step: int, *, only_new: bool):
        self.world = world
        villages = world.all_villages()
        wanted = [
            username_for(STEP_ROLES[s], u)
            for s in STEPS
            for u in [world.province, *world.communes, *villages]
        ]
        self.users = {u.username: u for u in get_user_model().objects.filter(username__in=wanted)}
        self.items = list(CriterionItem.objects.filter(criterion__criteria_set=world.criteria_set))
        self.values = {item.pk: (item.max_points if item.is_points else True) for item in self.items}
        self.decision_date = timezone.localdate()
        self.work: dict[str, list[CaseTask]] = {}
        statuses = [STATUS.NEW] if only_new else [STATUS.NEW, STATUS.ASSIGNED]
        everywhere = world.all_units_user()
        for step in STEPS:
            # claimed steps only when claimed by the role user (not by the all-units user); spread over the
            # province, so that repeated runs do not exhaust one village
            tasks = (
                CaseTask.objects.filter(
                    flow_task=getattr(RecognitionFlow, step),
                    flow_task_type="HUMAN",
                    status__in=statuses,
                    case__criteria_set=world.criteria_set,
                )
                .filter(Q(owner__isnull=True) | ~Q(owner=everywhere))
                .select_related("case__unit", "case__subject")
                .order_by("?")[:per_step]
            )
            self.work[step] = list(tasks)
            if len(self.work[step]) < per_step:
                raise AssertionError(f"only {len(self.work[step])} open {step} steps, {per_step} wanted")
        self._attach_evidence([t.case for t in self.work["collect"]])

    def actor(self, task: CaseTask):
        step = task.flow_task.name
        village = task.case.unit
        unit = {"decide": self.world.commune_of(village), "audit": self.world.province}.get(step, village)
        return self.users[username_for(STEP_ROLES[step], unit)]

    def kwargs(self, step: str) -> dict:
        return {
            "collect": {},
            "score": {"values": self.values},
            "review": {"proposed": True},
            # a one-case decision, drafted and signed by the chair (its PDFs come after commit, untimed)
            "decide": {"recognised": True, "signer_name": "Chủ tịch UBND xã"},
            "audit": {},
        }[step]

    def form_data(self, step: str) -> dict:
        data = {"outcome": self.OUTCOME[step]}
        if step == "score":
            for item in self.items:
                data[f"score-item_{item.pk}"] = str(item.max_points) if item.is_points else "1"
        elif step == "review":
            data.update({"review-proposed": "1", "review-reason": ""})
        elif step == "decide":
            data.update({"decide-recognised": "1", "decide-signer_name": "Chủ tịch UBND xã"})
        elif step == "audit":
            data["confirm-note"] = ""
        return data

    def rounds(self):
        """The steps interleaved: one of each step per round."""
        for n in range(len(self.work[STEPS[0]])):
            for step in STEPS:
                yield n, step, self.work[step][n]

    def _attach_evidence(self, cases: list[Case]) -> None:
        required = list(
            CriterionItem.objects.filter(
                criterion__criteria_set=self.world.criteria_set, evidence_requirements__required=True
            )
            .distinct()
            .values_list("pk", flat=True)
        )
        officer = {c.pk: self.users[username_for(Role.VILLAGE_OFFICER, c.unit)] for c in cases}
        present = set(
            EvidenceFile.objects.filter(case__in=cases, removed_at__isnull=True).values_list(
                "case_id", "item_id"
            )
        )
        missing = [(case, item) for case in cases for item in required if (case.pk, item) not in present]
        add_evidence_rows(missing, lambda case: officer[case.pk])


def _spread(ms: list[float]) -> str:
    """Median and slowest call: a few commits stalled on a busy disk show as a max far above the median."""
    return f"median {statistics.median(ms):.1f} ms, max {max(ms):.1f} ms"


NEXT_STATE = {
    "collect": CaseState.EVIDENCE_COLLECTED,
    "score": CaseState.SCORED,
    "review": CaseState.VILLAGE_REVIEWED,
    "decide": CaseState.COMMUNE_DECIDED,
    "audit": CaseState.DISTRICT_AUDITED,
}


@scenario("complete_step_service")
def complete_step_service(
    world: BenchWorld, *, per_step: int = 60, warmup: int = 2, log: Callable[[str], None] | None = print
) -> dict:
    """perform_step through the workflow service on generated open cases: per step (collect, score, review,
    decide, audit) `per_step` cases picked at random in the province (after `warmup` rounds), interleaved,
    each by the role user of the case's unit with the actor's grants forgotten (a fresh request). Untimed:
    picking the steps, evidence rows for the collect cases. Timed: only the perform_step calls, given the
    task as the step page gives it."""
    log = log or (lambda _msg: None)
    work = _StepWork(world, per_step + warmup, only_new=False)
    counter = QueryCounter()
    elapsed: dict[str, float] = defaultdict(float)
    calls: dict[str, list[float]] = defaultdict(list)
    done: dict[str, int] = defaultdict(int)
    with _no_debug(), connection.execute_wrapper(counter):
        for n, step, task in work.rounds():
            timed = n >= warmup
            actor = work.actor(task)
            forget_grants(actor)
            counter.bucket = step if timed else None
            t0 = time.perf_counter()
            case = wf_services.perform_step(
                task.case, step=step, outcome=work.OUTCOME[step], actor=actor, task=task, **work.kwargs(step)
            )
            dt = time.perf_counter() - t0
            counter.bucket = None
            if case.state != NEXT_STATE[step]:
                raise AssertionError(f"{case.reference} ended in {case.state} after {step}")
            if timed:
                elapsed[step] += dt
                calls[step].append(dt * 1000)
                done[step] += 1
    total = sum(done.values())
    for step in STEPS:
        rate, queries = done[step] / elapsed[step], counter.counts[step] / done[step]
        log(f"    {step:<8} {rate:8.1f}/s {queries:6.1f} queries, {_spread(calls[step])}")
    return {
        "per_s": round(total / sum(elapsed.values()), 1),
        "queries": round(sum(counter.counts.values()) / total, 2),
    }


@scenario("complete_step_http")
def complete_step_http(
    world: BenchWorld, *, per_step: int = 20, warmup: int = 1, log: Callable[[str], None] | None = print
) -> dict:
    """Claim and complete steps through the pages: per completion a claim POST (`workflows:claim`) and the
    step's POST (`workflows:step`, with the outcome's form), each by the role user of the case's unit with
    the test client. Unclaimed generated steps, picked as in complete_step_service; timed: the two POSTs."""
    log = log or (lambda _msg: None)
    work = _StepWork(world, per_step + warmup, only_new=True)
    claim_url = reverse("workflows:claim")
    # One logged-in client per actor, all sharing one handler, as requests share one server process: a new
    # handler builds its middleware chain on its first request (WhiteNoise scans the static files then),
    # which is start-up, not a step; the warm-up round builds it.
    clients: dict[int, Client] = {}
    for _n, _step, task in work.rounds():
        actor = work.actor(task)
        if actor.pk not in clients:
            clients[actor.pk] = _client_for(actor)
            clients[actor.pk].handler = next(iter(clients.values())).handler
    counter = QueryCounter()
    elapsed: dict[str, float] = defaultdict(float)
    calls: dict[str, list[float]] = defaultdict(list)
    done: dict[str, int] = defaultdict(int)
    with _no_debug(), connection.execute_wrapper(counter):
        for n, step, task in work.rounds():
            timed = n >= warmup
            client = clients[work.actor(task).pk]
            step_url = reverse("workflows:step", args=[task.pk])
            data = work.form_data(step)
            counter.bucket = step if timed else None
            t0 = time.perf_counter()
            claimed = client.post(claim_url, {"task": [task.pk], "next": step_url})
            completed = client.post(step_url, data)
            dt = time.perf_counter() - t0
            counter.bucket = None
            if claimed.status_code != 302 or claimed.url != step_url:
                raise AssertionError(f"claim of {task.case.reference} answered {claimed.status_code}")
            case_url = reverse("cases:detail", args=[task.case_id])
            if completed.status_code != 302 or completed.url != case_url:
                raise AssertionError(f"{step} of {task.case.reference} answered {completed.status_code}")
            if timed:
                elapsed[step] += dt
                calls[step].append(dt * 1000)
                done[step] += 1
    states = dict(
        Case.objects.filter(pk__in=[t.case_id for _n, _s, t in work.rounds()]).values_list("pk", "state")
    )
    for _n, step, task in work.rounds():
        if states[task.case_id] != NEXT_STATE[step]:
            raise AssertionError(f"{task.case.reference} is {states[task.case_id]} after {step}")
    total = sum(done.values())
    for step in STEPS:
        rate, queries = done[step] / elapsed[step], counter.counts[step] / done[step]
        log(f"    {step:<8} {rate:8.1f}/s {queries:6.1f} queries (claim + step), {_spread(calls[step])}")
    return {"per_s": round(total / sum(elapsed.values()), 1)}


from . import (  # noqa: E402, F401  (register theirs)
    report_scenarios,
    scenarios_api,
    scenarios_audit,
    scenarios_collective,
    scenarios_deadlines,
    scenarios_golive,
    scenarios_public,
)
