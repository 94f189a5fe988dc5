"""Roles that end, and what the workflow does about it: a former holder's claimed steps go back to the queue
(by hand at once, by date in the nightly sweep), or to a successor when the role is handed over.

The registry writes role assignments and knows nothing of steps; this module, on the floor that owns both,
calls the registry's role service and then moves the steps, in one transaction."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from audit.services import record_event
from cases.permissions import roles_for
from registry.models import RoleAssignment
from registry.permissions import can_manage_role
from registry.services import assign_role, end_role_assignment

from ..models import CaseTask
from .nodes import flow_lock
from .steps import locked_task, return_claimed_steps


def keeps_step(remaining: list[tuple[str, str]]):
    """A predicate: whether a claimed task stays with a holder whose active roles are `remaining`
    ((role, unit path) pairs): one of them may do the step and covers the case's unit."""

    def keep(task) -> bool:
        roles = roles_for(task.flow_task.action, task.case.unit.level)
        return any(role in roles and task.case.unit_path.startswith(path) for role, path in remaining)

    return keep


def _remaining_roles(user_id: int, *, on: datetime.date, without: int | None = None) -> list[tuple[str, str]]:
    qs = RoleAssignment.objects.active(on=on).filter(user_id=user_id)
    if without is not None:
        qs = qs.exclude(pk=without)
    return list(qs.values_list("role", "unit__path"))


def return_steps_of_ended_role(assignment: RoleAssignment, *, actor, reason: str) -> list[CaseTask]:
    """The claimed steps of a role that has ended (its last day is today or before) go back to the queue,
    unless another role of the holder still covers them. A role ending later keeps its steps until then:
    the nightly sweep (return_steps_of_ended_roles) gives them back the day after its last day."""
    if assignment.valid_to is None or assignment.valid_to > timezone.localdate():
        return []
    after = assignment.valid_to + datetime.timedelta(days=1)
    day = max(after, timezone.localdate())
    remaining = _remaining_roles(assignment.user_id, on=day, without=assignment.pk)
    return return_claimed_steps(
        assignment.user,
        unit_path=assignment.unit.path,
        keep=keeps_step(remaining),
        actor=actor,
        reason=_("Role ended: %(reason)s") % {"reason": reason},
    )


def return_steps_of_ended_roles(*, on: datetime.date | None = None) -> int:
    """Nightly: every step claimed by someone whose role covering it has ended by date goes back to the
    queue (one audit event per case, actor: the system). Returns how many steps were returned.

    Only holders with a role that ended before `on` (today) are looked at; each keeps the steps that another
    of their active roles still covers. Idempotent: a step returned once is no longer theirs."""
    day = on or timezone.localdate()
    owners = (
        CaseTask.objects.filter(status=STATUS.ASSIGNED, flow_task_type="HUMAN")
        .filter(owner__role_assignments__valid_to__lt=day)
        .values_list("owner_id", flat=True)
        .distinct()
    )
    returned = 0
    for owner_id in sorted(set(owners)):
        ended = (
            RoleAssignment.objects.filter(user_id=owner_id, valid_to__lt=day)
            .select_related("user", "unit")
            .order_by("unit__path")
        )
        remaining = _remaining_roles(owner_id, on=day)
        for assignment in ended:
            last_day = assignment.valid_to.strftime("%d/%m/%Y")
            returned += len(
                return_claimed_steps(
                    assignment.user,
                    unit_path=assignment.unit.path,
                    keep=keeps_step(remaining),
                    actor=None,
                    reason=_("The role %(role)s on %(unit)s ended on %(day)s.")
                    % {"role": assignment.get_role_display(), "unit": assignment.unit.name, "day": last_day},
                )
            )
    return returned


def stranded_steps(assignment: RoleAssignment, *, limit: int = 50) -> list[CaseTask]:
    """The open steps under the role's unit that nobody could take once this role ends: no other active
    holder of a role that may do them covers their case (e.g. the last chairman of a commune with decisions
    still to sign). Shown as a warning, with the list, before the role is ended."""
    if assignment.role not in {r for step in step_roles() for r in step}:
        return []
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)  # who is there once the role has ended
    codes = assignment.unit.path.strip("/").split("/")
    above = ["/" + "/".join(codes[:depth]) + "/" for depth in range(1, len(codes) + 1)]
    others = list(
        RoleAssignment.objects.active(on=tomorrow)
        .exclude(pk=assignment.pk)
        .filter(Q(unit__path__in=above) | Q(unit__path__startswith=assignment.unit.path))
        .values_list("role", "unit__path")
    )
    if any(role == assignment.role and path in above for role, path in others):
        return []  # another holder of the same role covers the whole unit
    others_keep = keeps_step(others)
    mine = keeps_step([(assignment.role, assignment.unit.path)])
    tasks = CaseTask.objects.filter(
        status__in=(STATUS.NEW, STATUS.ASSIGNED),
        flow_task_type="HUMAN",
        case__unit_path__startswith=assignment.unit.path,
    ).select_related("case__unit")
    stranded = []
    for task in tasks.order_by("pk").iterator():
        if mine(task) and not others_keep(task):
            stranded.append(task)
            if len(stranded) >= limit:
                break
    return stranded


