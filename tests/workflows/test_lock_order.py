"""One lock order everywhere (process, then task, then case): a step completed alone and a collective step
over the same cases, at once, never deadlock and never lose an update (docs/architecture.md §4)."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from viewflow.workflow.status import PROCESS, STATUS

from approvals import services as approvals
from approvals.models import Audit, AuditSample
from audit.models import AuditEvent
from cases.exceptions import InvalidTransition
from cases.models import Case, CaseState
from tests.builders import gdht
from tests.workflows.walk import open_case, walk
from workflows import services as workflow
from workflows.models import CaseProcess, CaseTask

ROUNDS = 200
CASES_PER_ROUND = 2
# how long the single completion waits after the batch starts, round after round (seconds)
LAGS = (0, 0.005, 0.01, 0.02, 0.04, 0.08)


def _audit_ready(world, n: int) -> Audit:
    """An open audit, every sample checked, over a signed decision of `n` flow-backed cases."""
    cases = [walk(world, open_case(world), through="review") for _ in range(n)]
    decision = approvals.draft_decision(
        world.commune_a, title_type=gdht(), year=2026, cases=cases, actor=world.user("commune_officer_a")
    )
    workflow.sign_decision(decision, actor=world.user("chair_a"), signer_name="Trần Văn Chủ")
    auditor = world.user("auditor")
    audit = approvals.open_audit(decision, actor=auditor, share=Decimal("1"), minimum=0, seed=7)
    for sample in AuditSample.objects.filter(audit=audit):
        approvals.record_finding(sample, finding=AuditSample.Finding.CONFIRMED, actor=auditor)
    return audit


def _after(lag: float, call):
    """Start the call a little later: the rounds spread the single completion over the batch's run."""
    time.sleep(lag)
    return call()


def _no_fsync() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")


def _at_once(calls) -> list:
    """Run the calls in threads released together; every outcome (a result or the exception raised) is
    returned, so an exception in a thread fails the test instead of being a warning."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(i, call):
        try:
            _no_fsync()
            barrier.wait()
            outcomes[i] = call()
        except BaseException as exc:  # noqa: BLE001 - inspected by the test
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread is still waiting: a lock cycle"
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_a_single_completion_and_a_batch_over_the_same_cases_200_times(world, requires_postgres, monkeypatch):
    # the decisions' PDFs and the audits' notices are not what this test is about (and cost seconds each);
    # nor is durability: commits need not wait for the disk
    import approvals.services.audits as audits
    import approvals.services.decisions as decisions

    monkeypatch.setattr(decisions, "_queue_documents", lambda decision_id: None)
    monkeypatch.setattr(audits, "_notify_commune", lambda audit_id: None)
    _no_fsync()
    auditor = world.user("auditor")
    audits = [_audit_ready(world, CASES_PER_ROUND) for _ in range(ROUNDS)]
    alone_won = batch_won = 0
    lags = [LAGS[i % len(LAGS)] for i in range(ROUNDS)]
    for i, audit in enumerate(audits):
        case_ids = sorted(audit.samples.values_list("case_id", flat=True))
        single = Case.objects.get(pk=case_ids[0])
        closed, completed = _at_once(
            [
                lambda audit=audit: workflow.close_audit(audit, actor=auditor),
                lambda single=single, lag=lags[i]: _after(
                    lag,
                    lambda: workflow.perform_step(single, step="audit", outcome="confirm", actor=auditor),
                ),
            ]
        )
        # the collective step always goes through: the case done alone meanwhile is left out, not refused
        assert isinstance(closed, Audit), closed
        # the single completion either went first, or finds its step done by the batch
        assert isinstance(completed, Case | InvalidTransition), completed
        alone = isinstance(completed, Case)
        alone_won += alone
        batch_won += not alone

        # no lost update: every case audited once, by exactly one of the two, with its step done once
        assert set(Case.objects.filter(pk__in=case_ids).values_list("state", flat=True)) == {
            CaseState.DISTRICT_AUDITED
        }
        for case_id in case_ids:
            stream = Case.objects.get(pk=case_id).stream
            assert AuditEvent.objects.filter(stream=stream, event_type="case.audit_confirmed").count() == 1
            audit_steps = CaseTask.objects.filter(case_id=case_id, step="audit")
            assert [t.status for t in audit_steps] == [STATUS.DONE]
            assert not CaseTask.objects.filter(
                case_id=case_id, status__in=(STATUS.NEW, STATUS.ASSIGNED)
            ).exists()
        assert set(CaseProcess.objects.filter(case_id__in=case_ids).values_list("status", flat=True)) == {
            PROCESS.DONE
        }
        event = AuditEvent.objects.get(stream=audit.stream, event_type="audit.closed")
        expected = {Case.objects.get(pk=pk).reference for pk in case_ids[1 if alone else 0 :]}
        assert set(event.data["confirmed"]) == expected
    assert alone_won + batch_won == ROUNDS
