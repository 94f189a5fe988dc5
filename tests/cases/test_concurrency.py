"""Two officers firing the same step at once: exactly one change, one audit event, one clear refusal."""

import threading
import time

import pytest
from django.db import connection

from audit.models import AuditEvent
from cases import services
from cases.exceptions import InvalidTransition
from cases.models import Case, CaseState
from tests.builders import advance, full_marks, nominate


def _race(calls, monkeypatch):
    """Run the calls in threads that start together; slow down the audit write so the transactions overlap."""
    import cases.services.engine as engine

    original = engine.record_events

    def slow_record(*args, **kwargs):
        time.sleep(0.3)
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "record_events", slow_record)
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            outcomes[i] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is inspected by the test
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_same_transition_twice_at_once(world, requires_postgres, monkeypatch):
    case = advance(world, nominate(world), CaseState.EVIDENCE_COLLECTED)
    events_before = AuditEvent.objects.filter(stream=case.stream).count()
    assessor = world.user("assessor_a1")
    values = full_marks(case)
    outcomes = _race([lambda: services.score_case(case, values=values, actor=assessor)] * 2, monkeypatch)

    succeeded = [o for o in outcomes if isinstance(o, Case)]
    refused = [o for o in outcomes if isinstance(o, InvalidTransition)]
    assert len(succeeded) == 1, outcomes
    assert len(refused) == 1, outcomes
    assert case.reference in refused[0].message
    assert Case.objects.get(pk=case.pk).state == CaseState.SCORED
    assert AuditEvent.objects.filter(stream=case.stream).count() == events_before + 1


@pytest.mark.django_db(transaction=True)
def test_conflicting_transitions_at_once(world, requires_postgres, monkeypatch):
    """Returning and proposing a scored case race: whichever commits first, the other is refused."""
    case = advance(world, nominate(world), CaseState.SCORED)
    events_before = AuditEvent.objects.filter(stream=case.stream).count()
    outcomes = _race(
        [
            lambda: services.return_for_rework(case, actor=world.user("assessor_a1"), reason="Thiếu học bạ"),
            lambda: services.review_in_village(case, proposed=True, actor=world.user("head_a1")),
        ],
        monkeypatch,
    )
    assert sum(isinstance(o, Case) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, InvalidTransition) for o in outcomes) == 1, outcomes
    final = Case.objects.get(pk=case.pk)
    assert final.state in (CaseState.NOMINATED, CaseState.VILLAGE_REVIEWED)
    assert AuditEvent.objects.filter(stream=case.stream).count() == events_before + 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_nominations_get_distinct_gapless_references(world, requires_postgres, monkeypatch):
    from tests.builders import make_household

    households = [make_household(world.village_a1, f"Hộ Phạm Văn {i}") for i in range(4)]
    officer = world.user("officer_a1")
    from tests.builders import gdht

    title = gdht()
    outcomes = _race(
        [
            lambda h=h: services.nominate_case(h, title_type=title, year=2026, actor=officer)
            for h in households
        ],
        monkeypatch,
    )
    assert all(isinstance(o, Case) for o in outcomes), outcomes
    numbers = sorted(int(o.reference.rsplit("-", 1)[1]) for o in outcomes)
    assert numbers == [1, 2, 3, 4]
