"""Listener: when a role ends (registry, which knows nothing of workflows), its holder's claimed steps go back
to the queue — at once when its last day is today or past, otherwise in the nightly sweep after that day."""

from django.dispatch import receiver

from registry.models import RoleAssignment
from registry.signals import role_assignment_ended

from .roles import return_steps_of_ended_role


@receiver(role_assignment_ended, dispatch_uid="workflows.return_claimed_steps")
def return_claimed_steps_on_role_end(sender, assignment: RoleAssignment, actor, reason: str, **kwargs):
    return_steps_of_ended_role(assignment, actor=actor, reason=reason)
