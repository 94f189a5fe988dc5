"""Computed criterion items: a share of the subject's households holding a title in the case's year, counted
from this system's own cases, with the population it is computed over, scored by the item's bands."""

from dataclasses import dataclass
from decimal import Decimal

from registry.models import Clan, Household, SubjectKind

from .models import RECOGNISED_STATES, Case


@dataclass(frozen=True)
class ComputedValue:
    item_id: int
    code: str
    recognised: int  # households of the population recognised with the item's title in the year
    population: int  # the subject's households the share is computed over
    share: Decimal | None  # in %, None for an empty population
    points: Decimal

    def as_data(self) -> dict:
        return {
            "recognised": self.recognised,
            "population": self.population,
            "share": None if self.share is None else str(self.share),
            "points": str(self.points),
        }


def computed_values(case: Case, items) -> dict[int, ComputedValue]:
    """The computed items of the case's sheet by item id (no query when the set has none)."""
    computed = [item for item in items if item.is_computed]
    if not computed:
        return {}
    households = subject_households(case.subject_id, case.subject.kind, case.subject.unit_id)
    population = households.count()
    values = {}
    for item in computed:
        recognised = (
            Case.objects.filter(
                title_type_id=item.share_of_title_id,
                year=case.year,
                state__in=RECOGNISED_STATES,
                subject_id__in=households.values("pk"),
            )
            .values("subject_id")
            .distinct()
            .count()
        )
        share = (Decimal(100) * recognised / population).quantize(Decimal("0.1")) if population else None
        values[item.pk] = ComputedValue(
            item.pk, item.code, recognised, population, share, item.points_for_share(share)
        )
    return values


def subject_households(subject_id: int, kind: str, unit_id: int):
    """The households a share is computed over: a clan's member households, a village community's
    households; none for other subjects."""
    if kind == SubjectKind.CLAN:
        return Household.objects.filter(
            pk__in=Clan.households.through.objects.filter(clan_id=subject_id).values("household_id")
        )
    if kind == SubjectKind.COMMUNITY:
        return Household.objects.filter(unit_id=unit_id)
    return Household.objects.none()
