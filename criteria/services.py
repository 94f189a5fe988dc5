"""Writes to criteria configuration."""

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from registry.models import AdministrativeUnit, Role, UnitLevel
from registry.selectors import grant_covering

from .models import (
    CriteriaSet,
    CriteriaSetAdoption,
    CriterionItem,
    EvidenceRequirement,
    Population,
    PopulationFigure,
)

# "187/QĐ-UBND", "12/2024/QĐ-UBND": a number, optionally a year, then the document's symbol
DECISION_REFERENCE = re.compile(r"^\d{1,6}(/\d{4})?/[^\s/]+(-[^\s/]+)*$")


@transaction.atomic
def revise_criteria_set(criteria_set: CriteriaSet, *, actor) -> CriteriaSet:
    """Copy a set (criteria, items, evidence requirements) into a new editable version.

    Cases keep the version they were nominated under, so a set in use is never edited in place.
    """
    source = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    last = CriteriaSet.objects.filter(title_type=source.title_type, province=source.province).aggregate(
        v=Max("version")
    )["v"]
    clone = CriteriaSet.objects.get(pk=source.pk)
    clone.pk = None
    clone.version = last + 1
    clone.derived_from = source
    clone.save()
    for crit in source.criteria.prefetch_related("items__evidence_requirements"):
        items = list(crit.items.all())
        crit.pk, crit.criteria_set = None, clone
        crit.save()
        for item in items:
            reqs = list(item.evidence_requirements.all())
            item.pk, item.criterion = None, crit
            item.save()
            EvidenceRequirement.objects.bulk_create(
                EvidenceRequirement(item=item, description=r.description, required=r.required) for r in reqs
            )
    record_event(
        f"config:criteria_set:{clone.title_type.code}",
        "criteria_set.revised",
        actor=actor,
        data={
            "from_id": source.pk,
            "from_version": source.version,
            "to_id": clone.pk,
            "to_version": clone.version,
        },
    )
    return clone


def can_adopt_criteria(user, province: AdministrativeUnit) -> bool:
    """A province administrator (or a superuser) adopts the province's criteria sets."""
    if getattr(user, "is_superuser", False):
        return True
    return grant_covering(user, province.path, {Role.ADMINISTRATOR}) is not None


@transaction.atomic
def adopt_criteria_set(
    criteria_set: CriteriaSet,
    *,
    province: AdministrativeUnit,
    year: int,
    decision_reference: str,
    decision_date: datetime.date | None,
    actor,
) -> CriteriaSetAdoption:
    """The province adopts a criteria set for a year's cases by its own decision; only then are they scored.

    `actor=None` is the system loading configuration (the demo, a deployment command), as for role grants."""
    if actor is not None and not can_adopt_criteria(actor, province):
        raise PermissionDenied(_("Only an administrator of the province can adopt its criteria sets."))
    locked = CriteriaSet.objects.select_for_update().select_related("title_type").get(pk=criteria_set.pk)
    errors = adoption_errors(locked, province, year, (decision_reference or "").strip(), decision_date)
    if errors:
        raise ValidationError(errors)
    if CriteriaSetAdoption.objects.filter(criteria_set=locked, province=province, year=year).exists():
        raise ValidationError(
            _("%(province)s has already adopted “%(set)s” for %(year)s.")
            % {"province": province.name, "set": locked, "year": year}
        )
    adoption = CriteriaSetAdoption.objects.create(
        criteria_set=locked,
        province=province,
        year=year,
        decision_reference=decision_reference.strip(),
        decision_date=decision_date,
        adopted_by=actor,
    )
    record_event(
        f"config:criteria_set:{locked.title_type.code}",
        "criteria_set.adopted",
        actor=actor,
        data={
            "criteria_set": locked.pk,
            "version": locked.version,
            "province": province.code,
            "year": year,
            "decision_reference": adoption.decision_reference,
            "decision_date": decision_date.isoformat(),
            "sample_thresholds": locked.thresholds_are_sample,
            "sample_items": list(
                CriterionItem.objects.filter(criterion__criteria_set=locked, is_sample_value=True)
                .order_by("criterion__order", "order")
                .values_list("code", flat=True)
            ),
        },
    )
    return adoption


