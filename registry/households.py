"""Registering households: the household row, its members and the audit event, in one transaction."""

import uuid
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event

from .models import AdministrativeUnit, Household, HouseholdMember, UnitLevel

HOUSEHOLD_CODE_PREFIX = "HGD"
MIN_BIRTH_YEAR = 1900


@transaction.atomic
def create_household(
    village: AdministrativeUnit,
    *,
    head_name: str,
    address: str = "",
    members: Iterable[Mapping] = (),
    actor,
) -> Household:
    """Register a household living in a village, with its members (full name, birth year, relation).

    The caller checks that the actor may register subjects in the village; this function checks the data.
    """
    if village.level != UnitLevel.VILLAGE:
        raise ValidationError({"village": _("A household must belong to a village or residential group.")})
    head_name = " ".join((head_name or "").split())
    if not head_name:
        raise ValidationError({"head_name": _("Enter the name of the head of household.")})
    rows = [_member(m) for m in members]
    # The code needs the primary key; a random placeholder keeps the unique column valid until then.
    household = Household(
        code=f"tmp-{uuid.uuid4().hex}",
        # the registry's naming convention (data, not UI text): "Hộ <head of household>"
        name=f"Hộ {head_name}",
        head_name=head_name,
        unit=village,
        address=" ".join((address or "").split()),
    )
    household.save()
    household.code = f"{HOUSEHOLD_CODE_PREFIX}-{village.code}-{household.pk:06d}"
    household.save(update_fields=["code"])
    HouseholdMember.objects.bulk_create(HouseholdMember(household=household, **row) for row in rows)
    record_event(
        f"subject:{household.pk}",
        "subject.created",
        actor=actor,
        scope=village.path,
        data={
            "kind": household.kind,
            "code": household.code,
            "unit": village.code,
            "members": len(rows),
        },
    )
    return household


def _member(data: Mapping) -> dict:
    full_name = " ".join(str(data.get("full_name") or "").split())
    birth_year = data.get("birth_year")
    relation = data.get("relation")
    if not full_name:
        raise ValidationError({"members": _("Every household member needs a full name.")})
    this_year = timezone.localdate().year
    if not isinstance(birth_year, int) or not (MIN_BIRTH_YEAR <= birth_year <= this_year):
        raise ValidationError(
            {
                "members": _("The birth year of %(name)s must be between %(min)s and %(max)s.")
                % {"name": full_name, "min": MIN_BIRTH_YEAR, "max": this_year}
            }
        )
    if relation not in HouseholdMember.Relation.values:
        raise ValidationError(
            {
                "members": _("Choose the relationship of %(name)s to the head of household.")
                % {"name": full_name}
            }
        )
    return {"full_name": full_name, "birth_year": birth_year, "relation": relation}
