"""The workflow's writes, for pages, tasks, commands and other apps: one import for what lives by concern in
workflows.flows (opening a case), workflows.engine (steps), workflows.collective, workflows.deadlines and
workflows.supervision."""

from .collective.services import close_audit, close_session, sign_decision
from .deadlines import pause_clock, resume_clock
from .engine.roles import end_role, hand_over_role, return_steps_of_ended_roles
from .engine.steps import (
    OPEN_TASK_STATES,
    claim_task,
    complete_steps,
    open_task,
    perform_step,
    release_task,
    return_claimed_steps,
    step_closed,
)
from .flows import nominate_new_household, open_case
from .steps.table import decide_by_decision
from .supervision.reassign import reassign_tasks

__all__ = [
    "OPEN_TASK_STATES",
    "claim_task",
    "close_audit",
    "close_session",
    "complete_steps",
    "decide_by_decision",
    "end_role",
    "hand_over_role",
    "nominate_new_household",
    "open_case",
    "open_task",
    "pause_clock",
    "perform_step",
    "reassign_tasks",
    "release_task",
    "resume_clock",
    "return_claimed_steps",
    "return_steps_of_ended_roles",
    "sign_decision",
    "step_closed",
]
