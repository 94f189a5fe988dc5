"""Coverage of a title in a year under one unit: per child unit and in total, against plan targets.

Three aggregate queries whatever the size of the tree — subjects per unit, cases per unit and state,
the targets on the unit's ancestors and subtree — and a roll-up in Python over the unit tree (a province
has a few thousand units, not millions of rows).
"""

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, OuterRef, Subquery, Sum
from django.http import Http404
from django.utils import timezone

from cases.models import RECOGNISED_STATES, Case, CaseState
from criteria.models import (
    CriterionItem,
    PlanTarget,
    Population,
    PopulationFigure,
    ScoringMode,
    TitleType,
    default_population,
)
from registry.models import (
    AdministrativeUnit,
    HouseholdMember,
    Organisation,
    Subject,
    SubjectKind,
    UnitSuccession,
)
from registry.selectors import path_q, scope_paths

# Withdrawn registrations are not registrations; a refusal or revocation still counts as registered.
NOT_REGISTERED_STATES = (CaseState.WITHDRAWN,)
REPORT_DEADLINES = ((11, 15), (12, 15))  # lower levels -> province; province -> ministry and national HKH
POPULATION_FROM_REGISTRY, POPULATION_FROM_FIGURE = "registry", "figure"
ADULT_AGE = 18
# populations counted as the registry's subjects of a kind
POPULATION_KIND = {
    Population.HOUSEHOLDS: SubjectKind.HOUSEHOLD,
    Population.CLANS: SubjectKind.CLAN,
    Population.COMMUNITIES: SubjectKind.COMMUNITY,
    Population.ORGANISATIONS: SubjectKind.ORGANISATION,
    Population.CITIZENS: SubjectKind.PERSON,
}


@dataclass
class CoverageRow:
    unit: AdministrativeUnit
    total: int = 0  # the population the target is a share of
    sources: set[str] = field(default_factory=set)  # where `total` comes from: the registry, entered figures
    registered: int = 0
    recognised: int = 0
    target: Decimal | None = None
    by_state: dict[str, int] = field(default_factory=dict)
    # recognised cases per level achieved (titles scored by pass/fail indicators with levels)
    by_level: dict[int, int] = field(default_factory=dict)
    level_counts: list[int] = field(default_factory=list)  # by_level in the order of Coverage.levels

    @property
    def pct_registered(self) -> Decimal | None:
        return _pct(self.recognised, self.registered)

    @property
    def pct_total(self) -> Decimal | None:
        return _pct(self.recognised, self.total)

    @property
    def gap(self) -> Decimal | None:
        """Percentage points still missing to the target (0 when it is met)."""
        if self.target is None or self.pct_total is None:
            return None
        return max(Decimal(0), self.target - self.pct_total).quantize(Decimal("0.1"))

    @property
    def still_needed(self) -> int | None:
        """Subjects still to be recognised to reach the target."""
        if self.target is None:
            return None
        return max(0, math.ceil(self.target * self.total / 100) - self.recognised)

    @property
    def not_recognised(self) -> int:
        return max(0, self.total - self.recognised)

    @property
    def from_figure(self) -> bool:
        """Whether an entered figure (not the registry) gives all or part of the population."""
        return POPULATION_FROM_FIGURE in self.sources


@dataclass
class Coverage:
    title: TitleType
    year: int
    unit: AdministrativeUnit
    total: CoverageRow
    rows: list[CoverageRow]
    levels: list[int] = field(default_factory=list)  # the title's levels ("mức độ"); empty when it has none
    # the cases filed under the unit's own tree, per state (cases of former units are in `total` only):
    # the case list of the unit shows exactly these
    filed_by_state: dict[str, int] = field(default_factory=dict)
    population: str = ""  # what the percentages are a share of (criteria.models.Population)

    @property
    def population_label(self) -> str:
        return str(Population(self.population).label) if self.population in Population.values else ""

    @property
    def former_unit_cases(self) -> int:
        """Cases counted for this unit that were filed under units gone in a reorganisation."""
        return sum(self.total.by_state.values()) - sum(self.filed_by_state.values())


