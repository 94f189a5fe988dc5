"""The demo province adopts the criteria sets its cases are scored against (Bắc Ninh's 187/QĐ-UBND; the dates
are the demo's), for each year the demo has cases of: last year's (CDHT_XA's level 1) and this year's."""

import datetime

from criteria.models import CriteriaSet, CriteriaSetAdoption
from criteria.services import adopt_criteria_set


def adopt_demo_sets(province, *, years, today: datetime.date, actor) -> None:
    for year in years:
        for criteria_set in CriteriaSet.objects.in_force(
            min(today, datetime.date(year, 12, 31)), province=province
        ):
            if CriteriaSetAdoption.objects.filter(
                criteria_set=criteria_set, province=province, year=year
            ).exists():
                continue
            adopt_criteria_set(
                criteria_set,
                province=province,
                year=year,
                decision_reference="187/QĐ-UBND",
                decision_date=min(today, datetime.date(year, 1, 15)),
                actor=actor,
            )
