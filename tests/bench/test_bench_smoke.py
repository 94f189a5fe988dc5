"""The benchmark harness at a tiny scale: generator and scoping, audit chains, every scenario's metrics."""

from pathlib import Path

import pytest
from django.utils import timezone

from audit.hashing import HASHED_FIELDS, chain_hash
from audit.models import GENESIS_HASH, AuditEvent, StreamHead
from bench import generate, run, scenarios
from cases.models import Case, CaseState, ReferenceCounter
from cases.selectors import cases_for
from registry.models import Household, Role

SCALE = 200

EXPECTED_METRICS = {
    "transition_service": {"per_s", "queries"},
    "case_list_scoped": {"p50_ms", "p95_ms", "queries"},
}
TINY = {
    "transition_service": {"cases": 3, "warmup": 1},
    "case_list_scoped": {"warmups": 1, "requests": 3},
}


@pytest.fixture
def bench_world(db):
    return generate.generate(SCALE, communes=2, villages_per_commune=2, log=None)


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
    assert AuditEvent.objects.filter(event_type="case.nominated").count() == SCALE
    heads = dict(StreamHead.objects.filter(stream__startswith="case:").values_list("stream", "hash"))
    assert len(heads) == SCALE
    rows = AuditEvent.objects.filter(event_type="case.nominated").values(*HASHED_FIELDS, "prev_hash", "hash")
    for row in rows:
        values = {f: row[f] for f in HASHED_FIELDS}
        assert row["prev_hash"] == GENESIS_HASH
        assert chain_hash(GENESIS_HASH, values) == row["hash"] == heads[row["stream"]]


@pytest.mark.parametrize("name", sorted(EXPECTED_METRICS))
def test_scenario_metrics(bench_world, name):
    metrics = scenarios.SCENARIOS[name](bench_world, log=None, **TINY[name])
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