def step_roles() -> list[frozenset[str]]:
    from ..steps.base import every_step

    return [roles_for(step.action, level) for step in every_step() for level in ("village", "commune")]


@transaction.atomic
def end_role(
    assignment: RoleAssignment,
    *,
    actor,
    reason: str,
    on: datetime.date | None = None,
    acknowledged: bool = False,
):
    """End a role by hand (people management): the actor must manage the role on its unit; the role's
    last day is `on` (today); if that is today or before, its claimed steps go back to the queue now.
    Ending the last holder who could take some open steps (stranded_steps) needs `acknowledged`."""
    if not can_manage_role(actor, assignment.role, assignment.unit):
        raise PermissionDenied(_("You cannot manage this role."))
    if not acknowledged and stranded_steps(assignment, limit=1):
        raise ValidationError(
            {
                "acknowledged": _(
                    "Nobody else could take some open steps once this role ends: confirm that you have "
                    "seen the list."
                )
            }
        )
    day = on or timezone.localdate()
    if assignment.valid_to is not None and assignment.valid_to < timezone.localdate():
        raise ValidationError(_("This role has already ended."))
    if day < assignment.valid_from:
        first = date_format(assignment.valid_from, "SHORT_DATE_FORMAT")
        raise ValidationError({"on": _("A role cannot end before it starts (%(day)s).") % {"day": first}})
    return end_role_assignment(assignment, actor=actor, on=day, reason=reason)


@transaction.atomic
def hand_over_role(assignment: RoleAssignment, *, successor, actor, reason: str) -> RoleAssignment:
    """Hand a role over to a successor in one action: the successor holds the role on the same unit from
    today, the steps the former holder had claimed there pass to the successor (audited as reassigned), and
    the former holder's role ends today. Returns the successor's assignment."""
    if not can_manage_role(actor, assignment.role, assignment.unit):
        raise PermissionDenied(_("You cannot manage this role."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("A reason is required.")})
    today = timezone.localdate()
    locked = RoleAssignment.objects.select_for_update().select_related("user", "unit")
    assignment = locked.get(pk=assignment.pk)
    if assignment.valid_to is not None and assignment.valid_to < today:
        raise ValidationError(_("This role has already ended."))
    if successor.pk == assignment.user_id:
        raise ValidationError({"successor": _("The successor must be another person.")})
    if not successor.is_active:
        raise ValidationError({"successor": _("The successor's account is disabled.")})
    new = (
        RoleAssignment.objects.active(on=today)
        .filter(user=successor, role=assignment.role, unit=assignment.unit)
        .first()
    ) or assign_role(successor, role=assignment.role, unit=assignment.unit, actor=actor, valid_from=today)
    keep = keeps_step([(assignment.role, assignment.unit.path)])
    held = CaseTask.objects.filter(
        owner_id=assignment.user_id,
        status=STATUS.ASSIGNED,
        flow_task_type="HUMAN",
        case__unit_path__startswith=assignment.unit.path,
    ).select_related("case__unit")
    for task in sorted(held, key=lambda t: (t.process_id, t.pk)):  # one lock order: process, task, case
        if not keep(task):
            continue  # a step the role does not cover stays with its holder (another role of theirs)
        with flow_lock(task.process_id):
            task = locked_task(task.pk)
            if task.status != STATUS.ASSIGNED or task.owner_id != assignment.user_id:
                continue
            task.flow_task.activation_class(task).reassign(successor)
            record_event(
                task.case.stream,
                "task.reassigned",
                actor=actor,
                reason=reason,
                scope=task.case.unit_path,
                data={
                    "step": task.flow_task.name,
                    "task": task.pk,
                    "from_user": assignment.user.get_username(),
                    "to_user": successor.get_username(),
                },
            )
    # the role ends today; anything it still held (none now) would go back to the queue
    end_role_assignment(assignment, actor=actor, on=today, reason=reason)
    record_event(
        f"user:{successor.pk}",
        "role.handed_over",
        actor=actor,
        reason=reason,
        scope=assignment.unit.path,
        data={
            "role": assignment.role,
            "unit": assignment.unit.code,
            "from_user": assignment.user.get_username(),
            "to_user": successor.get_username(),
        },
    )
    return new
