"""The case file's work panel: where the case stands on its path (the step table), its open step, what the
user may do.

Buttons are offered only when the case's state machine, the open step and the user's permission all agree,
so no button can lead to an error page.
"""

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.status import STATUS

from cases.models import Case
from cases.permissions import can

from ..models import CaseTask
from .base import Step, title_code
from .selectors import human_tasks_of

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def work_panel(request: HttpRequest, case: Case) -> dict | None:
    """The panel's context (one query), or None for a case that has no process (cases opened before the flow).

    Every process opens a human step when it starts (workflows.services.open_case), so a case without human
    steps has no process: asking for the process row as well would cost a query on every case file.
    """
    tasks = human_tasks_of(case)
    if not tasks:
        return None
    open_task = next((t for t in reversed(tasks) if t.status in OPEN), None)
    if open_task is not None:
        open_task.case = case  # the flow's permission checks read task.case: no second fetch
    path = tasks[-1].flow_task.flow_class.steps.path(case.title_type_id, title_code)
    reached = _reached(path)
    return {
        "steps": _steps(case, tasks, open_task, path, reached),
        "outcome": None if case.state in reached else case.get_state_display(),
        "task": open_task,
        "step_title": open_task.flow_task.task_title if open_task else "",
        "holder": open_task.owner if open_task and open_task.status != STATUS.NEW else None,
        **_actions(request.user, case, open_task),
        "next": request.get_full_path(),
    }


def case_progress(case: Case) -> dict | None:
    """Where the case stands on its path and when each milestone was reached, for the household itself outside
    the office: no names and no actions (one query). None for a case without a process."""
    tasks = human_tasks_of(case)
    if not tasks:
        return None
    open_task = next((t for t in reversed(tasks) if t.status in OPEN), None)
    path = tasks[-1].flow_task.flow_class.steps.path(case.title_type_id, title_code)
    steps = _steps(case, tasks, open_task, path, _reached(path))
    latest = {task.flow_task.name: task for task in tasks}
    for step in steps:
        task = latest.get(step["key"])
        if step["key"] == "nominated":
            step["on"] = case.created_at
        elif task is not None and step["status"] != "todo":
            step["on"] = task.finished if step["status"] == "done" and task.finished else task.created
    return {"steps": steps, "due": open_task.due_at if open_task else None}


def _reached(path: list[Step]) -> dict[str, int]:
    """The milestone (index in [nominated, *path]) a case in each ordinary state has reached: a case waiting
    for a step has done the ones before it; one past the last step has done them all."""
    reached = {step.opens_on: i for i, step in enumerate(path)}
    last = path[-1]
    for outcome in last.outcomes.values():
        if outcome.own_work and not outcome.side:
            for transition in outcome.transitions:
                reached.setdefault(_target(transition), len(path))
    return reached


def _target(transition) -> str:
    """The state a case transition leads to (the FSM decorator on Case says)."""
    meta = getattr(Case, transition.method)._django_fsm
    return next(iter(meta.transitions.values())).target


def _steps(case: Case, tasks: list[CaseTask], open_task: CaseTask | None, path, reached) -> list[dict]:
    milestones = [("nominated", _("Nominated")), *((s.key, s.milestone) for s in path)]
    index = {key: i for i, (key, _label) in enumerate(milestones)}
    if case.state in reached:
        done, stopped = reached[case.state], None
    else:
        # A refusal, revocation or withdrawal ends the step that was open; the steps before it were done.
        last = open_task or next((t for t in reversed(tasks) if t.status == STATUS.DONE), None)
        stopped = index.get(last.flow_task.name, 1) if last else 1
        done = stopped - 1
    steps = []
    for i, (key, label) in enumerate(milestones):
        if i <= done:
            status = "done"
        elif stopped is None and i == done + 1:
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
    step: Step | None = getattr(task.flow_task, "step", None)
    available = {t.name for t in case.get_available_state_transitions()}
    if step is None or not (available & step.transitions):
        return none  # the process and the case disagree (e.g. old data): show the status only
    holds = task.status == STATUS.ASSIGNED and task.owner_id == user.pk
    may_take = task.status == STATUS.NEW and task.flow_task.can_assign(user, task)
    return {
        "can_claim": may_take,
        "can_open": may_take or (holds and can(user, step.action, case)),
        "can_release": holds,
        "can_withdraw": "withdraw" in available and can(user, "withdraw", case),
        "can_hold": task.due_at is not None and (holds or can(user, "supervise", case)),
    }
