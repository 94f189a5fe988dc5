"""Many cases through one transition each, in one go: the set-based form of apply_transition.

A collective step (a village meeting, a commune decision, an audit) moves hundreds of cases. Each case gets
exactly what apply_transition gives it — its row locked, the actor's permission checked, the FSM transition
fired (the decorators on Case stay the only table of moves), one audit event, the notification on commit —
but the rows are locked, written and audited in a few statements for the whole batch instead of seven per
case.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from audit.services import EventSpec, record_events
from fastpath.bulk import update_rows

from ..events import NOTIFIED_EVENTS
from ..exceptions import CaseActionError, InvalidTransition
from ..models import Case
from ._common import atomic, ensure_grant, held_case, require_reason


class CaseRefused(CaseActionError):
    """One case of a batch could not move; the message names the case."""


@dataclass(frozen=True)
class Move:
    """One case's part of a batch: the FSM transition to fire, its audit event and the outcome fields."""

    case_id: int
    action: str  # the permission the actor needs on the case (cases.permissions.ACTION_ROLES)
    method: str  # the FSM transition on Case
    label: str  # the step's name in the refusal message
    event_type: str
    reason: str = ""
    fields: Mapping[str, Any] = field(default_factory=dict)
    data: Mapping[str, Any] = field(default_factory=dict)
    # validation against the locked row (raises ValidationError), as apply_transition's `prepare`
    check: Callable[[Case], None] | None = None


def apply_transitions(moves: Sequence[Move], *, actor) -> list[Case]:
    """Fire one FSM transition on each of many freshly locked cases and write one audit event per case.

    All or nothing, in the caller's transaction: the first case that may not move (state, permission,
    validation) raises — CaseActionError naming that case — before anything is written. Returns the moved
    cases in the order of `moves`, with their units loaded.
    """
    if not moves:
        return []
    with atomic():
        locked = _locked([m.case_id for m in moves])
        now = timezone.now()
        changed: set[str] = set()
        moved, events = [], []
        for move in moves:
            case = locked[move.case_id]
            grant = _checked(case, move, actor=actor)
            before = case.state
            for name, value in move.fields.items():
                setattr(case, name, value)
            getattr(case, move.method)()
            case.updated_at = now
            changed.update(move.fields)
            moved.append(case)
            events.append(
                EventSpec(
                    case.stream,
                    move.event_type,
                    actor=actor,
                    data={"from": before, **move.data, "to": case.state},
                    reason=move.reason,
                    role=grant.role,
                    unit=grant.unit_code,
                    scope=case.unit_path,
                )
            )
        _write(moved, ["state", "updated_at", *sorted(changed)])
        written = record_events(events, returning=True)
        ids = [e.pk for e in written if e.event_type in NOTIFIED_EVENTS]
        if ids:  # the other events notify nobody: no task to queue
            transaction.on_commit(lambda: _notify(ids))
    return moved


def _locked(ids: list[int]) -> dict[int, Case]:
    """The cases' rows locked, with their units; one statement, in primary-key order so two batches over the
    same cases queue (none for a single case whose row the caller holds, see holding())."""
    held = held_case(ids[0]) if len(set(ids)) == 1 else None
    if held is not None:
        return {held.pk: held}
    rows = (
        Case.objects.select_for_update(of=("self",)).select_related("unit").filter(pk__in=ids).order_by("pk")
    )
    return {c.pk: c for c in rows}


def _write(cases: list[Case], fields: list[str]) -> None:
    """Write the fields of many cases in one statement (fastpath.bulk.update_rows: bulk_update builds a CASE
    WHEN per row and field, which for 1,000 cases cost more than everything else the batch does)."""
    columns = [Case._meta.get_field(name) for name in fields]
    rows = [
        (case.pk, *(c.get_db_prep_save(getattr(case, c.attname), connection) for c in columns))
        for case in cases
    ]
    updated = update_rows(Case, "id", fields, rows)
    if updated != len(cases):
        raise AssertionError(f"{updated} of {len(cases)} locked cases updated")


