"""One service per transition of the case lifecycle, each a move through the engine (cases.services.engine).

The moves are built by the functions below, which the collective services (batch.py) share: what a
review, a decision or an audit does to a case is written once."""

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from criteria.scoring import clean_values, criteria_set, ensure_adopted, evaluate, items_of
from fastpath.compiled import CompiledQuery
from registry.models import Subject

from .. import transitions as T
from ..derived import computed_values
from ..models import Case, EvidenceFile, Score
from .engine import Move, move_case


def complete_evidence_collection(case: Case, *, actor, note: str = "", held: Case | None = None) -> Case:
    """The officer declares the evidence complete; every required evidence requirement must have a file."""

    def prepare(locked: Case, data: dict) -> list[str]:
        missing = missing_evidence(locked)
        if missing:
            raise ValidationError(
                _("Required evidence is missing for items: %(codes)s.") % {"codes": ", ".join(missing)}
            )
        return []

    return move_case(Move(case.pk, T.COLLECT, reason=note, prepare=prepare), actor=actor, held=held)


def missing_evidence(case: Case) -> list[str]:
    """Codes of items with a required evidence requirement and no active file."""
    return [code for (code,) in _MISSING.all(case.criteria_set_id, case.pk)]


def _missing(criteria_set_id: int, case_id: int):
    from criteria.models import CriterionItem

    return (
        CriterionItem.objects.filter(
            criterion__criteria_set_id=criteria_set_id, evidence_requirements__required=True
        )
        .exclude(
            pk__in=EvidenceFile.objects.filter(case_id=case_id, removed_at__isnull=True).values("item_id")
        )
        .distinct()
        .order_by("criterion__order", "order", "pk")
        .values_list("code")
    )


# compiled once (fastpath.compiled): every completion of evidence collection, and its step page, run it
_MISSING = CompiledQuery(_missing, kinds=[int, int])


def score_case(
    case: Case,
    *,
    values: Mapping[int, object],
    actor,
    comments: Mapping[int, str] | None = None,
    note: str = "",
    held: Case | None = None,
    transition: T.CaseTransition = T.SCORE,
) -> Case:
    """Record the assessor's score sheet against the pinned criteria set; the case moves to SCORED.
    (`transition`: T.SELF_ASSESS for a self-assessment the village branch officer enters.)"""
    comments = comments or {}

    def prepare(locked: Case, result: dict) -> list[str]:
        locked.criteria_set = criteria_set(locked.criteria_set_id)
        ensure_adopted(locked.criteria_set, unit_path=locked.unit_path, year=locked.year)
        items = items_of(locked.criteria_set_id)
        # computed items take the system's count, whatever was typed for them
        computed = computed_values(locked, items)
        cleaned = clean_values(
            locked.criteria_set, {**values, **{pk: c.points for pk, c in computed.items()}}, items=items
        )
        [(area_class,)] = _AREA_CLASS.all(locked.subject_id)
        evaluation = evaluate(locked.criteria_set, cleaned, area_class=area_class, items=items)
        existing = {s.item_id: s for s in _SCORES.all(locked.pk)}
        result["before"] = {str(k): _score_value(s) for k, s in existing.items()}
        # one statement for new rows and one for changed rows, however many items the set has
        to_create, to_update = [], []
        for item in items:
            if item.pk not in cleaned:
                continue
            value = cleaned[item.pk]
            score = existing.get(item.pk)
            (to_update if score else to_create).append(score := score or Score(case=locked, item=item))
            score.points = value if item.is_points else None
            score.passed = value if not item.is_points else None
            score.comment = (comments.get(item.pk) or "").strip()
            score.scored_by = actor
            score.scored_at = timezone.now()
        Score.objects.bulk_create(to_create)
        Score.objects.bulk_update(to_update, ["points", "passed", "comment", "scored_by", "scored_at"])
        locked.total_score = evaluation.total
        locked.level = evaluation.level
        locked.meets_criteria = evaluation.passed
        locked.has_computed_scores = bool(computed)
        result["after"] = {
            "scores": {item.code: _plain(cleaned[item.pk]) for item in items if item.pk in cleaned},
            "total": evaluation.total,
            "threshold": evaluation.threshold,
            "meets_criteria": evaluation.passed,
            "level": evaluation.level,
            "shortfalls": evaluation.shortfalls,
            **({"computed": {c.code: c.as_data() for c in computed.values()}} if computed else {}),
        }
        return ["total_score", "level", "meets_criteria", "has_computed_scores"]

    return move_case(Move(case.pk, transition, reason=note, prepare=prepare), actor=actor, held=held)


# compiled once (fastpath.compiled): every score sheet saved reads them
_AREA_CLASS = CompiledQuery(lambda pk: Subject.objects.filter(pk=pk).values_list("area_class"), kinds=[int])
_SCORES = CompiledQuery(lambda case_id: Score.objects.filter(case_id=case_id), kinds=[int])


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


