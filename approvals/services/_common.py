"""What every batch service shares: validation that names each case, and the batch's own audit events."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from audit.services import record_event
from cases.exceptions import CaseActionError

# Called with the cases a collective step moved, inside its transaction: the workflow completes their steps
# (workflows.collective), explicitly, where a signal used to.
OnMoved = Callable[[list], object]


class BatchRefused(CaseActionError):
    """A batch step refused as a whole; `problems` names every case that stopped it."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []

    def __str__(self):
        return " ".join([self.message, *self.problems])


def refuse_if(problems: list[str], message: str) -> None:
    if problems:
        raise BatchRefused(message, problems)


def move_all(apply: Callable[[], list]) -> list:
    """Run a collective case service (cases.services.*_many_*); a case that may not move stops the batch,
    and the refusal says which case it was."""
    try:
        return apply()
    except CaseActionError as exc:
        raise BatchRefused(_("Nothing was changed."), [exc.message]) from exc


def audit_batch(
    owner, event_type: str, *, actor, data: dict, reason: str = "", role: str = "", unit: str = ""
):
    """An event of a session, decision or audit, on its own stream and scoped to its unit."""
    return record_event(
        owner.stream,
        event_type,
        actor=actor,
        data=data,
        reason=reason,
        role=role,
        unit=unit,
        scope=owner.unit_path,
    )


def deny(message: str):
    raise PermissionDenied(message)