def _checked(case: Case, move: Move, *, actor):
    """The checks apply_transition makes on one locked case; returns the authorising grant."""
    try:
        grant = ensure_grant(actor, move.action, case)
        transition = getattr(case, move.method)
        if not can_proceed(transition, check_conditions=False):
            raise InvalidTransition.for_case(case, move.label)
        if move.check is not None:
            move.check(case)
        if not can_proceed(transition):
            raise InvalidTransition.for_case(case, move.label)
    except (ValidationError, PermissionDenied) as exc:
        detail = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        raise CaseRefused(_("Case %(ref)s: %(error)s") % {"ref": case.reference, "error": detail}) from exc
    return grant


def _notify(event_ids: list[int]) -> None:
    from ..tasks import notify_case_events

    notify_case_events.delay(event_ids)


# --- collective forms of the lifecycle services: the same events, reasons and fields as the one-case ones ---


def review_many_in_village(results: Sequence[tuple[Case, bool, str]], *, actor) -> list[Case]:
    """The village meeting's results, (case, proposed, reason if not proposed) each: review_in_village for
    every case at once."""

    def meets_criteria(locked: Case) -> None:
        if not locked.meets_criteria:
            raise ValidationError(
                _("Case %(ref)s does not meet the criteria, so it cannot be proposed for recognition.")
                % {"ref": locked.reference}
            )

    step = {"action": "review_in_village", "label": _("Village review")}
    moves = []
    for case, proposed, reason in results:
        if proposed:
            move = Move(
                case.pk,
                **step,
                method="propose_in_village",
                event_type="case.proposed",
                reason=reason,
                check=meets_criteria,
            )
        else:
            reason = _reason_of(case, reason)
            move = Move(
                case.pk,
                **step,
                method="reject_in_village",
                event_type="case.not_proposed",
                reason=reason,
                fields={"outcome_reason": reason},
            )
        moves.append(move)
    return apply_transitions(moves, actor=actor)


def decide_many_in_commune(
    outcomes: Sequence[tuple[Case, bool, str]], *, actor, decision_reference: str, decision_date
) -> list[Case]:
    """The commune decision on many cases, (case, recognised, reason if refused) each: decide_in_commune for
    every case at once, under one decision number and date."""
    decision_reference = (decision_reference or "").strip()
    if not decision_reference:
        raise ValidationError({"decision_reference": _("A decision number is required.")})
    if decision_date is None:
        raise ValidationError({"decision_date": _("A decision date is required.")})
    data = {"decision_reference": decision_reference, "decision_date": decision_date}
    step = {"action": "decide", "label": _("Commune decision"), "data": data}
    moves = []
    for case, recognised, reason in outcomes:
        fields: dict[str, Any] = {"decision_reference": decision_reference, "decision_date": decision_date}
        if recognised:
            move = Move(
                case.pk,
                **step,
                method="recognise",
                event_type="case.recognised",
                reason=reason,
                fields=fields,
            )
        else:
            reason = _reason_of(case, reason)
            fields["outcome_reason"] = reason
            move = Move(
                case.pk, **step, method="refuse", event_type="case.refused", reason=reason, fields=fields
            )
        moves.append(move)
    return apply_transitions(moves, actor=actor)


def settle_audited(cases: Sequence[Case], *, actor, revoked: Mapping[int, str], note: str = "") -> list[Case]:
    """The close of an audit: audit_in_district for every case, except revoke_case (with the reason) for
    those in `revoked` ({case id: reason})."""
    moves = []
    for case in cases:
        if case.pk in revoked:
            reason = _reason_of(case, revoked[case.pk])
            move = Move(
                case.pk,
                action="revoke",
                method="revoke",
                label=_("Revoke recognition"),
                event_type="case.revoked",
                reason=reason,
                fields={"outcome_reason": reason},
            )
        else:
            move = Move(
                case.pk,
                action="audit",
                method="confirm_audit",
                label=_("Post-decision audit"),
                event_type="case.audit_confirmed",
                reason=note,
            )
        moves.append(move)
    return apply_transitions(moves, actor=actor)


def _reason_of(case: Case, reason: str) -> str:
    try:
        return require_reason(reason)
    except ValidationError as exc:
        raise CaseRefused(
            _("Case %(ref)s: %(error)s") % {"ref": case.reference, "error": " ".join(exc.messages)}
        ) from exc
