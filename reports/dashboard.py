"""The coverage page's charts: recognised share by year against the target (trend) and the year's cases by
state (pipeline). Drawn on the server (inline SVG and HTML bars): no script, nothing from another host."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count

from cases.models import RECOGNISED_STATES, Case, CaseState
from criteria.models import TitleType
from registry.models import AdministrativeUnit

from .coverage import NOT_REGISTERED_STATES, Coverage, _pct, coverage, former_unit_cases, target_resolvers

TREND_YEARS = 5
# the pipeline in the order a case moves; closed outcomes last
PIPELINE_ORDER = [s for s, _label in CaseState.choices]


@dataclass
class TrendPoint:
    year: int
    total: int  # subjects in today's registry: the registry keeps no history of its own
    registered: int = 0
    recognised: int = 0
    target: Decimal | None = None
    former_units: int = 0  # recognised cases filed under units gone in a reorganisation

    @property
    def pct_total(self) -> Decimal | None:
        return _pct(self.recognised, self.total)


def trend_years(year: int) -> list[int]:
    return list(range(year - TREND_YEARS + 1, year + 1))


def coverage_with_trend(unit: AdministrativeUnit, *, title: TitleType, year: int) -> tuple[Coverage, list]:
    """The coverage table of `year` and the trend of the years up to it, sharing their reads of the targets
    and of the cases filed under former units."""
    years = trend_years(year)
    former = former_unit_cases(unit, title=title, years=years)
    resolvers = target_resolvers(unit, title=title, years=years)
    report = coverage(unit, title=title, year=year, former=former, resolvers=resolvers)
    points = trend(unit, title=title, year=year, total=report.total.total, former=former, resolvers=resolvers)
    return report, points


def trend(
    unit: AdministrativeUnit, *, title: TitleType, year: int, total: int, former=None, resolvers=None
) -> list[TrendPoint]:
    """Registered and recognised per year for the TREND_YEARS years up to `year`, against each year's target.

    Two queries (cases by year and state, the targets of all the years), plus those of former_unit_cases:
    units under `unit` that replaced older ones count those units' cases, as in the coverage table.
    """
    years = trend_years(year)
    if former is None:
        former = former_unit_cases(unit, title=title, years=years)
    if resolvers is None:
        resolvers = target_resolvers(unit, title=title, years=years)
    points = {y: TrendPoint(year=y, total=total) for y in years}
    cases = (
        Case.objects.filter(unit_path__startswith=unit.path, title_type=title, year__in=years)
        .values_list("year", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counted = [(y, state, n, False) for y, state, n in cases]
    counted += [(y, state, n, True) for _unit, y, state, _level, n in former]
    for y, state, n, filed_elsewhere in counted:
        point = points[y]
        if state not in NOT_REGISTERED_STATES:
            point.registered += n
        if state in RECOGNISED_STATES:
            point.recognised += n
            if filed_elsewhere:
                point.former_units += n
    for y, point in points.items():
        point.target = resolvers[y](unit)
    return [points[y] for y in years]


# --- drawing ---------------------------------------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT = 600, 240
PLOT_TOP, PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT = 16, 200, 40, 590


def _y(percent: Decimal | float) -> float:
    """The y coordinate of a percentage on the 0–100 % scale."""
    return round(PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * float(min(Decimal(100), Decimal(percent))) / 100, 1)


def trend_chart(points: list[TrendPoint]) -> dict:
    """Geometry of the trend chart (viewBox units): a bar per year, the target as a stepped line."""
    slot = (PLOT_RIGHT - PLOT_LEFT) / len(points)
    bars, target = [], []
    for i, p in enumerate(points):
        x = PLOT_LEFT + i * slot
        pct = p.pct_total or Decimal(0)
        bar = {
            "point": p,
            "x": round(x + slot * 0.2, 1),
            "width": round(slot * 0.6, 1),
            "y": _y(pct),
            "height": round(PLOT_BOTTOM - _y(pct), 1),
            "label_x": round(x + slot / 2, 1),
            "value_y": round(_y(pct) - 4, 1),
            "met": p.target is not None and p.pct_total is not None and p.pct_total >= p.target,
        }
        bars.append(bar)
        if p.target is not None:
            target.append({"x1": round(x, 1), "x2": round(x + slot, 1), "y": _y(p.target)})
    grid = [{"y": _y(v), "label": v} for v in (0, 25, 50, 75, 100)]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": PLOT_LEFT,
        "right": PLOT_RIGHT,
        "bottom": PLOT_BOTTOM,
        "year_y": PLOT_BOTTOM + 18,
        "bars": bars,
        "target": target,
        "grid": grid,
    }


@dataclass
class PipelineBar:
    state: str
    label: str
    count: int
    percent: float  # of the largest bar, for its width


def pipeline(report: Coverage) -> list[PipelineBar]:
    """The year's cases filed in the unit's tree per state, in the order a case moves; states with no case
    are left out. Exactly the cases the unit's case list shows with that state."""
    counts = defaultdict(int, report.filed_by_state)
    labels = dict(CaseState.choices)
    widest = max(counts.values(), default=0) or 1
    return [
        PipelineBar(state, str(labels[state]), counts[state], round(100 * counts[state] / widest, 1))
        for state in PIPELINE_ORDER
        if counts[state]
    ]
