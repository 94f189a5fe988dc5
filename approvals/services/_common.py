"""What every batch service shares: validation that names each case, and the batch's own audit events."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from audit.services import record_event
from cases.exceptions import CaseActionError
from cases.models import Case
from cases.transitions import RECOGNISE

# Called with the cases a collective step moved, inside its transaction: the workflow completes their steps
# (workflows.collective), explicitly, where a signal used to.
OnMoved = Callable[[list], object]
# Called with the ids of the cases a collective step may move, before their rows are locked: the workflow
# locks their processes, then their open steps (one lock order: process, task, case; docs/architecture.md).
LockFlow = Callable[[list[int]], object]


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


def lock_cases(case_ids) -> list:
    """The cases' current rows, locked in primary-key order (the order the engine locks them in) until the
    caller's transaction ends: what a new list (a meeting's, a draft decision's) is validated against."""
    return list(Case.objects.select_for_update(of=("self",)).filter(pk__in=list(case_ids)).order_by("pk"))


def required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why: a reason is required."))
    return reason


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


def listable_problems(unit, title_type_id: int, year: int, cases, *, taken, taken_message: str) -> list[str]:
    """Why cases cannot go on a list of `unit` (a proposal, a decision's annex) for one title and year:
    outside the unit, another title or year, not proposed by their village, or already on such a list
    (`taken`: their ids; `taken_message` names that list, e.g. "Case %(ref)s is already on a proposal.")."""
    problems = []
    for case in cases:
        ref = {"ref": case.reference}
        if not case.unit_path.startswith(unit.path):
            problems.append(_("Case %(ref)s is not from %(unit)s.") % {**ref, "unit": unit.name})
        elif case.title_type_id != title_type_id or case.year != year:
            problems.append(_("Case %(ref)s is for another title or year.") % ref)
        elif not RECOGNISE.allowed(case, check_conditions=False):
            problems.append(
                _("Case %(ref)s is not proposed by its village (state “%(state)s”).")
                % {**ref, "state": case.get_state_display()}
            )
        elif case.pk in taken:
            problems.append(taken_message % ref)
    return problems