def adoption_errors(criteria_set, province, year, reference, decision_date) -> dict[str, list[str]]:
    """What is wrong with an adoption, per field (empty when it can be recorded); forms show the same."""
    errors: dict[str, list[str]] = {}
    if province.level != UnitLevel.PROVINCE:
        errors["province"] = [_("Criteria sets are adopted by a province.")]
    elif criteria_set.province_id not in (None, province.pk):
        errors["province"] = [_("This criteria set belongs to another province.")]
    if not 2000 <= year <= 2100:
        errors["year"] = [_("Enter a year between 2000 and 2100.")]
    elif criteria_set.valid_from > datetime.date(year, 12, 31) or (
        criteria_set.valid_to is not None and criteria_set.valid_to < datetime.date(year, 1, 1)
    ):
        errors["year"] = [
            _("The criteria set does not apply in %(year)s (it applies %(from)s–%(to)s).")
            % {
                "year": year,
                "from": criteria_set.valid_from.strftime("%d/%m/%Y"),
                "to": criteria_set.valid_to.strftime("%d/%m/%Y") if criteria_set.valid_to else "…",
            }
        ]
    if not reference:
        errors["decision_reference"] = [_("Enter the number of the province's decision, e.g. 187/QĐ-UBND.")]
    elif not DECISION_REFERENCE.match(reference):
        errors["decision_reference"] = [
            _("“%(ref)s” is not a decision number such as 187/QĐ-UBND.") % {"ref": reference}
        ]
    if decision_date is None:
        errors["decision_date"] = [_("Enter the date of the province's decision.")]
    elif decision_date > timezone.localdate():
        errors["decision_date"] = [_("The decision date cannot be in the future.")]
    return errors


FIGURE_ROLES = {Role.COMMUNE_OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR}


def can_enter_population(user, unit: AdministrativeUnit) -> bool:
    """The commune's officer (or a supervisor or administrator above) enters the unit's population figures."""
    if getattr(user, "is_superuser", False):
        return True
    return grant_covering(user, unit.path, FIGURE_ROLES) is not None


@transaction.atomic
def record_population_figure(
    unit: AdministrativeUnit, *, year: int, population: str, count: int, source: str = "", actor
) -> PopulationFigure:
    """Enter (or correct) the unit's population for a year where the registry is incomplete; the coverage
    report then divides by it under that unit and says so. One audit event with the figure before, after."""
    if actor is not None and not can_enter_population(actor, unit):
        raise PermissionDenied(_("You cannot enter population figures for %(unit)s.") % {"unit": unit.name})
    errors: dict[str, list[str]] = {}
    if population not in Population.values:
        errors["population"] = [_("Choose what the figure counts.")]
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = [_("Enter a year between 2000 and 2100.")]
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        errors["count"] = [_("Enter a whole number, zero or more.")]
    if errors:
        raise ValidationError(errors)
    figure = (
        PopulationFigure.objects.select_for_update()
        .filter(unit=unit, year=year, population=population)
        .first()
    )
    before = figure.count if figure else None
    if figure is None:
        figure = PopulationFigure(unit=unit, year=year, population=population)
    figure.count, figure.source, figure.entered_by = count, (source or "").strip(), actor
    figure.save()
    record_event(
        f"config:population:{unit.code}",
        "population_figure.entered",
        actor=actor,
        data={"year": year, "population": population, "from": before, "to": count, "source": figure.source},
        scope=unit.path,
    )
    return figure


@transaction.atomic
def configure_authority(row, *, actor):
    """Save a title's recognition authority (national, or a province's own), refused with the field errors
    when it would leave a step without anyone allowed to act (criteria.authority.problems)."""
    row.full_clean()
    created = row.pk is None
    row.save()
    record_event(
        f"config:criteria.recognitionauthority:{row.pk}",
        "config.created" if created else "config.changed",
        actor=actor,
        data={
            "model": "criteria.recognitionauthority",
            "object": str(row),
            "proposer": row.actor("proposer"),
            "decider": [*row.actor("decider"), row.decider_body, row.decision_suffix, row.signer_office],
            "auditor": row.actor("auditor"),
        },
    )
    return row
