"""Bulk reassignment of open steps by a supervisor (an officer leaves, falls ill, is overloaded)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from audit.services import record_event
from cases.permissions import can

from ..engine.nodes import flow_lock
from ..engine.steps import locked_task, step_closed
from ..models import CaseTask
from ..steps.base import step_actions

MAX_TASKS = 200


@transaction.atomic
def reassign_tasks(task_ids: list[int], *, to_user, actor, reason: str) -> list[CaseTask]:
    """Give the steps to `to_user`, all or none; one audit event per case with the reason.

    The actor must supervise each case; the new holder must be allowed to do each step on its case; a step
    that closed meanwhile stops the whole reassignment (nothing changes) with its case named.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("A reason is required.")})
    ids = sorted(set(task_ids))
    if not ids:
        raise ValidationError(_("Select at least one step."))
    if len(ids) > MAX_TASKS:
        raise ValidationError(_("At most %(n)d steps at a time.") % {"n": MAX_TASKS})
    process_of = dict(CaseTask.objects.filter(pk__in=ids).values_list("pk", "process_id"))
    if len(process_of) != len(ids):
        raise ValidationError(_("Some of the selected steps do not exist."))
    moved = []
    for pk in sorted(ids, key=lambda k: (process_of[k], k)):  # one lock order for every reassignment
        with flow_lock(process_of[pk]):
            task = locked_task(pk)
            case = task.case
            if not can(actor, "supervise", case):
                raise PermissionDenied(_("You do not supervise case %(ref)s.") % {"ref": case.reference})
            if task.status not in (STATUS.NEW, STATUS.ASSIGNED):
                raise step_closed(case, task.step)
            if not can(to_user, step_actions()[task.step], case):
                raise ValidationError(
                    _("%(user)s may not do the step “%(step)s” of case %(ref)s.")
                    % {
                        "user": to_user.get_username(),
                        "step": task.flow_task.task_title,
                        "ref": case.reference,
                    }
                )
            previous = task.owner.get_username() if task.owner_id else ""
            if task.owner_id == to_user.pk:
                continue
            activation = task.flow_task.activation_class(task)
            if task.status == STATUS.NEW:
                activation.assign(to_user)
            else:
                activation.reassign(to_user)
            record_event(
                case.stream,
                "task.reassigned",
                scope=case.unit_path,
                actor=actor,
                reason=reason,
                data={
                    "step": task.step,
                    "task": task.pk,
                    "from_user": previous,
                    "to_user": to_user.get_username(),
                },
            )
            moved.append(task)
    return moved
