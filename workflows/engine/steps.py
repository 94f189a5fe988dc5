"""Completing, claiming and releasing a case's steps: the flow's lock, the task, then the one service the
step table names for the outcome."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from audit.services import record_event
from cases.exceptions import InvalidTransition
from cases.models import Case

from ..models import CaseTask
from ..steps.base import step_named
from . import completion
from .nodes import flow_lock

OPEN_TASK_STATES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def open_task(case: Case, step: str | None = None) -> CaseTask | None:
    qs = CaseTask.objects.filter(case=case, status__in=OPEN_TASK_STATES, flow_task_type="HUMAN")
    if step is not None:
        qs = qs.filter(step=step)
    return qs.select_related("process", "owner").first()


def step_closed(case: Case, step: str) -> InvalidTransition:
    """The refusal for a step that is no longer open (double submit, back button, a stale page)."""
    declared = step_named(step)
    label = declared.label if declared is not None else step
    return InvalidTransition(
        _("The step “%(step)s” of case %(ref)s is no longer open. It may have been done already.")
        % {"step": label, "ref": case.reference}
    )


def locked_task(pk: int) -> CaseTask:
    """Re-read a task under the flow lock, with its case and its process as a CaseProcess, in one query."""
    task = CaseTask.objects.select_related("case__unit", "process__caseprocess").get(pk=pk)
    task.process = task.process.coerced  # the joined CaseProcess; gateways read process.case
    task.process.case = task.case
    return task


@transaction.atomic
def claim_task(task: CaseTask, *, actor) -> CaseTask:
    """Take a step from the queue into the actor's inbox."""
    with flow_lock(task.process_id):
        task = locked_task(task.pk)
        if task.status != STATUS.NEW:
            if task.owner_id == actor.pk and task.status == STATUS.ASSIGNED:
                return task
            raise step_closed(task.case, task.flow_task.name)
        if not task.flow_task.can_assign(actor, task):
            raise PermissionDenied(_("You cannot take this step."))
        task.flow_task.activation_class(task).assign(actor)
        _audit_assignment(task, "task.claimed", actor=actor)
    return task


@transaction.atomic
def release_task(task: CaseTask, *, actor) -> CaseTask:
    """Put a claimed step back into the queue."""
    with flow_lock(task.process_id):
        task = locked_task(task.pk)
        if task.status != STATUS.ASSIGNED or task.owner_id != actor.pk:
            raise step_closed(task.case, task.flow_task.name)
        task.flow_task.activation_class(task).unassign()
        _audit_assignment(task, "task.released", actor=actor)
    return task


def _audit_assignment(task: CaseTask, event_type: str, *, actor) -> None:
    """Claims and releases are assignment changes: recorded on the case's stream (who held which step)."""
    case = task.case
    record_event(
        case.stream,
        event_type,
        actor=actor,
        scope=case.unit_path,
        data={"step": task.flow_task.name, "task": task.pk},
    )


def perform_step(
    case: Case, *, step: str, outcome: str, actor, task: CaseTask | None = None, **kwargs
) -> Case:
    """Complete the case's open `step` with one outcome, through the service the step table names for it.

    With `task`, only that very task may be completed: a page opened for an earlier round of the same step
    (before a return for rework) is refused instead of completing the newer task.

    The actor claims the step if it is still in the queue. The flow lock (process row, with the task's and
    the case's rows), the case service and the step's completion share one transaction: either the step and
    the case move together, or nothing changes.
    """
    declared = step_named(step)
    if declared is None or outcome not in declared.outcomes:
        raise InvalidTransition(_("This step cannot end that way."))
    with transaction.atomic():
        if task is None:
            task = open_task(case, step)
            if task is None:
                raise step_closed(case, step)
        task = completion.lock_step(task.pk)
        if task.case_id != case.pk or task.flow_task.name != step or task.status not in completion.OPEN:
            raise step_closed(case, step)
        chosen = task.flow_task.step.outcomes.get(outcome)  # the task's own flow's table
        if chosen is None:
            raise InvalidTransition(_("This step cannot end that way."))
        if chosen.own_work:
            _may_take(task, actor)
        # one unit of failure: the service works on the case row locked above (held), without a savepoint
        updated = chosen.service(task.case, actor=actor, held=task.case, **kwargs)
        completion.finish([task], {updated.pk: updated}, actor=actor)
    return updated


def _may_take(task: CaseTask, actor) -> None:
    """The actor may do this step's own work: it is theirs, or in the queue and theirs to take."""
    if task.status == STATUS.NEW:
        if not task.flow_task.can_assign(actor, task):
            raise PermissionDenied(_("You cannot take this step."))
    elif task.owner_id != actor.pk:
        raise PermissionDenied(_("This step is assigned to %(user)s.") % {"user": task.owner.get_username()})


def complete_steps(cases: list[Case], *, step: str, actor) -> int:
    """Complete the open `step` task of cases a collective step has already moved (their case service ran).

    Called inside the batch's transaction: a case whose step is not open stops (and rolls back) the batch.
    Cases without a recognition process (created outside the flow) have no task to complete. Set-based: a
    few statements for the whole batch (workflows.completion).
    """
    return completion.complete_steps(cases, step=step, actor=actor, closed=step_closed)


@transaction.atomic
def return_claimed_steps(user, *, unit_path: str, keep, actor, reason: str) -> list[CaseTask]:
    """Put back into the queue the steps `user` holds on cases under `unit_path`, unless `keep(task)` says the
    user still may do them; one audit event per case. Used when a user's role on a unit ends."""
    released = []
    held = CaseTask.objects.filter(
        owner=user, status=STATUS.ASSIGNED, flow_task_type="HUMAN", case__unit_path__startswith=unit_path
    ).select_related("case__unit")
    for task in held:
        if keep(task):
            continue
        with flow_lock(task.process_id):
            task = locked_task(task.pk)
            if task.status != STATUS.ASSIGNED or task.owner_id != user.pk:
                continue
            task.flow_task.activation_class(task).unassign()
            record_event(
                task.case.stream,
                "task.returned_to_queue",
                actor=actor,
                reason=reason,
                scope=task.case.unit_path,
                data={"step": task.flow_task.name, "task": task.pk, "from_user": user.get_username()},
            )
            released.append(task)
    return released
