"""The case file's work panel: where the case stands in the six steps, its open step, what the user may do.

Buttons are offered only when the case's state machine, the open step and the user's permission all agree,
so no button can lead to an error page.
"""

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.status import STATUS

from cases.models import Case, CaseState
from cases.permissions import can

from .models import CaseTask
from .selectors import STEP_ACTIONS

# The six milestones of a case, as users name them; the first is reached by nominating.
MILESTONES = (
    ("nominated", _("Nominated")),
    ("collect", _("Evidence collected")),
    ("score", _("Scored")),
    ("review", _("Village review")),
    ("decide", _("Commune decision")),
    ("audit", _("Audit")),
)
STEP_INDEX = {key: i for i, (key, _label) in enumerate(MILESTONES)}

# The milestone a case in each ordinary state has reached.
REACHED = {
    CaseState.NOMINATED: 0,
    CaseState.EVIDENCE_COLLECTED: 1,
    CaseState.SCORED: 2,
    CaseState.VILLAGE_REVIEWED: 3,
    CaseState.COMMUNE_DECIDED: 4,
    CaseState.DISTRICT_AUDITED: 5,
}

# The case transitions that end each step: the step is actionable only if one of them is available now.
STEP_TRANSITIONS = {
    "collect": frozenset({"collect_evidence"}),
    "score": frozenset({"record_score", "return_for_rework"}),
    "review": frozenset({"propose_in_village", "reject_in_village", "return_for_rework"}),
    "decide": frozenset({"recognise", "refuse"}),
    "audit": frozenset({"confirm_audit", "revoke"}),
}

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def work_panel(request: HttpRequest, case: Case) -> dict | None:
    """The panel's context (one query), or None for a case that has no process (cases opened before the flow).

    Every process opens a human step when it starts (workflows.services.open_case), so a case without human
    steps has no process: asking for the process row as well would cost a query on every case file.
    """
    tasks = list(
        CaseTask.objects.filter(case=case, flow_task_type="HUMAN").select_related("owner").order_by("pk")
    )
    if not tasks:
        return None
    open_task = next((t for t in reversed(tasks) if t.status in OPEN), None)
    if open_task is not None:
        open_task.case = case  # the flow's permission checks read task.case: no second fetch
    return {
        "steps": _steps(case, tasks, open_task),
        "outcome": None if case.state in REACHED else case.get_state_display(),
        "task": open_task,
        "step_title": open_task.flow_task.task_title if open_task else "",
        "holder": open_task.owner if open_task and open_task.status != STATUS.NEW else None,
        **_actions(request.user, case, open_task),
        "next": request.get_full_path(),
    }


def _steps(case: Case, tasks: list[CaseTask], open_task: CaseTask | None) -> list[dict]:
    if case.state in REACHED:
        reached, stopped = REACHED[case.state], None
    else:
        # A refusal, revocation or withdrawal ends the step that was open; the steps before it were done.
        last = open_task or next((t for t in reversed(tasks) if t.status == STATUS.DONE), None)
        stopped = STEP_INDEX.get(last.flow_task.name, 1) if last else 1
        reached = stopped - 1
    steps = []
    for i, (key, label) in enumerate(MILESTONES):
        if i <= reached:
            status = "done"
        elif stopped is None and i == reached + 1:
            status = "current"
        elif i == stopped:
            status = "stopped"
        else:
            status = "todo"
        steps.append({"key": key, "label": label, "status": status})
    return steps


def _actions(user, case: Case, task: CaseTask | None) -> dict:
    none = {
        "can_claim": False,
        "can_open": False,
        "can_release": False,
        "can_withdraw": False,
        "can_hold": False,
    }
    if task is None or not getattr(user, "is_authenticated", False):
        return none
    step = task.flow_task.name
    available = {t.name for t in case.get_available_state_transitions()}
    if step not in STEP_ACTIONS or not (available & STEP_TRANSITIONS.get(step, frozenset())):
        return none  # the process and the case disagree (e.g. old data): show the status only
    holds = task.status == STATUS.ASSIGNED and task.owner_id == user.pk
    may_take = task.status == STATUS.NEW and task.flow_task.can_assign(user, task)
    return {
        "can_claim": may_take,
        "can_open": may_take or (holds and can(user, STEP_ACTIONS[step], case)),
        "can_release": holds,
        "can_withdraw": "withdraw" in available and can(user, "withdraw", case),
        "can_hold": task.due_at is not None and (holds or can(user, "supervise", case)),
    }
