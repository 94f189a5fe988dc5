"""The recognition flow: viewflow records who must act next; `Case.state` decides where the flow goes."""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from cases.models import CaseState
from cases.permissions import can

from .models import CaseProcess, CaseTask


def _case_of(task):
    case = getattr(task, "case", None)
    if case is None:
        case = CaseTask.objects.select_related("case__unit").get(pk=task.pk).case
    return case


class CaseStep(flow.View):
    """A human step open to anyone holding the step's action on the case's unit subtree."""

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


def _step_view(request, *args, **kwargs):
    """Steps are completed through workflows.views (which call workflows.services), not viewflow's views."""
    from django.http import Http404

    raise Http404


class RecognitionFlow(flow.Flow):
    process_class = CaseProcess
    task_class = CaseTask
    lock_impl = lock.select_for_update_lock
    process_title = _("Recognition case")
    process_description = _("Nomination, evidence, scoring, village review, commune decision and audit.")

    start = flow.StartHandle(this.start_process).Next(this.route)

    route = (
        flow.Switch()
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

    end = flow.End()

    def start_process(self, activation, case):
        activation.process.case = case
        activation.process.artifact = case
        return activation.process
