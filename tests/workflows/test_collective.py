"""Collective completion writes the flow rows perform_step writes one case at a time."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals import services as approvals
from cases.exceptions import InvalidTransition
from tests.approvals.builders import session_for
from tests.builders import gdht
from workflows import services
from workflows.models import CaseProcess, CaseTask

from .walk import open_case, walk


def _rows(case):
    """Every task of the case's process and the process's outcome, without ids and instants."""
    tasks = [
        (
            t.flow_task.name,
            t.flow_task_type,
            t.unit_id == case.unit_id,  # the step's copy of the case's unit
            t.status,
            t.owner_id,
            t.owner_permission,
            t.owner_permission_content_type_id,
            t.owner_permission_obj_pk,
            t.step,
            t.queued,
            t.due_at,
            t.remind_at,
            t.escalate_at,
            str(t.token),
            t.data,
            t.started is not None,
            t.finished is not None,
            [p.flow_task.name for p in t.previous.all()],
        )
        for t in CaseTask.objects.filter(case=case).order_by("pk")
    ]
    process = CaseProcess.objects.get(case=case)
    return tasks, process.status, process.finished is not None


def _reviewed_one_by_one(world, case, proposed):
    extra = {} if proposed else {"reason": "Con chưa đi học đủ"}
    return services.perform_step(
        case, step="review", outcome="review", actor=world.user("head_a1"), proposed=proposed, **extra
    )


def test_a_meeting_writes_the_rows_of_review_steps_done_one_by_one(world):
    alone = [walk(world, open_case(world), through="score") for _ in range(2)]
    _reviewed_one_by_one(world, alone[0], True)
    _reviewed_one_by_one(world, alone[1], False)

    together = [walk(world, open_case(world), through="score") for _ in range(2)]
    session = session_for(world, together)
    entry = session.entries.get(case=together[1])
    approvals.record_results(
        session, results={entry.pk: (False, "Con chưa đi học đủ")}, actor=world.user("head_a1")
    )
    approvals.close_session(session, actor=world.user("head_a1"))

    # proposed: the decide step waits in the commune's queue; not proposed: the process has ended
    assert _rows(together[0]) == _rows(alone[0])
    assert _rows(together[1]) == _rows(alone[1])
    assert _rows(together[1])[1] == "DONE" and _rows(together[0])[1] == "NEW"


def test_an_audit_close_writes_the_rows_of_audit_steps_done_one_by_one(world):
    alone = walk(world, open_case(world), through="decide")
    services.perform_step(alone, step="audit", outcome="confirm", actor=world.user("auditor"))

    together = [walk(world, open_case(world), through="review") for _ in range(2)]
    decision = approvals.draft_decision(
        world.commune_a, title_type=gdht(), year=2026, cases=together, actor=world.user("commune_officer_a")
    )
    decision = approvals.sign_decision(decision, actor=world.user("chair_a"))
    audit = approvals.open_audit(decision, actor=world.user("auditor"), share=1, minimum=0, seed=1)
    for sample in audit.samples.all():
        approvals.record_finding(sample, finding="confirmed", actor=world.user("auditor"))
    approvals.close_audit(audit, actor=world.user("auditor"))

    assert _rows(together[0]) == _rows(alone)
    assert _rows(together[0])[1] == "DONE"


def test_a_step_no_longer_open_stops_the_batch(world):
    cases = [walk(world, open_case(world), through="score") for _ in range(2)]
    task = services.open_task(cases[1], "review")
    CaseTask.objects.filter(pk=task.pk).update(status="CANCELED")
    with pytest.raises(InvalidTransition) as refused:
        approvals.close_session(session_for(world, cases), actor=world.user("head_a1"))
    assert cases[1].reference in refused.value.message
    assert services.open_task(cases[0], "review") is not None


def test_completing_fifty_steps_costs_the_statements_of_ten(world):
    def statements(n):
        cases = [walk(world, open_case(world), through="score") for _ in range(n)]
        session = session_for(world, cases)
        with CaptureQueriesContext(connection) as ctx:
            approvals.close_session(session, actor=world.user("head_a1"))
        assert CaseTask.objects.filter(case__in=cases, step="decide", queued=True).count() == n
        return len(ctx.captured_queries)

    # SQLite takes at most 999 parameters a statement: a few more INSERTs for 50 tasks there; none on PG
    extra = 0 if connection.vendor == "postgresql" else 3
    few, many = statements(10), statements(50)
    assert few <= many <= few + extra, (few, many)
