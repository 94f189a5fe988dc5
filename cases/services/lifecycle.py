"""One service per transition of the case lifecycle."""

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from criteria.scoring import clean_values, criteria_set, evaluate, items_of
from fastpath.compiled import CompiledQuery
from registry.models import Subject

from ..models import Case, EvidenceFile, Score
from ._common import apply_transition, require_reason


def complete_evidence_collection(case: Case, *, actor, note: str = "") -> Case:
    """The officer declares the evidence complete; every required evidence requirement must have a file."""

    def prepare(locked: Case, data: dict) -> list[str]:
        missing = missing_evidence(locked)
        if missing:
            raise ValidationError(
                _("Required evidence is missing for items: %(codes)s.") % {"codes": ", ".join(missing)}
            )
        return []

    return apply_transition(
        case,
        actor=actor,
        action="collect_evidence",
        method="collect_evidence",
        label=_("Complete evidence collection"),
        event_type="case.evidence_collected",
        reason=note,
        prepare=prepare,
    )


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
) -> Case:
    """Record the assessor's score sheet against the pinned criteria set; the case moves to SCORED."""
    comments = comments or {}

    def prepare(locked: Case, result: dict) -> list[str]:
        items = items_of(locked.criteria_set_id)
        locked.criteria_set = criteria_set(locked.criteria_set_id)
        cleaned = clean_values(locked.criteria_set, values, items=items)
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
        result["after"] = {
            "scores": {item.code: _plain(cleaned[item.pk]) for item in items if item.pk in cleaned},
            "total": evaluation.total,
            "threshold": evaluation.threshold,
            "meets_criteria": evaluation.passed,
            "level": evaluation.level,
            "shortfalls": evaluation.shortfalls,
        }
        return ["total_score", "level", "meets_criteria"]

    return apply_transition(
        case,
        actor=actor,
        action="score",
        method="record_score",
        label=_("Score"),
        event_type="case.scored",
        reason=note,
        prepare=prepare,
    )


# compiled once (fastpath.compiled): every score sheet saved reads them
_AREA_CLASS = CompiledQuery(lambda pk: Subject.objects.filter(pk=pk).values_list("area_class"), kinds=[int])
_SCORES = CompiledQuery(lambda case_id: Score.objects.filter(case_id=case_id), kinds=[int])


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


def _score_value(score: Score):
    return str(score.points) if score.points is not None else score.passed


def review_in_village(case: Case, *, proposed: bool, actor, reason: str = "") -> Case:
    """The village meeting's result for one case: proposed for recognition, or not (with a reason)."""
    if not proposed:
        reason = require_reason(reason)
        return apply_transition(
            case,
            actor=actor,
            action="review_in_village",
            method="reject_in_village",
            label=_("Village review"),
            event_type="case.not_proposed",
            reason=reason,
            prepare=lambda c, d: _set_reason(c, reason),
        )

    def prepare(locked: Case, data: dict) -> list[str]:
        if not locked.meets_criteria:
            raise ValidationError(
                _("Case %(ref)s does not meet the criteria, so it cannot be proposed for recognition.")
                % {"ref": locked.reference}
            )
        return []

    return apply_transition(
        case,
        actor=actor,
        action="review_in_village",
        method="propose_in_village",
        label=_("Village review"),
        event_type="case.proposed",
        reason=reason,
        prepare=prepare,
    )


def decide_in_commune(
    case: Case,
    *,
    recognised: bool,
    actor,
    decision_reference: str = "",
    decision_date: datetime.date | None = None,
    reason: str = "",
) -> Case:
    """The commune chairman's decision on one case: recognised under a decision, or refused with a reason."""
    decision_reference = (decision_reference or "").strip()
    if not decision_reference:
        raise ValidationError({"decision_reference": _("A decision number is required.")})
    if decision_date is None:
        raise ValidationError({"decision_date": _("A decision date is required.")})
    if not recognised:
        reason = require_reason(reason)

    def prepare(locked: Case, data: dict) -> list[str]:
        locked.decision_reference = decision_reference
        locked.decision_date = decision_date
        changed = ["decision_reference", "decision_date"]
        if not recognised:
            changed += _set_reason(locked, reason)
        return changed

    return apply_transition(
        case,
        actor=actor,
        action="decide",
        method="recognise" if recognised else "refuse",
        label=_("Commune decision"),
        event_type="case.recognised" if recognised else "case.refused",
        reason=reason,
        prepare=prepare,
        data={"decision_reference": decision_reference, "decision_date": decision_date},
    )


def audit_in_district(case: Case, *, actor, note: str = "") -> Case:
    """The audit above the commune confirms the recognition of one case."""
    return apply_transition(
        case,
        actor=actor,
        action="audit",
        method="confirm_audit",
        label=_("Post-decision audit"),
        event_type="case.audit_confirmed",
        reason=note,
    )


def revoke_case(case: Case, *, actor, reason: str) -> Case:
    """An audit finding revokes a recognition; the decision itself stays as issued."""
    reason = require_reason(reason)
    return apply_transition(
        case,
        actor=actor,
        action="revoke",
        method="revoke",
        label=_("Revoke recognition"),
        event_type="case.revoked",
        reason=reason,
        prepare=lambda c, d: _set_reason(c, reason),
    )


def return_for_rework(case: Case, *, actor, reason: str) -> Case:
    """Send a case back to evidence collection, saying what must be fixed."""
    reason = require_reason(reason)
    return apply_transition(
        case,
        actor=actor,
        action="return_for_rework",
        method="return_for_rework",
        label=_("Return for rework"),
        event_type="case.returned",
        reason=reason,
        prepare=lambda c, d: _set_reason(c, reason),
    )


def withdraw_case(case: Case, *, actor, reason: str) -> Case:
    """Withdraw an open case at the subject's or the nominating body's request."""
    reason = require_reason(reason)
    return apply_transition(
        case,
        actor=actor,
        action="withdraw",
        method="withdraw",
        label=_("Withdraw case"),
        event_type="case.withdrawn",
        reason=reason,
        prepare=lambda c, d: _set_reason(c, reason),
    )


def _set_reason(case: Case, reason: str) -> list[str]:
    case.outcome_reason = reason
    return ["outcome_reason"]
