"""The nodes recognition flows are built of, and build_flow(), which makes a flow from a step table: viewflow
records who must act next; `Case.state` decides where the flow goes (workflows.flows builds the product's
flow)."""

import types
from contextlib import contextmanager

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Process

from cases.permissions import can

from .. import deadlines
from ..models import CaseProcess, CaseTask
from ..steps.base import Step, StepTable, register, title_code
from .activations import CaseEndActivation, CaseStepActivation


def _case_of(task):
    case = getattr(task, "case", None)
    if case is None:
        case = CaseTask.objects.select_related("case__unit").get(pk=task.pk).case
    return case


class CaseStep(flow.View):
    """A human step of the step table, open to anyone holding the step's action on the case's unit subtree."""

    activation_class = CaseStepActivation

    def __init__(self, view, *, step: Step, **kwargs):
        super().__init__(view, **kwargs)
        self.step = step
        self.action = step.action

    def can_assign(self, user, task):
        if task.owner_id or user is None or not user.is_authenticated:
            return False
        return can(user, self.action, _case_of(task))

    def can_execute(self, user, task):
        return task.owner_id == getattr(user, "pk", None) and can(user, self.action, _case_of(task))

    def schedule(self, title_type_id: int | None, start=None):
        """(due_at, remind_at, escalate_at) of this step opened at `start` (now) for a case of the title."""
        return deadlines.schedule(self.step.key, title_type_id, start)

    def clock(self, task) -> str:
        """Where the task stands against its deadline (workflows.deadlines.deadline_state)."""
        return deadlines.deadline_state(task)


class CaseRoute(flow.Switch):
    """The Switch that sends a case to the step its state waits for, evaluated when the next task is created.

    viewflow's Switch persists a task row of its own (insert, previous link, savepoint, update: six
    statements per completed step) only to record a decision that `Case.state` already records. This one
    creates the chosen node's task directly, linked to the task that finished; the graph (and the chart) keep
    the gateway and its branches, which stay declared once, below.
    """

    def _create(self, prev_activation, token, data=None, seed=None):
        return self.target(prev_activation)._create(prev_activation, token, data=data, seed=seed)

    def target(self, prev_activation):
        """The node the case goes to after the finished task (the conditions read `process.case.state`)."""
        for node, condition in self._branches:
            if condition is None or condition(prev_activation):
                return node
        # unreachable while the gateway ends with Default()
        raise AssertionError(f"{self.name}: no branch for {prev_activation.process}")


class CaseEnd(flow.End):
    """viewflow's End, its task written in one statement (workflows.engine.activations)."""

    activation_class = CaseEndActivation


class ProcessRowLock(lock.SelectForUpdateLock):
    """`SELECT … FOR UPDATE` on the process row, waiting for the holder instead of NOWAIT and retrying.

    viewflow's `select_for_update_lock` takes the lock with NOWAIT inside a savepoint and retries up to five
    times with back-off, then fails with FlowLockFailed (a 500). Our flow locks are held for one step's few
    milliseconds and always taken before the case row (process, then case), so waiting is both cheaper (no
    savepoint: two statements less per step) and kinder (no failure under a burst of clicks); a lock cycle
    would still be broken by PostgreSQL's deadlock detector. On SQLite, `FOR UPDATE` is a no-op and the
    IMMEDIATE transaction serialises writers.

    The locked row is viewflow's process row (`viewflow_process`), which every flow lock of a process takes:
    this one, the step completion's (workflows.engine.completion.lock_step, with the task and case rows) and
    the collective steps' (workflows.engine.completion.complete_steps).
    """

    @contextmanager
    def __call__(self, flow_class, process_pk):
        with transaction.atomic(savepoint=False):
            Process.objects.filter(pk=process_pk).select_for_update().exists()
            yield


def _step_view(request, *args, **kwargs):
    """Steps are completed through workflows.officer.steps (which call workflows.services), not viewflow's."""
    from django.http import Http404

    raise Http404


def _start_process(self, activation, case):
    activation.process.case = case
    activation.process.artifact = case
    return activation.process


def _taking(step: Step):
    """The route's condition for a step: the case's state is the one the step opens on (and its title one of
    the step's titles), read on `process.case`."""

    def condition(activation):
        return step.takes(activation.process.case, title_code)

    return condition


def build_flow(name: str, table: StepTable, *, module: str, **attrs) -> type[flow.Flow]:
    """A recognition flow whose nodes are the steps of `table`: start, the route on the case's state, one
    CaseStep per step (its title, permission and deadline from the table), end. The table is registered, so
    the work lists, deadlines and step choices know its steps. `module` must be where the class can be
    imported from: viewflow stores "app_label/module.ClassName" in the process and task rows."""
    route = CaseRoute()
    # a title's own step goes before the general step of the same state: the first branch that holds wins
    for step in sorted(table, key=lambda s: s.titles is None):
        route = route.Case(getattr(this, step.key), _taking(step))
    namespace = {
        "__module__": module,
        "__qualname__": name,
        "process_class": CaseProcess,
        "task_class": CaseTask,
        "lock_impl": ProcessRowLock(),
        "process_title": _("Recognition case"),
        "process_description": _(
            "Nomination, evidence, scoring, village review, commune decision and audit."
        ),
        "steps": table,
        "start": flow.StartHandle(this.start_process).Next(this.route),
        "route": route.Default(this.end),
        "end": CaseEnd(),
        "start_process": _start_process,
        **attrs,
    }
    for step in table:
        namespace[step.key] = (
            CaseStep(_step_view, step=step)
            .Annotation(title=step.label)
            .Permission(step.permission, obj=_permission_object(step))
            .Next(this.route)
        )
    flow_class = types.new_class(name, (flow.Flow,), exec_body=lambda ns: ns.update(namespace))
    register(table)
    return flow_class


def _permission_object(step: Step):
    return lambda process: step.permission_unit(process.case)


_LOCK = ProcessRowLock()


def flow_lock(process_pk: int):
    """The flow lock of a process (its viewflow_process row), as every flow built here takes it."""
    return _LOCK(None, process_pk)
