"""Registering households: the rules of a household's data, and the household row, its members and the audit
event written in one transaction."""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_events

from .models import AdministrativeUnit, Household, HouseholdMember, UnitLevel
from .subjects import created_event

HOUSEHOLD_CODE_PREFIX = "HGD"
MIN_BIRTH_YEAR = 1900


@dataclass(frozen=True)
class HouseholdData:
    """A household's data as the registry keeps it: checked, and names and address with single spaces."""

    village: AdministrativeUnit
    head_name: str
    address: str
    members: tuple[dict, ...]
    phone: str = ""
    head_id_last4: str = ""

    def household(self, code: str) -> Household:
        """The household row (unsaved), named by the registry's convention."""
        return Household(
            code=code,
            # the registry's naming convention (data, not UI text): "Hộ <head of household>"
            name=f"Hộ {self.head_name}",
            head_name=self.head_name,
            unit=self.village,
            address=self.address,
            phone=self.phone,
            head_id_last4=self.head_id_last4,
        )

    def member_rows(self, household: Household) -> list[HouseholdMember]:
        return [HouseholdMember(household=household, **member) for member in self.members]


def household_data(
    village: AdministrativeUnit,
    *,
    head_name: str,
    address: str = "",
    members: Iterable[Mapping] = (),
    phone: str = "",
    head_id_last4: str = "",
) -> HouseholdData:
    """Check a household's data and put it in the registry's form; raises ValidationError."""
    if village.level != UnitLevel.VILLAGE:
        raise ValidationError({"village": _("A household must belong to a village or residential group.")})
    head_name = " ".join((head_name or "").split())
    if not head_name:
        raise ValidationError({"head_name": _("Enter the name of the head of household.")})
    years = birth_years()
    rows = tuple(_member(m, years) for m in members)
    address = " ".join((address or "").split())
    return HouseholdData(village, head_name, address, rows, normal_phone(phone), _id_last4(head_id_last4))


def normal_phone(value: str) -> str:
    """A Vietnamese phone number as 0 and 9–10 digits ("+84 912 345 678" → "0912345678"), or "" for none;
    ValidationError when it is not one."""
    digits = "".join((value or "").split()).replace(".", "").replace("-", "")
    if not digits:
        return ""
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if not (digits.isascii() and digits.isdigit() and digits.startswith("0") and 10 <= len(digits) <= 11):
        raise ValidationError(
            {"phone": _("Enter a Vietnamese phone number: 10 or 11 digits starting with 0, e.g. 0912345678.")}
        )
    return digits


def _id_last4(value: str) -> str:
    value = (value or "").strip()
    if value and not (len(value) == 4 and value.isascii() and value.isdigit()):
        raise ValidationError(
            {"head_id_last4": _("Enter only the last four digits of the head's citizen ID, e.g. 0421.")}
        )
    return value


@transaction.atomic
def create_household(
    village: AdministrativeUnit,
    *,
    head_name: str,
    address: str = "",
    members: Iterable[Mapping] = (),
    phone: str = "",
    head_id_last4: str = "",
    actor,
) -> Household:
    """Register a household living in a village, with its members (full name, birth year, relation).

    The caller checks that the actor may register subjects in the village; this function checks the data.
    """
    data = household_data(
        village,
        head_name=head_name,
        address=address,
        members=members,
        phone=phone,
        head_id_last4=head_id_last4,
    )
    # The code needs the primary key; a random placeholder keeps the unique column valid until then.
    household = data.household(code=f"tmp-{uuid.uuid4().hex}")
    household.save()
    household.code = f"{HOUSEHOLD_CODE_PREFIX}-{village.code}-{household.pk:06d}"
    household.save(update_fields=["code"])
    HouseholdMember.objects.bulk_create(data.member_rows(household))
    record_events([created_event(household, actor=actor, members=len(data.members))])
    return household


def birth_years() -> tuple[int, int]:
    """The birth years a household member may have: from MIN_BIRTH_YEAR to this year."""
    return MIN_BIRTH_YEAR, timezone.localdate().year


# the relations a member may have (Choices.values builds a new list on every read)
_RELATIONS = frozenset(HouseholdMember.Relation.values)


def _member(data: Mapping, years: tuple[int, int]) -> dict:
    full_name = " ".join(str(data.get("full_name") or "").split())
    birth_year = data.get("birth_year")
    relation = data.get("relation")
    if not full_name:
        raise ValidationError({"members": _("Every household member needs a full name.")})
    first, last = years
    if not isinstance(birth_year, int) or not (first <= birth_year <= last):
        raise ValidationError(
            {
                "members": _("The birth year of %(name)s must be between %(min)s and %(max)s.")
                % {"name": full_name, "min": first, "max": last}
            }
        )
    if relation not in _RELATIONS:
        raise ValidationError(
            {
                "members": _("Choose the relationship of %(name)s to the head of household.")
                % {"name": full_name}
            }
        )
    return {"full_name": full_name, "birth_year": birth_year, "relation": relation}
