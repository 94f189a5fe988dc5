"""Plan targets shipped with the product: the national programme's defaults, loaded onto a province and
then edited there like any other target (Administration → Plan targets)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record_event
from criteria.models import PlanTarget, TitleType
from registry.models import AdministrativeUnit, UnitLevel

# Decision 387/QĐ-TTg (2022), targets to reach by 2025 (data, in the document's own words).
NATIONAL_PROGRAMME = {
    "source": "Quyết định 387/QĐ-TTg (2022) — chỉ tiêu đến năm 2025",
    "year_from": 2022,
    "year_to": 2025,
    "percent": {
        "GDHT": Decimal(70),
        "DHHT": Decimal(65),
        "CDHT_THON": Decimal(65),
        "CDHT_XA": Decimal(65),  # loaded where a province has set up the commune-level title
        "DVHT": Decimal(80),
    },
}


@transaction.atomic
def load_national_targets(province: AdministrativeUnit, *, actor) -> list[PlanTarget]:
    """Give a province the national programme's targets it does not have yet; targets already there, edited
    or not, are left as they are. Returns the targets created (one audit event for the lot)."""
    if province.level != UnitLevel.PROVINCE:
        raise ValidationError(_("National targets are loaded onto a province."))
    programme = NATIONAL_PROGRAMME
    titles = {t.code: t for t in TitleType.objects.filter(code__in=programme["percent"])}
    created = []
    for code, percent in programme["percent"].items():
        if code not in titles:
            continue
        target, is_new = PlanTarget.objects.get_or_create(
            unit=province,
            title_type=titles[code],
            year_from=programme["year_from"],
            year_to=programme["year_to"],
            area_class="",
            defaults={"target_percent": percent, "source": programme["source"]},
        )
        if is_new:
            created.append(target)
    if created:
        record_event(
            f"config:plan_targets:{province.code}",
            "plan_targets.loaded",
            actor=actor,
            data={
                "source": programme["source"],
                "targets": {t.title_type.code: str(t.target_percent) for t in created},
            },
        )
    return created
