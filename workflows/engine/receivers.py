"""Listener: when a role ends (registry, which knows nothing of workflows), its holder's claimed steps go back
to the queue."""

import datetime

from django.dispatch import receiver
from django.utils.translation import gettext as _

from cases.permissions import roles_for
from registry.models import RoleAssignment
from registry.signals import role_assignment_ended

from . import steps as services


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
        roles = roles_for(task.flow_task.action, task.case.unit.level)
        return any(role in roles and task.case.unit_path.startswith(path) for role, path in remaining)

    services.return_claimed_steps(
        assignment.user,
        unit_path=assignment.unit.path,
        keep=keep,
        actor=actor,
        reason=_("Role ended: %(reason)s") % {"reason": reason},
    )
