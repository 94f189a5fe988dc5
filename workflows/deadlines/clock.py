"""When a step is due, in working days, and where it stands against that: the SLA policy of the flow.

Each step of each title type has a deadline in working days (StepDeadline, editable by the administrator;
the step table's `working_days` where none is set) and a warning window. A step is due at the end of its
last working day (local time). Its clock can be paused with a reason (waiting for the household) and
resumed: the due date then moves by the working days the pause lasted.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from audit.services import record_event
from cases.conf import setting
from cases.permissions import can

from ..models import AT_RISK, BREACHED, ON_TRACK, PAUSED, CaseTask
from ..steps.base import step_named
from . import workdays

DEFAULT_WARNING_DAYS = 2
OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def policy(step: str, title_type_id: int | None) -> tuple[int, int] | None:
    """(working days, warning days) for a step of a title type; None for steps without a deadline."""
    configured = workdays.step_deadlines().get((title_type_id, step))
    if configured is not None:
        return configured
    declared = step_named(step)
    if declared is not None:
        return declared.working_days, DEFAULT_WARNING_DAYS
    return None


def end_of(day: datetime.date) -> datetime.datetime:
    """The last moment of a local calendar day, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def due_for(
    step: str, title_type_id: int | None = None, start: datetime.datetime | None = None
) -> datetime.datetime | None:
    """The due time of a step opened at `start` (now): the end of its n-th working day after that day."""
    return schedule(step, title_type_id, start)[0]


def schedule(step: str, title_type_id: int | None = None, start: datetime.datetime | None = None):
    """(due_at, remind_at, escalate_at) of a step opened at `start`; all None for steps without a deadline.

    The reminder goes out on the first day inside the warning window; the escalation once the grace period
    (working days after the due day, settings RECOGNITION["ESCALATION_GRACE_DAYS"]) is over.
    """
    rule = policy(step, title_type_id)
    if rule is None:
        return None, None, None
    start_day = timezone.localtime(start or timezone.now()).date()
    due_day = workdays.calendar().add(start_day, rule[0])
    return _around(due_day, rule[1])


def _around(due_day: datetime.date, warning: int):
    calendar = workdays.calendar()
    remind_day = calendar.add(due_day, -warning) + datetime.timedelta(days=1)
    grace = setting("ESCALATION_GRACE_DAYS")
    return end_of(due_day), start_of(remind_day), end_of(calendar.add(due_day, grace))


def start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def deadline_state(task, now: datetime.datetime | None = None) -> str:
    """ON_TRACK, AT_RISK (inside the warning window), BREACHED, PAUSED; "" for steps without a due time."""
    if task.due_at is None or task.status not in OPEN:
        return ""
    if task.paused_at is not None:
        return PAUSED
    now = now or timezone.now()
    if now > task.due_at:
        return BREACHED
    if task.remind_at is not None:
        return AT_RISK if now >= task.remind_at else ON_TRACK
    rule = policy(task.step, getattr(task.case, "title_type_id", None)) if task.step else None
    warning = rule[1] if rule else DEFAULT_WARNING_DAYS
    due_day = timezone.localtime(task.due_at).date()
    warn_from = workdays.calendar().add(due_day, -warning)
    return AT_RISK if timezone.localtime(now).date() > warn_from else ON_TRACK


def _may_hold(actor, task) -> bool:
    """The step's assignee, or a supervisor over the case, may pause and resume its clock."""
    return (task.owner_id == actor.pk and can(actor, "view", task.case)) or can(actor, "supervise", task.case)


def _locked(task):
    return CaseTask.objects.select_for_update(of=("self",)).select_related("case__unit").get(pk=task.pk)


@transaction.atomic
def pause_clock(task, *, actor, reason: str):
    """Stop a step's clock (e.g. waiting for the household's papers); one audit event on the case."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("A reason is required.")})
    task = _locked(task)
    if not _may_hold(actor, task):
        raise PermissionDenied(_("You may not pause the deadline of this step."))
    if task.status not in OPEN or task.due_at is None:
        raise ValidationError(_("This step is closed or has no deadline."))
    if task.paused_at is not None:
        raise ValidationError(_("The deadline of this step is already paused."))
    task.paused_at, task.pause_reason = timezone.now(), reason
    task.save(update_fields=["paused_at", "pause_reason"])
    record_event(
        task.case.stream,
        "deadline.paused",
        scope=task.case.unit_path,
        actor=actor,
        reason=reason,
        data={"step": task.step, "task": task.pk, "due_at": task.due_at.isoformat()},
    )
    return task


@transaction.atomic
def resume_clock(task, *, actor):
    """Restart a paused clock; the due time moves by the working days the pause covered."""
    task = _locked(task)
    if not _may_hold(actor, task):
        raise PermissionDenied(_("You may not resume the deadline of this step."))
    if task.paused_at is None:
        raise ValidationError(_("The deadline of this step is not paused."))
    calendar = workdays.calendar()
    paused_day = timezone.localtime(task.paused_at).date()
    today = timezone.localdate()
    shift = calendar.between(paused_day, today)
    before = task.due_at
    rule = policy(task.step, task.case.title_type_id)
    warning = rule[1] if rule else DEFAULT_WARNING_DAYS
    due_day = calendar.add(timezone.localtime(before).date(), shift)
    task.due_at, task.remind_at, task.escalate_at = _around(due_day, warning)
    task.paused_at, task.pause_reason = None, ""
    task.save(update_fields=["due_at", "remind_at", "escalate_at", "paused_at", "pause_reason"])
    record_event(
        task.case.stream,
        "deadline.resumed",
        scope=task.case.unit_path,
        actor=actor,
        data={
            "step": task.step,
            "task": task.pk,
            "working_days": shift,
            "due_at": {"from": before.isoformat(), "to": task.due_at.isoformat()},
        },
    )
    return task
