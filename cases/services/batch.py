"""The collective forms of the lifecycle services: many cases through the engine at once, each with exactly
the move its one-case service makes (the moves are built by the same functions)."""

from collections.abc import Collection, Mapping, Sequence

from ..models import Case
from .engine import move_cases
from .lifecycle import audit_move, decision_move, decision_of, review_move


def review_many_in_village(results: Sequence[tuple[Case, bool, str]], *, actor) -> list[Case]:
    """The village meeting's results, (case, proposed, reason if not proposed) each: review_in_village for
    every case at once."""
    moves = [review_move(case, proposed, reason) for case, proposed, reason in results]
    return move_cases(moves, actor=actor)


def decide_many_in_commune(
    outcomes: Sequence[tuple[Case, bool, str]],
    *,
    actor,
    decision_reference: str,
    decision_date,
    held: Case | None = None,
) -> list[Case]:
    """The commune decision on many cases, (case, recognised, reason if refused) each: decide_in_commune for
    every case at once, under one decision number and date."""
    decision = decision_of(decision_reference, decision_date)
    moves = [decision_move(case, recognised, reason, decision) for case, recognised, reason in outcomes]
    return move_cases(moves, actor=actor, held=held)


def settle_audited(
    cases: Sequence[Case],
    *,
    actor,
    revoked: Mapping[int, str],
    note: str = "",
    unsampled: Collection[int] = (),
) -> list[Case]:
    """The close of an audit: audit_in_district for every checked case, revoke_case (with the reason) for
    those in `revoked` ({case id: reason}), and a close without a check for the `unsampled` case ids."""
    moves = [
        audit_move(
            case,
            revoked=case.pk in revoked,
            reason=revoked.get(case.pk, note),
            sampled=case.pk not in unsampled,
        )
        for case in cases
    ]
    return move_cases(moves, actor=actor)
