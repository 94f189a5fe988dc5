"""What the flow writes per step: no gateway rows, and the queue's copies (step, queued) kept in step."""

from viewflow.workflow.status import STATUS

from workflows import services
from workflows.models import CaseTask

from ..workflows.walk import collect, open_case, walk


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


def test_one_statement_insert_writes_what_save_and_add_write(world, requires_postgres):
    """fastpath.task_rows.insert_linked (PostgreSQL) against viewflow's task.save() + task.previous.add()."""
    from django.utils import timezone

    from workflows.engine.activations import save_linked
    from workflows.flows import RecognitionFlow
    from workflows.models import CaseProcess

    case = open_case(world)
    first = services.open_task(case, "collect")
    process = CaseProcess.objects.get(pk=first.process_id)
    process.case = case
    created = timezone.now()

    def build():
        task = CaseTask(process=process, flow_task=RecognitionFlow.score, token=first.token, created=created)
        task.data, task.owner_permission = {"k": [1, "á"]}, "registry.score_case"
        task.owner_permission_obj = case.unit
        return task

    fused = build()
    save_linked(fused, first)
    plain = build()
    plain.save()
    plain.previous.add(first)

    assert not fused._state.adding and fused.pk == fused.task_ptr_id
    columns = [f.attname for f in CaseTask._meta.concrete_fields if f.attname not in ("id", "task_ptr_id")]
    written = {
        r["pk"]: r for r in CaseTask.objects.filter(pk__in=[fused.pk, plain.pk]).values(*columns, "pk")
    }
    assert {**written[fused.pk], "pk": 0} == {**written[plain.pk], "pk": 0}
    assert written[fused.pk]["due_at"] is not None and written[fused.pk]["step"] == "score"
    assert list(fused.previous.values_list("pk", flat=True)) == [first.pk]
    assert list(plain.previous.values_list("pk", flat=True)) == [first.pk]


def test_a_step_from_the_queue_costs_six_statements(world, requires_postgres, django_assert_num_queries):
    """perform_step on PostgreSQL, a review taken straight from the queue by a fresh request's user, given the
    task as the step page gives it: the flow lock with the task and case rows, grants, whether the case is on
    an open meeting or draft (one union, cases.lists), case update, stream head lock, event + head, the unit
    the next step's decider acts at (the title's recognition authority names its level), and the step's
    finishing with the next task, its row and link. The services inside take no savepoints; the one pair
    counted here is perform_step's own, nested in the test's transaction."""
    from registry.selectors import forget_grants

    case = walk(world, open_case(world), through="score")
    task = services.open_task(case, "review")
    head = world.user("head_a1")
    forget_grants(head)
    with django_assert_num_queries(8 + 2):
        case = services.perform_step(
            case, step="review", outcome="review", actor=head, task=task, proposed=True
        )
    assert case.state == "village_reviewed"
    assert services.open_task(case, "decide") is not None