def _pct(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def coverage_roots(user):
    """The units whose subtrees the user may report on (the top of each of their grants)."""
    if user.is_superuser:
        return list(AdministrativeUnit.objects.filter(parent__isnull=True).order_by("name"))
    return list(AdministrativeUnit.objects.filter(path__in=scope_paths(user)).order_by("path"))


def unit_for(user, code: str) -> AdministrativeUnit:
    """A unit the user may report on, or 404."""
    unit = AdministrativeUnit.objects.filter(code=code).first()
    if unit is None or not (user.is_superuser or any(unit.path.startswith(p) for p in scope_paths(user))):
        raise Http404
    return unit


def coverage(
    unit: AdministrativeUnit, *, title: TitleType, year: int, former=None, resolvers=None
) -> Coverage:
    """Coverage under `unit`, one row per child unit (villages under a commune, communes under a province).

    `former` (former_unit_cases over years including `year`) and `resolvers` (target_resolvers likewise)
    may be passed by a caller that reads several years at once, to spare their queries.
    """
    resolve = (resolvers or target_resolvers(unit, title=title, years=[year]))[year]
    population = resolve.population(unit) or default_population(title.subject_kind)
    # with the figure each unit entered for the year's population, if any (in the same query)
    figure = PopulationFigure.objects.filter(unit=OuterRef("pk"), year=year, population=population)
    subtree = list(
        AdministrativeUnit.objects.filter(path__startswith=unit.path)
        .annotate(population_figure=Subquery(figure.values("count")[:1]))
        .only("pk", "code", "name", "path", "level", "parent_id", "area_class")
    )
    children = sorted((u for u in subtree if u.parent_id == unit.pk), key=lambda u: u.path)
    # every unit of the subtree -> the child row it rolls up into (the unit itself -> the total only)
    depth = unit.path.count("/")
    child_by_path = {c.path: c for c in children}
    row_of: dict[int, CoverageRow | None] = {}
    rows = {c.pk: CoverageRow(c) for c in children}
    for u in subtree:
        prefix = "/".join(u.path.split("/")[: depth + 1]) + "/"
        child = child_by_path.get(prefix)
        row_of[u.pk] = rows[child.pk] if child else None
    total = CoverageRow(unit)

    figures = [(u.path, u.pk, u.population_figure) for u in subtree if u.population_figure is not None]
    counted = population_counts(
        unit, population=population, subject_kind=title.subject_kind, year=year, figures=figures
    )
    for unit_id, n, source in counted:
        total.total += n
        total.sources.add(source)
        if row := row_of.get(unit_id):
            row.total += n
            row.sources.add(source)

    filed: dict[str, int] = defaultdict(int)
    cases = (
        Case.objects.filter(unit_path__startswith=unit.path, year=year, title_type=title)
        .values_list("unit_id", "state", "level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for unit_id, state, level, n in cases:
        _count(state, level, n, total, row_of.get(unit_id))
        filed[state] += n
    if former is None:
        former = former_unit_cases(unit, title=title, years=[year])
    for new_id, case_year, state, level, n in former:
        if case_year == year:
            _count(state, level, n, total, row_of.get(new_id))

    total.target = resolve(unit)
    for row in rows.values():
        row.target = resolve(row.unit)
    levels = title_levels(title)
    for row in (total, *rows.values()):
        row.level_counts = [row.by_level.get(level, 0) for level in levels]
    return Coverage(
        title=title,
        year=year,
        unit=unit,
        total=total,
        rows=[rows[c.pk] for c in children],
        levels=levels,
        filed_by_state=dict(filed),
        population=population,
    )


def population_counts(
    unit, *, population: str, subject_kind: str, year: int, figures
) -> list[tuple[int, int, str]]:
    """(unit id, count, "registry" or "figure") under `unit`: the population counted from the registry,
    except under a unit that entered a figure for the year (`figures`: (unit path, unit id, count)), whose
    figure replaces the registry's count of its whole subtree (the outermost figure wins). One query."""
    covering: list[str] = []
    found = []
    for path, unit_id, count in sorted(figures, key=lambda f: len(f[0])):
        if not any(path.startswith(p) for p in covering):
            covering.append(path)
            found.append((unit_id, count, POPULATION_FROM_FIGURE))
    registry = _registry_counts(unit, population=population, subject_kind=subject_kind, year=year)
    found += [
        (unit_id, n, POPULATION_FROM_REGISTRY)
        for unit_id, path, n in registry
        if not any(path.startswith(p) for p in covering)
    ]
    return found


def _registry_counts(unit, *, population: str, subject_kind: str, year: int):
    """(unit id, unit path, count) of the population in the registry under `unit`."""
    under = {"unit__path__startswith": unit.path}
    if population == Population.ADULTS:
        # adults (18 or over in the year) of the households: the people of "gia đình" and "cộng đồng"
        rows = HouseholdMember.objects.filter(
            household__unit__path__startswith=unit.path, birth_year__lte=year - ADULT_AGE
        ).values_list("household__unit_id", "household__unit__path")
        return rows.annotate(n=Count("pk")).order_by()
    if population == Population.OFFICIALS:
        rows = Organisation.objects.filter(**under).values_list("unit_id", "unit__path")
        return [(u, p, n or 0) for u, p, n in rows.annotate(n=Sum("member_count")).order_by()]
    kind = POPULATION_KIND.get(population, subject_kind)
    return (
        Subject.objects.filter(kind=kind, **under)
        .values_list("unit_id", "unit__path")
        .annotate(n=Count("pk"))
        .order_by()
    )


def title_levels(title: TitleType) -> list[int]:
    """The levels a title is recognised at: those of its pass/fail criteria sets' indicators (e.g. "mức độ 1"
    and "mức độ 2"); none for titles scored in points."""
    return sorted(
        CriterionItem.objects.filter(
            criterion__criteria_set__title_type=title,
            criterion__criteria_set__scoring_mode=ScoringMode.PASS_FAIL,
            level__isnull=False,
        )
        .order_by("level")
        .values_list("level", flat=True)
        .distinct()
    )


def _count(state: str, level: int | None, n: int, *rows: CoverageRow | None) -> None:
    for row in rows:
        if row is None:
            continue
        row.by_state[state] = row.by_state.get(state, 0) + n
        if state not in NOT_REGISTERED_STATES:
            row.registered += n
        if state in RECOGNISED_STATES:
            row.recognised += n
            if level is not None:
                row.by_level[level] = row.by_level.get(level, 0) + n


def former_unit_cases(unit, *, title, years) -> list[tuple[int, int, str, int | None, int]]:
    """(successor unit id, year, state, level, count) of the cases filed under units that no longer exist
    (the 2025 reform, village mergers) and whose successor lies under `unit`, so a year before the reform
    reads on today's tree. One query for the mappings, one for the cases. A unit split between several
    successors counts, whole, for the one that took the largest share: which part a household went to is
    not recorded on the old case."""
    roots = list(
        UnitSuccession.objects.filter(new_unit__path__startswith=unit.path)
        .exclude(old_unit__path__startswith=unit.path)
        .values_list("old_unit__path", flat=True)
    )
    if not roots:
        return []
    # every mapping inside those old subtrees, including parts that went elsewhere
    mappings = sorted(
        UnitSuccession.objects.filter(path_q(roots, field="old_unit__path")).values_list(
            "old_unit__path", "new_unit_id", "new_unit__path", "share"
        ),
        key=lambda m: (-len(m[0]), -m[3]),
    )
    cases = (
        Case.objects.filter(path_q(roots, field="unit_path"), year__in=years, title_type=title)
        .values_list("unit_path", "year", "state", "level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = []
    for unit_path, year, state, level, n in cases:
        _old_path, new_id, new_path, _share = next(m for m in mappings if unit_path.startswith(m[0]))
        if new_path.startswith(unit.path):
            found.append((new_id, year, state, level, n))
    return found


def target_resolvers(unit: AdministrativeUnit, *, title: TitleType, years):
    """Per year, the target of a unit: set on the unit itself or else on its nearest ancestor; a target for
    the unit's area class wins over one for every area class at the same unit. One query for all years."""
    ancestor_paths = {"/".join(unit.path.split("/")[: i + 1]) + "/" for i in range(1, unit.path.count("/"))}
    targets = PlanTarget.objects.filter(
        title_type=title, year_from__lte=max(years), year_to__gte=min(years)
    ).select_related("unit")
    mine = [t for t in targets if t.unit.path in ancestor_paths or t.unit.path.startswith(unit.path)]
    return {year: _resolver([t for t in mine if t.year_from <= year <= t.year_to]) for year in years}


def _resolver(targets):
    by_path: dict[str, dict[str, PlanTarget]] = defaultdict(dict)
    for t in targets:
        by_path[t.unit.path][t.area_class] = t

    def target(u: AdministrativeUnit) -> PlanTarget | None:
        parts = u.path.strip("/").split("/")
        for i in range(len(parts), 0, -1):
            found = by_path.get("/" + "/".join(parts[:i]) + "/")
            if found:
                if u.area_class in found:
                    return found[u.area_class]
                if "" in found:
                    return found[""]
        return None

    def resolve(u: AdministrativeUnit) -> Decimal | None:
        found = target(u)
        return found.target_percent if found else None

    # what the unit's target is a share of ("" without a target)
    resolve.population = lambda u: target(u).population if target(u) else ""
    return resolve


def report_deadlines(year: int, today: datetime.date | None = None) -> list[dict]:
    """The two reporting deadlines of the year with the days left (negative once passed)."""
    today = today or timezone.localdate()
    out = []
    for month, day in REPORT_DEADLINES:
        due = datetime.date(year, month, day)
        days = (due - today).days
        out.append({"date": due, "days_left": days, "days_ago": -days})
    return out


def unrecognised_subjects(unit: AdministrativeUnit, *, title: TitleType, year: int):
    """Subjects of the title's kind under the unit with no recognised case that year, with their case if
    any (state and id), for the drill-down list."""

    cases = Case.objects.filter(subject=OuterRef("pk"), title_type=title, year=year).exclude(
        state=CaseState.WITHDRAWN
    )
    return (
        Subject.objects.filter(kind=title.subject_kind, unit__path__startswith=unit.path)
        .exclude(
            pk__in=Case.objects.filter(
                unit_path__startswith=unit.path, title_type=title, year=year, state__in=RECOGNISED_STATES
            ).values("subject_id")
        )
        .select_related("unit")
        .annotate(case_pk=Subquery(cases.values("pk")[:1]), case_state=Subquery(cases.values("state")[:1]))
        .order_by("unit__path", "name_folded", "pk")
    )
