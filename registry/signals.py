"""Registry events for upper floors the registry must not know about (e.g. the workflow's claimed steps)."""

from django.dispatch import Signal

# Sent inside end_role_assignment's transaction: assignment (ended), actor, reason.
role_assignment_ended = Signal()
