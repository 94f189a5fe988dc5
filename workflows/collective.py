"""Completing one step of many cases at once, for the collective steps (a meeting, a decision, an audit).

perform_step completes a step through viewflow's activation: lock the process, re-read the task, start and
finish it, route on the case's new state and create the next task (fifteen statements a case with the case
service). Here the same rows are written for a whole batch in a few statements: every process locked in one
query (in primary-key order), the finished tasks updated together, the next tasks — the following human step
with its permission object and deadline, or the flow's end, which finishes the process — created in bulk,
with their links to the finished tasks. The routing stays declared once, on RecognitionFlow.route.

The recognition flow has no split, join or boundary node: nothing listens to viewflow's task_started,
task_finished or flow_finished signals, which this path therefore does not send.
"""

from types import SimpleNamespace

from django.db import connection, transaction
from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.nodes import End, View
from viewflow.workflow.status import PROCESS, STATUS

from audit.services import BATCH_SIZE
from cases.models import Case

from . import deadlines
from .flows import RecognitionFlow
from .models import CaseProcess, CaseTask
from .task_rows import insert_linked


def complete_steps(cases: list[Case], *, step: str, actor, closed) -> int:
    """Complete the open `step` task of cases a collective step has already moved (their case service ran).

    Called inside the batch's transaction: a case whose step is not open raises `closed(case, step)` and
    rolls the batch back. Cases without a recognition process (created outside the flow) have no task.
    """
    node = getattr(RecognitionFlow, step)
    by_id = {c.pk: c for c in cases}
    with transaction.atomic(savepoint=False):
        # the flow's lock (ProcessRowLock) for every process at once, in primary-key order, found by case
        process_of = dict(
            CaseProcess.objects.filter(case_id__in=list(by_id))
            .order_by("pk")
            .select_for_update()
            .values_list("case_id", "pk")
        )
        if not process_of:
            return 0
        tasks = {
            t.case_id: t
            for t in CaseTask.objects.filter(
                process_id__in=list(process_of.values()),
                status__in=(STATUS.NEW, STATUS.ASSIGNED),
                flow_task_type="HUMAN",
                flow_task=node,
            ).only("pk", "case_id", "process_id", "token", "queued")
        }
        for case_id in process_of:
            if case_id not in tasks:
                raise closed(by_id[case_id], step)
        done = [tasks[case_id] for case_id in sorted(process_of)]
        now = timezone.now()
        # started and finished by the actor, as perform_step's take-over does
        Task.objects.filter(pk__in=[t.pk for t in done]).update(
            status=STATUS.DONE, owner=actor, started=now, finished=now
        )
        CaseTask.objects.filter(pk__in=[t.pk for t in done if t.queued]).update(queued=False)
        _create_next(done, by_id, process_of, now)
    return len(done)


def _create_next(done: list[CaseTask], by_id: dict[int, Case], process_of: dict[int, int], now) -> None:
    """The tasks the route opens after each finished one; the process ends where the route reaches End."""
    # the permission object of every step is a function of the case's unit only, and every task of the batch
    # is opened now: both are worked out once per unit (per title type) instead of once per task
    owner_objs: dict[tuple[str, int], object] = {}
    schedules: dict[tuple[str, int], tuple] = {}
    created, ended = [], []
    for prev in done:
        case = by_id[prev.case_id]
        # what the route's conditions and the permission objects read of the process
        process = SimpleNamespace(pk=process_of[case.pk], case=case)
        target = RecognitionFlow.route.target(SimpleNamespace(process=process))
        task = CaseTask(
            process_id=process.pk,
            flow_task=target,
            token=prev.token,
            data={},
            case_id=case.pk,
            unit_id=case.unit_id,
        )
        task.flow_task_type = target.task_type
        if isinstance(target, End):
            task.status, task.started, task.finished = STATUS.DONE, now, now
            ended.append(process.pk)
        elif isinstance(target, View) and _plain(target):
            task.owner_permission = target.calc_owner_permission(None)
            key = (target.name, case.unit_id)
            if key not in owner_objs:
                owner_objs[key] = target.calc_owner_permission_obj(SimpleNamespace(process=process))
            task.owner_permission_obj = owner_objs[key]
            task.step, task.queued = target.name, True
            key = (target.name, case.title_type_id)
            if key not in schedules:
                schedules[key] = deadlines.schedule(target.name, case.title_type_id, now)
            task.due_at, task.remind_at, task.escalate_at = schedules[key]
        else:
            raise NotImplementedError(f"collective completion cannot open {target!r}")
        created.append((task, prev))
    if len(created) == 1 and connection.vendor == "postgresql":
        # one case (a one-case decision): its task, row and link in one statement instead of three
        task, prev = created[0]
        insert_linked(task, prev)
        task._saved_queued = task.queued
    else:
        _insert_tasks([task for task, _prev in created])
        Through = Task.previous.through
        Through.objects.bulk_create(
            [Through(from_task_id=task.pk, to_task_id=prev.pk) for task, prev in created],
            batch_size=BATCH_SIZE,
        )
    if ended:
        # as End's activation: the process is done once no other task of it is still unfinished
        unfinished = Task.objects.filter(process_id__in=ended, finished__isnull=True)
        busy = set(unfinished.values_list("process_id", flat=True))
        Process.objects.filter(pk__in=[pk for pk in ended if pk not in busy]).update(
            status=PROCESS.DONE, finished=now
        )


def _plain(node: View) -> bool:
    """A human step created as ViewActivation.create does without callbacks: no automatic owner, no
    on-create hook, no task data or seed (what the bulk path reproduces)."""
    return (
        node._owner is None
        and node._on_create is None
        and node._task_data is None
        and node._task_seed is None
        and not callable(node._owner_permission)
    )


def _insert_tasks(tasks: list[CaseTask]) -> None:
    """bulk_create for the multi-table CaseTask (which Django's bulk_create refuses): viewflow's task rows
    first, for their ids, then ours with those ids as their primary keys."""
    parents = [
        Task(**{f.attname: getattr(t, f.attname) for f in Task._meta.concrete_fields if not f.primary_key})
        for t in tasks
    ]
    Task.objects.bulk_create(parents, batch_size=BATCH_SIZE)
    for task, parent in zip(tasks, parents, strict=True):
        task.id = task.task_ptr_id = parent.pk
    fields = CaseTask._meta.local_concrete_fields
    size = min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, tasks) or BATCH_SIZE)
    for start in range(0, len(tasks), size):
        CaseTask._base_manager._insert(tasks[start : start + size], fields=fields)
    for task in tasks:
        task._state.adding = False
        task._saved_queued = task.queued
