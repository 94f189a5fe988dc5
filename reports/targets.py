"""Plan targets shipped with the product: the national programme's defaults, loaded onto a province and
then edited there like any other target (Administration → Plan targets)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record_event
from criteria.models import PlanTarget, Population, TitleType, default_population
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


# Bắc Ninh's plan 267/KH-UBND (2022) for both periods (where the plan gives a range, its lower bound, the
# range kept in the source), and the learning citizens of Decision 677/QĐ-TTg as a share of adults.
BAC_NINH_267 = [
    {
        "source": "Kế hoạch 267/KH-UBND (2022) của UBND tỉnh Bắc Ninh — chỉ tiêu đến năm 2025",
        "year_from": 2021,
        "year_to": 2025,
        "percent": {"GDHT": Decimal(80), "DHHT": Decimal(70), "CDHT_THON": Decimal(90), "DVHT": Decimal(85)},
        "note": {"DHHT": "70–75 %"},
    },
    {
        "source": "Kế hoạch 267/KH-UBND (2022) của UBND tỉnh Bắc Ninh — chỉ tiêu 2026–2030",
        "year_from": 2026,
        "year_to": 2030,
        "percent": {"GDHT": Decimal(90), "DHHT": Decimal(80), "CDHT_THON": Decimal(95), "DVHT": Decimal(95)},
        "note": {"DHHT": "80–85 %"},
    },
    {
        "source": "Quyết định 677/QĐ-TTg — người lớn trong gia đình, cộng đồng (Công dân học tập), 2025",
        "year_from": 2021,
        "year_to": 2025,
        "percent": {"CONGDAN": Decimal(40)},
        "population": {"CONGDAN": Population.ADULTS},
    },
    {
        "source": "Quyết định 677/QĐ-TTg — người lớn trong gia đình, cộng đồng (Công dân học tập), 2030",
        "year_from": 2026,
        "year_to": 2030,
        "percent": {"CONGDAN": Decimal(70)},
        "population": {"CONGDAN": Population.ADULTS},
    },
]


@transaction.atomic
def load_plan_targets(province: AdministrativeUnit, plans: list[dict], *, actor) -> list[PlanTarget]:
    """Give a province a plan's targets (each with its population) that it does not have yet; targets already
    there are left as they are. One audit event per plan that added any."""
    if province.level != UnitLevel.PROVINCE:
        raise ValidationError(_("National targets are loaded onto a province."))
    created = []
    for plan in plans:
        titles = {t.code: t for t in TitleType.objects.filter(code__in=plan["percent"])}
        added = []
        for code, percent in plan["percent"].items():
            if code not in titles:
                continue
            note = plan.get("note", {}).get(code)
            target, is_new = PlanTarget.objects.get_or_create(
                unit=province,
                title_type=titles[code],
                year_from=plan["year_from"],
                year_to=plan["year_to"],
                area_class="",
                defaults={
                    "target_percent": percent,
                    "source": f"{plan['source']} ({note})" if note else plan["source"],
                    "population": plan.get("population", {}).get(code)
                    or default_population(titles[code].subject_kind),
                },
            )
            if is_new:
                added.append(target)
        if added:
            record_event(
                f"config:plan_targets:{province.code}",
                "plan_targets.loaded",
                actor=actor,
                data={
                    "source": plan["source"],
                    "targets": {t.title_type.code: str(t.target_percent) for t in added},
                    "population": {t.title_type.code: t.population for t in added},
                },
            )
        created += added
    return created


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
            defaults={
                "target_percent": percent,
                "source": programme["source"],
                "population": default_population(titles[code].subject_kind),
            },
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
