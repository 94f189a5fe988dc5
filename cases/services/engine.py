"""The one path every change of a case's state takes, for one case or many: lock, permission, FSM transition,
write, one audit event per case, notifications on commit.

A one-case service is a batch of one (move_case); a collective step (a village meeting, a commune decision,
an audit) moves hundreds of cases with move_cases, all or nothing. Either way each case gets its row locked,
the actor's permission checked, the transition's validation and guards applied (the FSM decorators on Case
stay the only table of moves), one audit event, and the notification queued on commit; the rows are locked,
written and audited in a few statements however many cases there are.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import EventSpec, record_events
from fastpath.bulk import update_rows

from ..events import QUEUED_EVENTS
from ..exceptions import CaseActionError, InvalidTransition
from ..lists import lists_holding
from ..models import Case
from ..transitions import CaseTransition
from ._common import ensure_grant, require_reason


class CaseRefused(CaseActionError):
    """One case of a batch could not move; the message names the case."""


@dataclass(frozen=True)
class Move:
    """One case's part of a change: the transition to fire, its reason, outcome fields and audit data."""

    case_id: int
    transition: CaseTransition
    reason: str = ""
    fields: Mapping[str, Any] = field(default_factory=dict)
    data: Mapping[str, Any] = field(default_factory=dict)
    # validation against the locked row, after the state and permission checks: may raise ValidationError,
    # set outcome fields and add to the audit data; returns the names of the fields it changed
    prepare: Callable[[Case, dict], Iterable[str]] | None = None


def move_case(move: Move, *, actor, held: Case | None = None) -> Case:
    """Fire one transition on one case: the batch of one. Refusals are raised as they are (PermissionDenied,
    ValidationError, InvalidTransition), for the page to show next to the field.

    `held`: the case's row, which the caller has locked (with its unit) inside its own atomic block, which
    fails as a whole (a workflow step locks process, task and case in one statement). The service then works
    on that instance and opens no savepoint of its own.
    """
    return _apply([move], actor=actor, held=held, named=False)[0]


def move_cases(moves: Sequence[Move], *, actor, held: Case | None = None) -> list[Case]:
    """Fire one transition on each of many cases, all or nothing, in the caller's transaction: the first case
    that may not move (state, permission, validation) raises — CaseRefused or InvalidTransition naming that
    case — before anything is written. Returns the moved cases in the order of `moves`, units loaded."""
    return _apply(moves, actor=actor, held=held, named=True)


def _apply(moves: Sequence[Move], *, actor, held: Case | None, named: bool) -> list[Case]:
    if not moves:
        return []
    moves = [_with_reason(move, named) for move in moves]
    if held is not None and not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError("a held case needs the caller's atomic block")
    with transaction.atomic(savepoint=held is None):
        locked = _locked([m.case_id for m in moves], held)
        if not named:
            _refuse_if_listed(locked[moves[0].case_id])
        now = timezone.now()
        changed: set[str] = set()
        moved, events = [], []
        for move in moves:
            case = locked[move.case_id]
            before = case.state
            audit_data = {"from": before, **move.data}
            try:
                grant = _checked(case, move, actor=actor, audit_data=audit_data, changed=changed)
            except (ValidationError, PermissionDenied) as exc:
                if not named:
                    raise
                raise _refused(case.reference, exc) from exc
            getattr(case, move.transition.method)()
            case.updated_at = now
            moved.append(case)
            events.append(
                EventSpec(
                    case.stream,
                    move.transition.event_type,
                    actor=actor,
                    data={**audit_data, "to": case.state},
                    reason=move.reason,
                    role=grant.role,
                    unit=grant.unit_code,
                    scope=case.unit_path,
                )
            )
        _write(moved, ["state", "updated_at", *sorted(changed)])
        written = record_events(events, returning=True)
        ids = [e.pk for e in written if e.event_type in QUEUED_EVENTS]
        if ids:  # the other events notify nobody: no task to queue
            transaction.on_commit(lambda: _notify(ids))
    return moved


def _refuse_if_listed(case: Case) -> None:
    """A case on an open list (a meeting's, a draft decision's) moves only with that list (cases.lists): a
    one-case action on it is refused, naming the list, until the list ends or drops the case."""
    on = lists_holding([case.pk]).get(case.pk)
    if on is not None:
        raise ValidationError(
            _(
                "Case %(ref)s is on the list of %(list)s: it is decided there. Drop it from that list first "
                "to act on it alone."
            )
            % {"ref": case.reference, "list": on}
        )


def _with_reason(move: Move, named: bool) -> Move:
    """A transition that needs a reason is refused without one, before anything is locked."""
    if not move.transition.needs_reason:
        return move
    try:
        reason = require_reason(move.reason)
    except ValidationError as exc:
        if not named:
            raise
        ref = Case.objects.filter(pk=move.case_id).values_list("reference", flat=True).first()
        raise _refused(ref, exc) from exc
    return Move(
        move.case_id,
        move.transition,
        reason=reason,
        fields={**move.fields, "outcome_reason": reason},
        data=move.data,
        prepare=move.prepare,
    )


def _refused(reference: str, exc: ValidationError | PermissionDenied) -> CaseRefused:
    detail = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    return CaseRefused(_("Case %(ref)s: %(error)s") % {"ref": reference, "error": detail})


def _checked(case: Case, move: Move, *, actor, audit_data: dict, changed: set[str]):
    """The checks on one locked case, in order: permission, state, the move's validation, the transition's
    guards; the outcome fields set on the way. Returns the authorising grant."""
    transition = move.transition
    grant = ensure_grant(actor, transition.action, case)
    if not transition.allowed(case, check_conditions=False):
        raise InvalidTransition.for_case(case, transition.label)
    for name, value in move.fields.items():
        setattr(case, name, value)
    changed.update(move.fields)
    if move.prepare is not None:
        changed.update(move.prepare(case, audit_data))
    guard = transition.failed_guard(case)
    if guard is not None:
        if hasattr(guard, "refusal"):
            raise ValidationError(guard.refusal(case))
        raise InvalidTransition.for_case(case, transition.label)
    return grant


def _locked(ids: list[int], held: Case | None) -> dict[int, Case]:
    """The cases' rows locked, with their units; one statement, in primary-key order so two batches over the
    same cases queue (none for the single case whose row the caller holds)."""
    if held is not None:
        if set(ids) != {held.pk}:
            raise ValueError("a held case is moved alone")
        return {held.pk: held}
    rows = (
        Case.objects.select_for_update(of=("self",)).select_related("unit").filter(pk__in=ids).order_by("pk")
    )
    return {c.pk: c for c in rows}


def _write(cases: list[Case], fields: list[str]) -> None:
    """Write the fields of the cases in one statement (fastpath.bulk.update_rows: bulk_update builds a CASE
    WHEN per row and field, which for 1,000 cases cost more than everything else the batch does)."""
    columns = [Case._meta.get_field(name) for name in fields]
    rows = [
        (case.pk, *(c.get_db_prep_save(getattr(case, c.attname), connection) for c in columns))
        for case in cases
    ]
    updated = update_rows(Case, "id", fields, rows)
    if updated != len(cases):
        raise AssertionError(f"{updated} of {len(cases)} locked cases updated")


def _notify(event_ids: list[int]) -> None:
    from ..tasks import notify_case_events

    notify_case_events.delay(event_ids)
