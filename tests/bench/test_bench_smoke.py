"""The benchmark harness at a tiny scale: generator and scoping, audit chains, the generated recognition
processes (which the real workflow services can complete), every scenario's metrics."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import PROCESS, STATUS

from audit.hashing import HASHED_FIELDS, chain_hash
from audit.models import GENESIS_HASH, AuditEvent, StreamHead
from audit.verify import verify_log
from bench import generate, province, run, scenarios
from cases.models import Case, CaseState, ReferenceCounter
from cases.selectors import cases_for
from registry.models import Household, Role
from workflows import selectors as wf_selectors
from workflows import services as wf_services
from workflows.flows import RecognitionFlow
from workflows.models import CaseProcess, CaseTask

SCALE = 200
# a larger province for the scenarios that complete steps: enough open steps of every kind
SCENARIO_SCALE = 600

PAGE = {"p50_ms", "p95_ms", "queries"}
EXPECTED_METRICS = {
    "transition_service": {"per_s", "queries"},
    "case_list_scoped": PAGE,
    "inbox_officer": PAGE,
    "queue_officer": PAGE,
    "inbox_supervisor_all_units": PAGE,
    "queue_supervisor_all_units": PAGE,
    "case_file": PAGE,
    "complete_step_service": {"per_s", "queries"},
    "complete_step_http": {"per_s"},
    "api_case_list": {"p50_ms", "p95_ms"},
    "api_complete_step": {"per_s"},
    "public_status_lookup": PAGE,
    "verify_audit": {"events", "ms", "events_per_min"},
    "audit_search": {"events", "p95_ms", "queries"},
    "sign_decision": {"cases", "ms", "queries"},
    "import_households": {"rows", "ms"},
    "import_nominations": {"rows", "ms", "commit_ms_per_case", "queries_per_case"},
    "import_villages": {"rows", "ms"},
    "import_staff": {"rows", "ms", "ms_per_account"},
    "coverage_report_province": {"cases", "p95_ms", "queries"},
    "deadline_sweep": {"open_tasks", "due", "escalated", "notifications", "ms", "queries"},
}
TINY_PAGE = {"warmups": 1, "requests": 3}
TINY = {
    "transition_service": {"cases": 3, "warmup": 1},
    "case_list_scoped": TINY_PAGE,
    "inbox_officer": TINY_PAGE,
    "queue_officer": TINY_PAGE,
    "inbox_supervisor_all_units": TINY_PAGE,
    "queue_supervisor_all_units": TINY_PAGE,
    "case_file": TINY_PAGE,
    "complete_step_service": {"per_step": 2, "warmup": 1},
    "complete_step_http": {"per_step": 2, "warmup": 1},
    "api_case_list": {**TINY_PAGE, "server": False},
    "api_complete_step": {"per_step": 2, "warmup": 1, "server": False},
    "public_status_lookup": {"cases": 3, "warmups": 1},
    "verify_audit": {"runs": 1},
    "audit_search": TINY_PAGE,
    "sign_decision": {"cases": 3},
    "import_households": {"rows": 40},
    "import_nominations": {"rows": 6},
    "import_villages": {"rows": 5},
    "import_staff": {"rows": 9},
    "coverage_report_province": TINY_PAGE,
    "deadline_sweep": {"open_tasks": 20},
}


@pytest.fixture
def bench_world(db):
    return generate.generate(SCALE, communes=2, villages_per_commune=2, log=None)


@pytest.fixture
def scenario_world(db):
    return generate.generate(SCENARIO_SCALE, communes=2, villages_per_commune=2, log=None)


def test_generator_builds_a_scoped_province(bench_world):
    world = bench_world
    assert Case.objects.count() == SCALE
    assert Household.objects.count() == SCALE
    assert set(Case.objects.values_list("state", flat=True)) <= set(CaseState.values)
    assert Case.objects.values("state").distinct().count() >= 5
    assert not Case.objects.exclude(criteria_set=world.criteria_set).exists()
    assert all(c.unit_path == c.unit.path for c in Case.objects.select_related("unit")[:50])
    # a history, not a pile of identical timestamps (ties make the list's index scans unrepresentative)
    assert Case.objects.values("updated_at").distinct().count() > SCALE * 0.95
    assert not Case.objects.filter(updated_at__gt=timezone.now()).exists()

    commune_a, commune_b = world.communes
    sup_a = world.user(Role.SUPERVISOR, commune_a)
    sup_b = world.user(Role.SUPERVISOR, commune_b)
    in_a = set(Case.objects.filter(unit_path__startswith=commune_a.path).values_list("pk", flat=True))
    assert len(in_a) == SCALE // 2
    assert set(cases_for(sup_a).values_list("pk", flat=True)) == in_a
    assert not set(cases_for(sup_b).values_list("pk", flat=True)) & in_a
    assert cases_for(world.user(Role.SUPERVISOR, world.province)).count() == SCALE

    # references continue where the bulk data stopped
    case = Case.objects.order_by("-reference").first()
    key = case.reference.rsplit("-", 1)[0]
    assert ReferenceCounter.objects.get(key=key).value == int(case.reference.rsplit("-", 1)[1])


def test_bulk_audit_events_verify(bench_world):
    per_case = 1 + generate.HISTORY_EVENTS_PER_CASE
    assert AuditEvent.objects.filter(event_type="case.nominated").count() == SCALE
    assert AuditEvent.objects.filter(stream__startswith="case:").count() == SCALE * per_case
    heads = dict(StreamHead.objects.filter(stream__startswith="case:").values_list("stream", "seq"))
    assert len(heads) == SCALE and set(heads.values()) == {per_case}
    rows = AuditEvent.objects.filter(event_type="case.nominated").values(*HASHED_FIELDS, "prev_hash", "hash")
    for row in rows:
        values = {f: row[f] for f in HASHED_FIELDS}
        assert row["prev_hash"] == GENESIS_HASH
        assert chain_hash(GENESIS_HASH, values) == row["hash"]
    # the generated events are exactly what record_event writes: the whole log verifies
    assert verify_log().ok
    cases = dict(Case.objects.values_list("pk", "unit_path"))
    scopes = AuditEvent.objects.filter(stream__startswith="case:").values_list("stream", "scope")
    assert all(cases[int(stream[5:])] == scope for stream, scope in scopes)


def test_every_case_has_its_process_and_every_open_case_its_open_step(bench_world):
    open_states = set(province.STEP_OF_STATE)
    processes = dict(CaseProcess.objects.values_list("case_id", "status"))
    cases = dict(Case.objects.values_list("pk", "state"))
    assert processes.keys() == cases.keys()
    assert all((processes[pk] == PROCESS.NEW) == (state in open_states) for pk, state in cases.items())
    assert not CaseProcess.objects.filter(status=PROCESS.DONE, finished__isnull=True).exists()
    assert {p.flow_class for p in CaseProcess.objects.all()[:20]} == {RecognitionFlow}
    assert all(p.artifact == p.case for p in CaseProcess.objects.select_related("case")[:20])

    open_tasks = CaseTask.objects.filter(status__in=wf_services.OPEN_TASK_STATES)
    assert open_tasks.values("case").distinct().count() == open_tasks.count()  # one open step per case
    assert set(open_tasks.values_list("case__state", flat=True)) == open_states
    assert open_tasks.count() == sum(state in open_states for state in cases.values())
    for task in open_tasks.select_related("case__unit", "process", "owner"):
        step = province.STEP_OF_STATE[task.case.state]
        assert task.flow_task == getattr(RecognitionFlow, step) and task.flow_task_type == "HUMAN"
        assert task.process.pk == task.case.process.pk
        assert task.owner_permission == getattr(RecognitionFlow, step)._owner_permission
        unit = task.case.unit.audit_unit() if step == "audit" else task.case.unit
        assert task.owner_permission_obj == unit
        assert abs(task.due_at - timezone.now()).days <= province.DUE_SPREAD_DAYS
        assert (task.owner is None) == (task.status == STATUS.NEW)
        if task.owner:  # claimed by one who may do it
            assert task.flow_task.can_execute(task.owner, task)
    assert (
        open_tasks.filter(status=STATUS.ASSIGNED).exists() and open_tasks.filter(status=STATUS.NEW).exists()
    )
    assert open_tasks.filter(due_at__lt=timezone.now()).exists()

    done = CaseTask.objects.filter(status=STATUS.DONE)
    assert done.exists() and not done.filter(owner__isnull=True).exists()
    assert not done.filter(finished__isnull=True).exists()


def test_generated_cases_can_be_completed_through_the_services(bench_world):
    task = (
        CaseTask.objects.filter(flow_task=RecognitionFlow.review, status=STATUS.NEW)
        .select_related("case__unit")
        .first()
    )
    head = bench_world.user(Role.VILLAGE_HEAD, task.case.unit)
    case = wf_services.perform_step(task.case, step="review", outcome="review", actor=head, proposed=True)
    assert case.state == CaseState.VILLAGE_REVIEWED
    task.refresh_from_db()
    assert task.status == STATUS.DONE and task.owner == head
    follow = wf_services.open_task(case)
    assert follow.flow_task == RecognitionFlow.decide and follow.status == STATUS.NEW

    # a claimed audit step, by the province's auditor, ends the process
    audit = CaseTask.objects.filter(flow_task=RecognitionFlow.audit, status=STATUS.ASSIGNED).first()
    auditor = bench_world.user(Role.AUDITOR, bench_world.province)
    assert audit.owner == auditor
    case = wf_services.perform_step(audit.case, step="audit", outcome="confirm", actor=auditor)
    assert case.state == CaseState.DISTRICT_AUDITED
    assert CaseProcess.objects.get(case=case).status == PROCESS.DONE


def test_work_lists_show_generated_steps(bench_world, client):
    officer, village = scenarios._officer(bench_world)
    everywhere = bench_world.all_units_user()
    queue = wf_selectors.queue_for(everywhere)
    assert (
        queue.count() == CaseTask.objects.filter(flow_task=RecognitionFlow.collect, status=STATUS.NEW).count()
    )
    assert set(wf_selectors.queue_for(officer).values_list("case__unit", flat=True)) == {village.pk}
    assert wf_selectors.inbox_for(officer).exists() and wf_selectors.inbox_for(everywhere).exists()
    assert wf_selectors.archive_for(officer).exists()
    client.force_login(everywhere)
    first = queue.first()
    response = client.get(reverse("workflows:queue"))
    assert response.status_code == 200 and first.case.reference in response.content.decode()


@pytest.mark.parametrize("name", sorted(EXPECTED_METRICS))
def test_scenario_metrics(scenario_world, name):
    metrics = scenarios.SCENARIOS[name](scenario_world, log=None, **TINY[name])
    assert set(metrics) == EXPECTED_METRICS[name]
    assert all(isinstance(v, int | float) and v > 0 for v in metrics.values())


def test_every_scenario_is_covered():
    assert set(scenarios.SCENARIOS) == set(EXPECTED_METRICS)


def test_bench_target_uses_a_dedicated_database(tmp_path):
    target = run.bench_target("postgres://postgres@127.0.0.1:5432/hoctap")
    assert target.name == "hoctap_bench" and target.url.endswith("/hoctap_bench") and target.note
    assert run.bench_target("postgres://postgres@127.0.0.1:5432/hoctap_bench").note == ""
    with pytest.raises(run.BenchError):
        run.bench_target(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    target = run.bench_target(f"sqlite:///{tmp_path / 'db.sqlite3'}", allow_sqlite=True)
    assert Path(target.name) == tmp_path / "db_bench.sqlite3"
    assert run.selected_scenarios("", scenarios.SCENARIOS) == list(scenarios.SCENARIOS)
    with pytest.raises(run.BenchError):
        run.selected_scenarios("nope", scenarios.SCENARIOS)
