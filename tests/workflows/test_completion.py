"""Step completion writes the rows viewflow's activation writes, one case at a time or many at once."""

import dataclasses
import threading
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.status import STATUS

from approvals import services as approvals
from cases import services as case_services
from cases.exceptions import InvalidTransition
from cases.models import Case
from tests.approvals.builders import session_for
from tests.builders import full_marks, gdht
from workflows import services
from workflows.flows import RecognitionFlow
from workflows.models import CaseProcess, CaseTask
from workflows.steps.table import STEPS

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


def _through_viewflow(case, step, service, *, actor, **kwargs):
    """What perform_step did before workflows.engine.completion: viewflow's activation started, the case
    service, then the activation executed (finish, route, next task)."""
    with transaction.atomic():
        task = services.open_task(case, step)
        with RecognitionFlow.lock(task.process_id):
            task = CaseTask.objects.select_related("case__unit", "process__caseprocess").get(pk=task.pk)
            task.process = task.process.coerced
            task.process.case = task.case
            task.owner, task.status = actor, STATUS.ASSIGNED
            activation = task.flow_task.activation_class(task)
            activation.start(None)
            updated = service(task.case, actor=actor, **kwargs)
            activation.process.case = activation.process.artifact = updated
            activation.execute()
    return updated


def _both(world, through, step, outcome, actor, **kwargs):
    """The same step done on two cases in the same state: through viewflow's activation, and perform_step."""
    reference = walk(world, open_case(world), through=through) if through else open_case(world)
    ours = walk(world, open_case(world), through=through) if through else open_case(world)
    if step == "collect":
        # the evidence, without completing the step
        for case in (reference, ours):
            collect_evidence_only(world, case)
    if kwargs.get("values") == "full marks":
        kwargs["values"] = full_marks(reference)
    user = world.user(actor)
    _through_viewflow(reference, step, STEPS[step].outcomes[outcome].service, actor=user, **kwargs)
    services.perform_step(ours, step=step, outcome=outcome, actor=user, **kwargs)
    return reference, ours


def collect_evidence_only(world, case):
    from tests.builders import pdf_upload, required_evidence_items

    for item in required_evidence_items(case):
        case_services.add_evidence(case, item=item, upload=pdf_upload(), actor=world.user("officer_a1"))


@pytest.mark.parametrize(
    ("through", "step", "outcome", "actor", "kwargs"),
    [
        (None, "collect", "complete", "officer_a1", {}),
        (None, "collect", "withdraw", "officer_a1", {"reason": "Gia đình chuyển đi"}),
        ("collect", "score", "score", "assessor_a1", {"values": "full marks"}),
        ("collect", "score", "return", "assessor_a1", {"reason": "Thiếu giấy khai sinh"}),
        ("score", "review", "review", "head_a1", {"proposed": True}),
        ("score", "review", "review", "head_a1", {"proposed": False, "reason": "Chưa đủ"}),
        ("decide", "audit", "confirm", "auditor", {}),
        ("decide", "audit", "revoke", "auditor", {"reason": "Hồ sơ không trung thực"}),
    ],
)
def test_a_step_writes_the_rows_of_viewflows_activation(world, through, step, outcome, actor, kwargs):
    reference, ours = _both(world, through, step, outcome, actor, **dict(kwargs))
    assert _rows(ours) == _rows(reference)
    assert Case.objects.get(pk=ours.pk).state == Case.objects.get(pk=reference.pk).state


@pytest.mark.django_db(transaction=True)
def test_the_same_step_submitted_twice_at_once_is_done_once(world, requires_postgres, monkeypatch):
    """Two requests complete the same step at the same moment (two tabs, a double click on a slow line):
    the second waits for the first's lock, then reads the step as done and is refused; one next step."""
    review = STEPS["review"].outcomes["review"]

    def slow_review(*args, **kwargs):  # holds the lock long enough for the other request to wait on it
        time.sleep(0.3)
        return review.service(*args, **kwargs)

    monkeypatch.setitem(STEPS["review"].outcomes, "review", dataclasses.replace(review, service=slow_review))
    case = walk(world, open_case(world), through="score")
    task = services.open_task(case, "review")
    head = world.user("head_a1")
    barrier = threading.Barrier(2)
    outcomes = [None, None]

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = services.perform_step(
                case, step="review", outcome="review", actor=head, task=task, proposed=True
            )
        except Exception as exc:  # noqa: BLE001 - the outcome is inspected below
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sum(isinstance(o, Case) for o in outcomes) == 1, outcomes
    [refused] = [o for o in outcomes if isinstance(o, InvalidTransition)]
    # refused for the step being done (read as last committed), not later by the case's state
    assert refused.message == services.step_closed(case, "review").message
    rows = _rows(case)[0]
    assert [(r[0], r[3]) for r in rows[-2:]] == [("review", "DONE"), ("decide", "NEW")]


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
    services.close_session(session, actor=world.user("head_a1"))

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
    decision = services.sign_decision(decision, actor=world.user("chair_a"))
    audit = approvals.open_audit(decision, actor=world.user("auditor"), share=1, minimum=0, seed=1)
    for sample in audit.samples.all():
        approvals.record_finding(sample, finding="confirmed", actor=world.user("auditor"))
    services.close_audit(audit, actor=world.user("auditor"))

    assert _rows(together[0]) == _rows(alone)
    assert _rows(together[0])[1] == "DONE"


def test_a_step_no_longer_open_stops_the_batch(world):
    cases = [walk(world, open_case(world), through="score") for _ in range(2)]
    task = services.open_task(cases[1], "review")
    CaseTask.objects.filter(pk=task.pk).update(status="CANCELED")
    with pytest.raises(InvalidTransition) as refused:
        services.close_session(session_for(world, cases), actor=world.user("head_a1"))
    assert cases[1].reference in refused.value.message
    assert services.open_task(cases[0], "review") is not None


def test_completing_fifty_steps_costs_the_statements_of_ten(world):
    def statements(n):
        cases = [walk(world, open_case(world), through="score") for _ in range(n)]
        session = session_for(world, cases)
        with CaptureQueriesContext(connection) as ctx:
            services.close_session(session, actor=world.user("head_a1"))
        assert CaseTask.objects.filter(case__in=cases, step="decide", queued=True).count() == n
        return len(ctx.captured_queries)

    # SQLite takes at most 999 parameters a statement: a few more INSERTs for 50 tasks there; none on PG
    extra = 0 if connection.vendor == "postgresql" else 3
    few, many = statements(10), statements(50)
    assert few <= many <= few + extra, (few, many)
