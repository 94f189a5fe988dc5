"""What the flow writes per step: no gateway rows, and the queue's copies (step, queued) kept in step."""

from viewflow.workflow.status import STATUS

from workflows import services
from workflows.models import CaseTask

from .walk import collect, open_case, walk


def _rows(case):
    return list(CaseTask.objects.filter(case=case).order_by("pk"))


def test_steps_follow_each_other_without_gateway_rows(world):
    case = walk(world, open_case(world), through="audit")
    rows = _rows(case)
    assert [t.flow_task_type for t in rows] == ["START", "HUMAN", "HUMAN", "HUMAN", "HUMAN", "HUMAN", "END"]
    assert [t.step for t in rows] == ["", "collect", "score", "review", "decide", "audit", ""]
    # each task links to the one that finished before it, as through the gateway before
    for earlier, later in zip(rows, rows[1:], strict=False):
        assert list(later.previous.values_list("pk", flat=True)) == [earlier.pk]


def test_queued_follows_claim_release_and_completion(world):
    case = open_case(world)
    task = services.open_task(case, "collect")
    assert (task.step, task.queued) == ("collect", True)

    services.claim_task(task, actor=world.user("officer_a1"))
    task.refresh_from_db()
    assert (task.status, task.queued) == (STATUS.ASSIGNED, False)

    services.release_task(task, actor=world.user("officer_a1"))
    task.refresh_from_db()
    assert (task.status, task.queued) == (STATUS.NEW, True)

    collect(world, case)  # completed straight from the queue
    task.refresh_from_db()
    assert (task.status, task.queued) == (STATUS.DONE, False)
    score = services.open_task(case, "score")
    assert (score.step, score.queued, score.status) == ("score", True, STATUS.NEW)
    assert list(CaseTask.objects.filter(case=case, queued=True)) == [score]
