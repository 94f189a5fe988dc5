"""Reads of cases, always scoped to the units the user holds a role on."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from audit.services import events_for
from registry.models import AdministrativeUnit, HouseholdMember
from registry.selectors import path_q, scope_paths
from registry.text import fold

from .models import RECOGNISED_FILTER, RECOGNISED_STATES, Case, CaseState, EvidenceFile


def visible_cases(user) -> QuerySet[Case]:
    """Every case in the subtrees of the user's active role grants (superusers see all)."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    if user.is_superuser:
        return Case.objects.all()
    return Case.objects.filter(path_q(scope_paths(user), field="unit_path", unit_field="unit"))


def cases_for(
    user, *, q: str = "", state: str = "", year: int | None = None, title: str = "", unit_path: str = ""
) -> QuerySet[Case]:
    """The user's case list with filters; joins for the list columns are already made. `state` may be
    RECOGNISED_FILTER: both recognised states."""
    qs = visible_cases(user).select_related("subject", "unit", "title_type")
    if q:
        folded = fold(q)
        qs = qs.filter(Q(reference__icontains=q.strip()) | Q(subject__name_folded__contains=folded))
    if state == RECOGNISED_FILTER:
        qs = qs.filter(state__in=RECOGNISED_STATES)
    elif state:
        qs = qs.filter(state=state)
    if year:
        qs = qs.filter(year=year)
    if title:
        qs = qs.filter(title_type__code=title)
    if unit_path:
        qs = qs.filter(unit_path__startswith=unit_path)
    return qs.order_by("-updated_at", "-pk")


def get_case_for(user, pk: int) -> Case:
    """One case the user may see, or 404 (outsiders cannot tell a hidden case from a missing one)."""
    case = (
        visible_cases(user)
        .select_related("subject__household", "unit", "title_type", "criteria_set", "nominated_by")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    return case


def filter_unit(code: str) -> AdministrativeUnit | None:
    """The unit a case list is narrowed to (by its code), with what the filter needs: its name and path."""
    return AdministrativeUnit.objects.filter(code=code).only("name", "path").first()


def unit_names(codes) -> dict[str, str]:
    """code -> name of the units with these codes (the units events were recorded under), in one query."""
    return dict(AdministrativeUnit.objects.filter(code__in=set(codes)).values_list("code", "name"))


def case_events(case: Case) -> list:
    """The case's audit events, in order, with their actors."""
    return list(events_for(case.stream))


def household_members(case: Case) -> list[HouseholdMember]:
    """The members of the household a case is about (personal data: the caller records the access)."""
    return list(case.subject.household.members.all())


def get_evidence_of(case: Case, pk: int) -> EvidenceFile:
    """One evidence file of the case (withdrawn ones too), or 404."""
    return get_object_or_404(EvidenceFile, pk=pk, case=case)


def active_evidence_count(case: Case) -> int:
    """How many of the case's evidence files have not been withdrawn."""
    return case.evidence.filter(removed_at__isnull=True).count()


def live_case_for(user, *, subject, title_type, year: int) -> Case | None:
    """The case the user can see for this subject, title and year that was not withdrawn, if any."""
    return (
        visible_cases(user)
        .filter(subject=subject, title_type=title_type, year=year)
        .exclude(state=CaseState.WITHDRAWN)
        .first()
    )


def evidence_for(case: Case):
    return case.evidence.select_related("item__criterion", "uploaded_by", "removed_by").order_by(
        "item__criterion__order", "item__order", "uploaded_at"
    )


def scores_by_item(case: Case) -> dict:
    """The case's scores keyed by criterion item id."""
    return {s.item_id: s for s in case.scores.all()}


def score_sheet(case: Case) -> list[dict]:
    """The pinned criteria set with this case's scores, grouped by criterion, in one query.

    Each row is {"item": CriterionItem, "score": ScoreRow | None}; the score fields come from correlated
    subqueries on the item rows rather than a second query over Score.
    """
    from criteria.models import CriterionItem

    from .models import Score

    mine = Score.objects.filter(case_id=case.pk, item_id=OuterRef("pk"))
    items = (
        CriterionItem.objects.filter(criterion__criteria_set_id=case.criteria_set_id)
        .select_related("criterion")
        .annotate(
            scored=Exists(mine),
            score_points=Subquery(mine.values("points")[:1]),
            score_passed=Subquery(mine.values("passed")[:1]),
            score_comment=Subquery(mine.values("comment")[:1]),
        )
        .order_by("criterion__order", "criterion__pk", "order", "pk")
    )
    sheet: list[dict] = []
    for item in items:
        if not sheet or sheet[-1]["criterion"].pk != item.criterion_id:
            sheet.append({"criterion": item.criterion, "items": []})
        score = (
            ScoreRow(item.score_points, item.score_passed, item.score_comment or "") if item.scored else None
        )
        sheet[-1]["items"].append({"item": item, "score": score})
    return sheet


@dataclass(frozen=True)
class ScoreRow:
    points: Decimal | None
    passed: bool | None
    comment: str