def _score_value(score: Score):
    return str(score.points) if score.points is not None else score.passed


def review_in_village(
    case: Case, *, proposed: bool, actor, reason: str = "", held: Case | None = None
) -> Case:
    """The village meeting's result for one case: proposed for recognition, or not (with a reason)."""
    return move_case(review_move(case, proposed, reason), actor=actor, held=held)


def review_move(case: Case, proposed: bool, reason: str) -> Move:
    """Proposed (the case must meet the criteria: the transition's guard, after the computed items are
    recounted), or not proposed with a reason."""
    if not proposed:
        return Move(case.pk, T.NOT_PROPOSE, reason=reason)
    return Move(case.pk, T.PROPOSE, reason=reason, prepare=recount_computed)


def recount_computed(locked: Case, result: dict) -> list[str]:
    """Count the computed items again when the village reviews the case: households recognised or revoked
    since the scoring change the share, the points and so the result (no query for sheets without them)."""
    if not locked.has_computed_scores:
        return []
    items = items_of(locked.criteria_set_id)
    computed = computed_values(locked, items)
    scores = {s.item_id: s for s in _SCORES.all(locked.pk)}
    changed = [c for pk, c in computed.items() if pk in scores and scores[pk].points != c.points]
    if not changed:
        return []
    for value in changed:
        scores[value.item_id].points = value.points
    Score.objects.bulk_update([scores[c.item_id] for c in changed], ["points"])
    values = {pk: (s.points if s.points is not None else s.passed) for pk, s in scores.items()}
    [(area_class,)] = _AREA_CLASS.all(locked.subject_id)
    evaluation = evaluate(criteria_set(locked.criteria_set_id), values, area_class=area_class, items=items)
    result["recounted"] = {
        "items": {c.code: c.as_data() for c in changed},
        "total": {"from": _plain(locked.total_score), "to": _plain(evaluation.total)},
        "meets_criteria": {"from": locked.meets_criteria, "to": evaluation.passed},
    }
    locked.total_score, locked.level, locked.meets_criteria = (
        evaluation.total,
        evaluation.level,
        evaluation.passed,
    )
    return ["total_score", "level", "meets_criteria"]


def decide_in_commune(
    case: Case,
    *,
    recognised: bool,
    actor,
    decision_reference: str = "",
    decision_date: datetime.date | None = None,
    reason: str = "",
    held: Case | None = None,
) -> Case:
    """The commune chairman's decision on one case: recognised under a decision, or refused with a reason."""
    decision = decision_of(decision_reference, decision_date)
    return move_case(decision_move(case, recognised, reason, decision), actor=actor, held=held)


def decision_of(decision_reference: str, decision_date: datetime.date | None) -> dict:
    """The decision's number and date, both required, as the decided cases record them."""
    decision_reference = (decision_reference or "").strip()
    if not decision_reference:
        raise ValidationError({"decision_reference": _("A decision number is required.")})
    if decision_date is None:
        raise ValidationError({"decision_date": _("A decision date is required.")})
    return {"decision_reference": decision_reference, "decision_date": decision_date}


def decision_move(case: Case, recognised: bool, reason: str, decision: dict) -> Move:
    """Recognised, or refused with a reason, under the decision (decision_of())."""
    return Move(
        case.pk, T.RECOGNISE if recognised else T.REFUSE, reason=reason, fields=decision, data=decision
    )


def audit_in_district(case: Case, *, actor, note: str = "", held: Case | None = None) -> Case:
    """The audit above the commune confirms the recognition of one case."""
    return move_case(audit_move(case, revoked=False, reason=note), actor=actor, held=held)


def revoke_case(case: Case, *, actor, reason: str, held: Case | None = None) -> Case:
    """An audit finding revokes a recognition; the decision itself stays as issued."""
    return move_case(audit_move(case, revoked=True, reason=reason), actor=actor, held=held)


def audit_move(case: Case, *, revoked: bool, reason: str, sampled: bool = True) -> Move:
    """The audit's outcome for one case: checked and confirmed (with a note), revoked with the finding as
    reason, or, for a case outside the sample, closed without a check (never reported as checked)."""
    if revoked:
        return Move(case.pk, T.REVOKE, reason=reason)
    return Move(case.pk, T.CONFIRM_AUDIT if sampled else T.NOT_SAMPLED, reason=reason)


def return_for_rework(case: Case, *, actor, reason: str, held: Case | None = None) -> Case:
    """Send a case back to evidence collection, saying what must be fixed."""
    return move_case(Move(case.pk, T.RETURN, reason=reason), actor=actor, held=held)


def withdraw_case(case: Case, *, actor, reason: str, held: Case | None = None) -> Case:
    """Withdraw an open case at the subject's or the nominating body's request."""
    return move_case(Move(case.pk, T.WITHDRAW, reason=reason), actor=actor, held=held)
