"""Writes to the registry: units, role assignments (kept in sync with guardian groups on units)."""

import datetime

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from audit.services import record_event

from .models import ALLOWED_PARENT, ROLE_LEVELS, ROLE_PERMISSIONS, AdministrativeUnit, Role, RoleAssignment
from .selectors import forget_grants
from .signals import role_assignment_ended


def create_unit(
    *,
    code: str,
    name: str,
    level: str,
    parent: AdministrativeUnit | None = None,
    area_class: str = "",
    valid_from: datetime.date | None = None,
) -> AdministrativeUnit:
    """Add a unit to the tree under a parent of an allowed level."""
    allowed = ALLOWED_PARENT[level]
    if (parent is None and allowed) or (parent is not None and parent.level not in allowed):
        raise ValidationError(
            _("A unit of level %(level)s cannot be placed under this unit.") % {"level": level}
        )
    unit = AdministrativeUnit(code=code, name=name, level=level, parent=parent, valid_from=valid_from)
    unit.area_class = area_class or (parent.area_class if parent else unit.area_class)
    unit.full_clean()
    unit.save()
    return unit


def role_group_name(role: str, unit: AdministrativeUnit) -> str:
    return f"{role}@{unit.code}"


def ensure_role_group(role: str, unit: AdministrativeUnit) -> Group:
    """The per-unit role group, holding the role's object permissions on that unit (never on cases)."""
    group, created = Group.objects.get_or_create(name=role_group_name(role, unit))
    if created:
        for codename in ROLE_PERMISSIONS[role]:
            assign_perm(f"registry.{codename}", group, unit)
    return group


@transaction.atomic
def assign_role(
    user,
    *,
    role: str,
    unit: AdministrativeUnit,
    actor,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
) -> RoleAssignment:
    """Give a user a role on a unit; the user joins the unit's role group."""
    if role not in Role.values:
        raise ValidationError(_("Invalid role."))
    if unit.level not in ROLE_LEVELS[role]:
        raise ValidationError(
            _("The role %(role)s cannot be assigned at level %(level)s.")
            % {"role": Role(role).label, "level": unit.get_level_display()}
        )
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        unit=unit,
        valid_from=valid_from or timezone.localdate(),
        defaults={"valid_to": valid_to},
    )
    if not created:
        return assignment
    user.groups.add(ensure_role_group(role, unit))
    record_event(
        f"user:{user.pk}",
        "role.assigned",
        actor=actor,
        scope=unit.path,
        data={"role": role, "unit": unit.code, "valid_from": assignment.valid_from, "valid_to": valid_to},
    )
    return assignment


@transaction.atomic
def end_role_assignment(
    assignment: RoleAssignment, *, actor, on: datetime.date | None = None, reason: str
) -> RoleAssignment:
    """Close a role assignment; the user leaves the unit's role group unless another assignment keeps it."""
    if not reason.strip():
        raise ValidationError({"reason": _("A reason is required.")})
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    assignment.valid_to = on or timezone.localdate()
    assignment.save(update_fields=["valid_to"])
    still_active = (
        RoleAssignment.objects.active(on=assignment.valid_to + datetime.timedelta(days=1))
        .filter(user=assignment.user, role=assignment.role, unit=assignment.unit)
        .exists()
    )
    if not still_active:
        assignment.user.groups.remove(ensure_role_group(assignment.role, assignment.unit))
    forget_grants(assignment.user)
    role_assignment_ended.send(sender=RoleAssignment, assignment=assignment, actor=actor, reason=reason)
    record_event(
        f"user:{assignment.user_id}",
        "role.ended",
        actor=actor,
        reason=reason,
        scope=assignment.unit.path,
        data={"role": assignment.role, "unit": assignment.unit.code, "valid_to": assignment.valid_to},
    )
    return assignment


@transaction.atomic
def sync_expired_role_groups(*, on: datetime.date | None = None) -> int:
    """Take users out of the unit role groups of assignments that have ended by their own date.

    Scoping already ignores ended assignments; this keeps guardian's group grants (read by viewflow) in step.
    Returns how many memberships were removed; each removal is an audit event.
    """
    day = on or timezone.localdate()
    removed = 0
    expired = RoleAssignment.objects.filter(valid_to__lt=day).select_related("user", "unit")
    for assignment in expired:
        group_name = role_group_name(assignment.role, assignment.unit)
        if not assignment.user.groups.filter(name=group_name).exists():
            continue
        still_active = (
            RoleAssignment.objects.active(on=day)
            .filter(user=assignment.user, role=assignment.role, unit=assignment.unit)
            .exists()
        )
        if still_active:
            continue
        assignment.user.groups.remove(ensure_role_group(assignment.role, assignment.unit))
        record_event(
            f"user:{assignment.user_id}",
            "role.group_removed",
            actor=None,
            scope=assignment.unit.path,
            data={"role": assignment.role, "unit": assignment.unit.code, "valid_to": assignment.valid_to},
        )
        removed += 1
    return removed
