"""Evaluating a score sheet: points with thresholds, or pass/fail indicators with levels."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fastpath.compiled import CompiledQuery

from .models import CriteriaSet, CriteriaSetAdoption, CriterionItem, ScoringMode


@dataclass
class CriterionResult:
    code: str
    points: Decimal
    max_points: Decimal
    minimum: Decimal
    passed: bool


@dataclass
class Evaluation:
    total: Decimal | None
    threshold: Decimal | None
    passed: bool
    level: int | None
    criteria: list[CriterionResult] = field(default_factory=list)
    shortfalls: list[str] = field(default_factory=list)


def clean_values(criteria_set: CriteriaSet, raw: Mapping[int, object], *, items=None) -> dict[int, object]:
    """Validate raw values per item id: points within [0, max], booleans for indicators, no foreign items.

    Raises ValidationError with a message per offending item (keyed by item id).
    """
    items = items if items is not None else items_of(criteria_set.pk)
    by_id = {item.pk: item for item in items}
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, object] = {}
    for item_id, value in raw.items():
        item = by_id.get(int(item_id))
        if item is None:
            errors.setdefault("__all__", []).append(
                _("The criterion item is not part of the case's criteria set.")
            )
            continue
        if item.is_points:
            try:
                points = Decimal(str(value))
            except (InvalidOperation, ValueError):
                errors[str(item.pk)] = [_("Points must be a number.")]
                continue
            if not points.is_finite() or points < 0:
                errors[str(item.pk)] = [_("Points cannot be negative.")]
            elif points > item.max_points:
                errors[str(item.pk)] = [
                    _("%(points)s points exceed the maximum of %(max)s for item %(code)s.")
                    % {"points": points, "max": item.max_points, "code": item.code}
                ]
            else:
                cleaned[item.pk] = points
        else:
            if not isinstance(value, bool):
                errors[str(item.pk)] = [_("This indicator only accepts pass or fail.")]
            else:
                cleaned[item.pk] = value
    missing = [
        item.code for item in items if item.required and item.pk not in cleaned and str(item.pk) not in errors
    ]
    if missing:
        errors.setdefault("__all__", []).append(
            _("Required items not yet scored: %(codes)s.") % {"codes": ", ".join(missing)}
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def evaluate(
    criteria_set: CriteriaSet, values: Mapping[int, object], *, area_class: str, items=None
) -> Evaluation:
    items = items if items is not None else items_of(criteria_set.pk)
    if criteria_set.scoring_mode == ScoringMode.PASS_FAIL:
        return _evaluate_indicators(items, values)
    return _evaluate_points(criteria_set, items, values, area_class)


def items_of(criteria_set_id: int) -> list:
    """The items of a criteria set with their criteria (one query), as scoring needs them."""
    return _ITEMS.all(criteria_set_id)


def criteria_set(criteria_set_id: int) -> CriteriaSet:
    """The criteria set, as `case.criteria_set` reads it (one query, compiled once: every score sheet)."""
    return _SET.all(criteria_set_id)[0]


def province_path(unit_path: str) -> str:
    """The path of the province a unit path lies in ("/24/24-07627/" -> "/24/")."""
    return "/" + unit_path.strip("/").split("/")[0] + "/"


def ensure_adopted(criteria_set: CriteriaSet, *, unit_path: str, year: int) -> None:
    """Refuse to score against a set the case's province has not adopted for the year (its own decision)."""
    if is_adopted(criteria_set.pk, unit_path=unit_path, year=year):
        return
    from registry.models import AdministrativeUnit

    province = AdministrativeUnit.objects.filter(path=province_path(unit_path)).first()
    raise ValidationError(
        _(
            "The criteria set “%(set)s” has not been adopted by %(province)s for %(year)s, so cases "
            "cannot be scored against it yet. A province administrator adopts it, with the number of the "
            "province's decision, under Criteria set adoptions."
        )
        % {"set": criteria_set, "province": province or unit_path, "year": year}
    )


def is_adopted(criteria_set_id: int, *, unit_path: str, year: int) -> bool:
    """Whether the province of the unit path adopted the set for the year."""
    return (year,) in _ADOPTED_YEARS.all(criteria_set_id, province_path(unit_path))


# compiled once (fastpath.compiled): every score sheet saved reads them
_ITEMS = CompiledQuery(
    lambda pk: CriterionItem.objects.filter(criterion__criteria_set_id=pk).select_related("criterion"),
    kinds=[int],
)
_SET = CompiledQuery(lambda pk: CriteriaSet.objects.filter(pk=pk), kinds=[int])
# the years a province adopted the set for (a year marker would be out of the small integer's range)
_ADOPTED_YEARS = CompiledQuery(
    lambda pk, path: CriteriaSetAdoption.objects.filter(criteria_set_id=pk, province__path=path).values_list(
        "year"
    ),
    kinds=[int, str],
)


def _evaluate_points(criteria_set, items, values, area_class) -> Evaluation:
    share = criteria_set.min_criterion_share / Decimal(100)
    per_criterion: dict[int, CriterionResult] = {}
    for item in items:
        crit = item.criterion
        result = per_criterion.setdefault(
            crit.pk, CriterionResult(crit.code, Decimal(0), Decimal(0), Decimal(0), False)
        )
        result.max_points += item.max_points or 0
        result.points += Decimal(values.get(item.pk) or 0)
    shortfalls = []
    for result in per_criterion.values():
        result.minimum = (result.max_points * share).quantize(Decimal("0.01"))
        result.passed = result.points >= result.minimum
        if not result.passed:
            shortfalls.append(
                _("Criterion %(code)s scored %(points)s/%(max)s points, below the minimum of %(min)s.")
                % {
                    "code": result.code,
                    "points": result.points,
                    "max": result.max_points,
                    "min": result.minimum,
                }
            )
    total = sum((r.points for r in per_criterion.values()), Decimal(0))
    threshold = criteria_set.threshold_for(area_class)
    if threshold is not None and total < threshold:
        shortfalls.append(
            _("Total score %(total)s is below the pass threshold of %(threshold)s.")
            % {"total": total, "threshold": threshold}
        )
    return Evaluation(total, threshold, not shortfalls, None, list(per_criterion.values()), shortfalls)


def _evaluate_indicators(items, values) -> Evaluation:
    levels = sorted({item.level or 1 for item in items})
    achieved = None
    for level in levels:
        needed = [i for i in items if (i.level or 1) <= level]
        if all(values.get(i.pk) is True for i in needed):
            achieved = level
        else:
            break
    failed = [i.code for i in items if (i.level or 1) == 1 and values.get(i.pk) is not True]
    shortfalls = (
        [_("Level 1 indicators not met: %(codes)s.") % {"codes": ", ".join(failed)}] if failed else []
    )
    return Evaluation(None, None, achieved is not None, achieved, [], shortfalls)
