"""Completing steps, one (perform_step) or many at once (the collective steps): the rows viewflow's
activation writes, in a few statements.

viewflow completes a View task through its activation: start it, finish it (a save of the whole task row),
route on the case's new state and create the next task (save, then a second INSERT for the link to the
finished task), and where the route reaches End, a task that finishes the process. Those rows are written
here without the generic machinery. For one step, its finishing, its queue flag and the next task with its
row and link are one statement. For a batch, every process is locked in one query (in primary-key order),
the finished tasks are updated together and the next tasks created in bulk. The routing stays declared
once, on the flow's route (built from the step table). tests/workflows/test_completion.py compares the rows
with viewflow's own activation.

The recognition flow has no split, join or boundary node: nothing listens to viewflow's task_started,
task_finished or flow_finished signals, which this path therefore does not send.
"""

from types import SimpleNamespace

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.nodes import End, View
from viewflow.workflow.status import PROCESS, STATUS

from audit.services import BATCH_SIZE
from cases.models import Case
from fastpath.bulk import bulk_create_children
from fastpath.compiled import CompiledQuery
from fastpath.task_rows import insert_linked

from ..models import CaseTask

OPEN = (STATUS.NEW, STATUS.ASSIGNED)


def lock_step(task_pk: int) -> CaseTask:
    """The flow lock of one step, and the step read with its case and the case's unit, in one statement.

    The process row (the flow's lock, as the flow's ProcessRowLock takes it), then the task's and the case's
    rows are locked, in that order. Locked rows come back as last committed: a step completed by a request
    this one waited for reads as done, not as the statement's snapshot had it.
    """
    task = _LOCK_STEP.first(task_pk)
    if task is None:
        raise CaseTask.DoesNotExist(task_pk)
    return task


# compiled once (fastpath.compiled): building and compiling this query cost more than running it
_LOCK_STEP = CompiledQuery(
    lambda pk: (
        CaseTask.objects.select_related("case__unit", "process")
        .select_for_update(of=("process", "task_ptr", "case"))
        .filter(pk=pk)
    ),
    kinds=[int],
)


def lock_flows(case_ids: list[int], *, step: str) -> None:
    """The flow locks a collective step takes before its cases' rows: the cases' processes, then their open
    `step` tasks, each in one statement in primary-key order (the one lock order: process, task, case, as
    lock_step takes them for one step; docs/architecture.md §4). A step completed alone meanwhile has either
    committed, and reads as done, or waits for the batch."""
    processes = list(
        Process.objects.filter(caseprocess__case_id__in=list(case_ids))
        .order_by("pk")
        .select_for_update(of=("self",))
        .values_list("pk", flat=True)
    )
    if processes:
        list(
            CaseTask.objects.filter(
                process_id__in=processes, status__in=OPEN, flow_task_type="HUMAN", step=step
            )
            .order_by("pk")
            .select_for_update(of=("task_ptr",))
            .values_list("pk", flat=True)
        )


def complete_steps(cases: list[Case], *, step: str, actor, closed) -> int:
    """Complete the open `step` task of cases a collective step has already moved (their case service ran).

    Called inside the batch's transaction: a case whose step is not open raises `closed(case, step)` and
    rolls the batch back. Cases without a recognition process (created outside the flow) have no task.
    """
    by_id = {c.pk: c for c in cases}
    with transaction.atomic(savepoint=False):
        # the flow's lock (ProcessRowLock) for every process at once, in primary-key order, found by case
        process_of = dict(
            Process.objects.filter(caseprocess__case_id__in=list(by_id))
            .order_by("pk")
            .select_for_update(of=("self",))
            .values_list("caseprocess__case_id", "pk")
        )
        if not process_of:
            return 0
        tasks = {
            t.case_id: t
            for t in CaseTask.objects.filter(
                process_id__in=list(process_of.values()),
                status__in=OPEN,
                flow_task_type="HUMAN",
                step=step,
            ).only("pk", "case_id", "process_id", "token", "queued", "flow_task")
        }
        for case_id in process_of:
            if case_id not in tasks:
                raise closed(by_id[case_id], step)
        finish([tasks[case_id] for case_id in sorted(process_of)], by_id, actor=actor)
    return len(process_of)


def finish(done: list[CaseTask], cases: dict[int, Case], *, actor) -> None:
    """Finish open tasks whose processes the caller has locked — started and finished by the actor, as a
    claim and completion in one go — and open what the route sends each case to next (`cases`: by id, in
    their new state)."""
    now = timezone.now()
    created, ended = _next_tasks(done, cases, now)
    if len(done) == 1:
        # one step: its finishing, its queue flag, and the next task with its row and link (on PostgreSQL in
        # one statement)
        insert_linked(created[0], done[0], finishing=(actor.pk, now))
        created[0].mark_saved()
    else:
        Task.objects.filter(pk__in=[t.pk for t in done]).update(
            status=STATUS.DONE, owner=actor, started=now, finished=now
        )
        CaseTask.objects.filter(pk__in=[t.pk for t in done], queued=True).update(queued=False)
        _insert_tasks(created)
        Through = Task.previous.through
        Through.objects.bulk_create(
            [
                Through(from_task_id=task.pk, to_task_id=prev.pk)
                for task, prev in zip(created, done, strict=True)
            ],
            batch_size=BATCH_SIZE,
        )
    for task in done:
        task.status, task.owner_id, task.started, task.finished, task.queued = (
            STATUS.DONE,
            actor.pk,
            now,
            now,
            False,
        )
    if ended:
        # as End's activation: the process is done once no task of it is still unfinished
        unfinished = Task.objects.filter(process_id=OuterRef("pk"), finished__isnull=True)
        Process.objects.filter(pk__in=ended).exclude(Exists(unfinished)).update(
            status=PROCESS.DONE, finished=now
        )


def _next_tasks(done: list[CaseTask], cases: dict[int, Case], now) -> tuple[list[CaseTask], list[int]]:
    """The unsaved tasks the route opens after each finished one (in `done`'s order), and the processes whose
    route reached End."""
    # the permission object of every step is a function of the case's unit only, and every task of the batch
    # is opened now: both are worked out once per unit (per title type) instead of once per task
    owner_objs: dict[tuple[str, int], object] = {}
    schedules: dict[tuple[str, int], tuple] = {}
    created, ended = [], []
    for prev in done:
        case = cases[prev.case_id]
        # what the route's conditions and the permission objects read of the process
        process = SimpleNamespace(pk=prev.process_id, case=case)
        target = prev.flow_task.flow_class.route.target(SimpleNamespace(process=process))
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
                schedules[key] = target.schedule(case.title_type_id, now)
            task.due_at, task.remind_at, task.escalate_at = schedules[key]
        else:
            raise NotImplementedError(f"step completion cannot open {target!r}")
        created.append(task)
    return created, ended


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
    """The new tasks: viewflow's task rows first, for their ids, then ours (bulk_create refuses the
    multi-table CaseTask)."""
    bulk_create_children(tasks, batch_size=BATCH_SIZE)
    for task in tasks:
        task.mark_saved()
