"""Listeners: when a role ends, its holder's claimed steps go back to the queue; when a collective step
moves cases, their steps are completed."""

import datetime

from django.dispatch import receiver
from django.utils.translation import gettext as _

from approvals.signals import cases_advanced
from cases.permissions import roles_for
from registry.models import RoleAssignment
from registry.signals import role_assignment_ended

from . import services
from .selectors import STEP_ACTIONS


@receiver(role_assignment_ended, dispatch_uid="workflows.return_claimed_steps")
def return_claimed_steps_on_role_end(sender, assignment: RoleAssignment, actor, reason: str, **kwargs):
    after = assignment.valid_to + datetime.timedelta(days=1)
    remaining = list(
        RoleAssignment.objects.active(on=after)
        .filter(user_id=assignment.user_id)
        .exclude(pk=assignment.pk)
        .values_list("role", "unit__path")
    )

    def keep(task) -> bool:
        roles = roles_for(STEP_ACTIONS[task.flow_task.name], task.case.unit.level)
        return any(role in roles and task.case.unit_path.startswith(path) for role, path in remaining)

    services.return_claimed_steps(
        assignment.user,
        unit_path=assignment.unit.path,
        keep=keep,
        actor=actor,
        reason=_("Role ended: %(reason)s") % {"reason": reason},
    )


@receiver(cases_advanced, dispatch_uid="workflows.complete_collective_steps")
def complete_collective_steps(sender, step: str, cases, actor, **kwargs):
    """A meeting, a decision or an audit moved many cases at once: complete their steps in the same
    transaction, so the next step (e.g. the commune's decision) appears in its queue."""
    services.complete_steps(list(cases), step=step, actor=actor)
