"""The recognition flow: viewflow records who must act next; `Case.state` decides where the flow goes."""

from contextlib import contextmanager

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Process

from cases.models import CaseState
from cases.permissions import can

from .models import CaseProcess, CaseTask
from .task_rows import CaseEndActivation, CaseStepActivation


def _case_of(task):
    case = getattr(task, "case", None)
    if case is None:
        case = CaseTask.objects.select_related("case__unit").get(pk=task.pk).case
    return case


class CaseStep(flow.View):
    """A human step open to anyone holding the step's action on the case's unit subtree."""

    activation_class = CaseStepActivation

    def __init__(self, view, *, action: str, **kwargs):
        super().__init__(view, **kwargs)
        self.action = action

    def can_assign(self, user, task):
        if task.owner_id or user is None or not user.is_authenticated:
            return False
        return can(user, self.action, _case_of(task))

    def can_execute(self, user, task):
        return task.owner_id == getattr(user, "pk", None) and can(user, self.action, _case_of(task))


def _state_is(state):
    def condition(activation):
        return activation.process.case.state == state

    return condition


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
    """viewflow's End, its task written in one statement (workflows.task_rows)."""

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
    this one, the step completion's (workflows.completion.lock_step, with the task and case rows) and the
    collective steps' (workflows.completion.complete_steps).
    """

    @contextmanager
    def __call__(self, flow_class, process_pk):
        with transaction.atomic(savepoint=False):
            Process.objects.filter(pk=process_pk).select_for_update().exists()
            yield


def _step_view(request, *args, **kwargs):
    """Steps are completed through workflows.views (which call workflows.services), not viewflow's views."""
    from django.http import Http404

    raise Http404


class RecognitionFlow(flow.Flow):
    process_class = CaseProcess
    task_class = CaseTask
    lock_impl = ProcessRowLock()
    process_title = _("Recognition case")
    process_description = _("Nomination, evidence, scoring, village review, commune decision and audit.")

    start = flow.StartHandle(this.start_process).Next(this.route)

    route = (
        CaseRoute()
        .Case(this.collect, _state_is(CaseState.NOMINATED))
        .Case(this.score, _state_is(CaseState.EVIDENCE_COLLECTED))
        .Case(this.review, _state_is(CaseState.SCORED))
        .Case(this.decide, _state_is(CaseState.VILLAGE_REVIEWED))
        .Case(this.audit, _state_is(CaseState.COMMUNE_DECIDED))
        .Default(this.end)
    )

    collect = (
        CaseStep(_step_view, action="collect_evidence")
        .Annotation(title=_("Collect evidence"))
        .Permission("registry.collect_evidence", obj=lambda process: process.case.unit)
        .Next(this.route)
    )
    score = (
        CaseStep(_step_view, action="score")
        .Annotation(title=_("Score"))
        .Permission("registry.score_case", obj=lambda process: process.case.unit)
        .Next(this.route)
    )
    review = (
        CaseStep(_step_view, action="review_in_village")
        .Annotation(title=_("Village review"))
        .Permission("registry.review_case", obj=lambda process: process.case.unit)
        .Next(this.route)
    )
    decide = (
        CaseStep(_step_view, action="decide")
        .Annotation(title=_("Commune decision"))
        .Permission("registry.decide_case", obj=lambda process: process.case.unit)
        .Next(this.route)
    )
    audit = (
        CaseStep(_step_view, action="audit")
        .Annotation(title=_("Audit"))
        .Permission("registry.audit_case", obj=lambda process: process.case.unit.audit_unit())
        .Next(this.route)
    )

    end = CaseEnd()

    def start_process(self, activation, case):
        activation.process.case = case
        activation.process.artifact = case
        return activation.process
