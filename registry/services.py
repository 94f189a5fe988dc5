"""Writes to the registry: units, role assignments, and the guardian grants derived from the assignments."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.models import GroupObjectPermission, UserObjectPermission
from guardian.shortcuts import assign_perm

from audit.services import EventSpec, record_event, record_events

from .models import ALLOWED_PARENT, ROLE_LEVELS, ROLE_PERMISSIONS, AdministrativeUnit, Role, RoleAssignment
from .selectors import forget_grants
from .signals import role_assignment_ended

UNIT_LABEL = AdministrativeUnit._meta.label_lower  # "registry.administrativeunit"


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


def _role_and_code(group_name: str) -> tuple[str, str] | None:
    """(role, unit code) of a per-unit role group's name; None for any other group."""
    role, at, code = group_name.partition("@")
    return (role, code) if at and code and role in Role.values else None


def ensure_role_group(role: str, unit: AdministrativeUnit) -> Group:
    """The per-unit role group, holding the role's object permissions on that unit (never on cases)."""
    group, created = Group.objects.get_or_create(name=role_group_name(role, unit))
    if created:
        for codename in ROLE_PERMISSIONS[role]:
            assign_perm(f"registry.{codename}", group, unit)
    return group


def _derive_membership(user, role: str, unit: AdministrativeUnit, *, on: datetime.date) -> None:
    """The user is in the unit's role group exactly while an assignment of the role on the unit is active."""
    group = ensure_role_group(role, unit)
    if RoleAssignment.objects.active(on=on).filter(user=user, role=role, unit=unit).exists():
        user.groups.add(group)
    else:
        user.groups.remove(group)


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
    """Give a user a role on a unit; from its first day the user is in the unit's role group."""
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
    group = ensure_role_group(role, unit)
    # A role starting later joins on its first day (derive_unit_permissions, nightly). One recorded after it
    # has already ended joins too and leaves that night: the derivation, not this write, is the exact rule.
    if assignment.valid_from <= timezone.localdate():
        user.groups.add(group)
    forget_grants(user)
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
    """Close a role assignment; the user leaves the unit's role group once no assignment of it is active."""
    if not reason.strip():
        raise ValidationError({"reason": _("A reason is required.")})
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    assignment.valid_to = on or timezone.localdate()
    assignment.save(update_fields=["valid_to"])
    # ended today or later: still a member until the day has passed (the nightly derivation takes it out)
    _derive_membership(assignment.user, assignment.role, assignment.unit, on=timezone.localdate())
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


@dataclass
class UnitPermissionDrift:
    """Where django-guardian differed from the role assignments active on a day (corrected, or to be).

    Memberships are (username, group); grants are (holder, codename, object) with the object as
    "<app.model>:<pk>" — a holder is a group, or "user:<username>" for a permission given to a user directly.
    """

    day: datetime.date
    missing_memberships: list[tuple[str, str]] = field(default_factory=list)
    extra_memberships: list[tuple[str, str]] = field(default_factory=list)
    missing_grants: list[tuple[str, str, str]] = field(default_factory=list)
    extra_grants: list[tuple[str, str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return (
            len(self.missing_memberships)
            + len(self.extra_memberships)
            + len(self.missing_grants)
            + len(self.extra_grants)
        )

    def lines(self) -> list[str]:
        """One translated line per difference (manage.py derive_unit_permissions prints them)."""
        return [
            *(
                _("%(user)s should be in group %(group)s") % {"user": u, "group": g}
                for u, g in self.missing_memberships
            ),
            *(
                _("%(user)s should not be in group %(group)s") % {"user": u, "group": g}
                for u, g in self.extra_memberships
            ),
            *(
                _("%(holder)s should hold %(perm)s on %(object)s") % {"holder": h, "perm": p, "object": o}
                for h, p, o in self.missing_grants
            ),
            *(
                _("%(holder)s should not hold %(perm)s on %(object)s") % {"holder": h, "perm": p, "object": o}
                for h, p, o in self.extra_grants
            ),
        ]


@transaction.atomic
def derive_unit_permissions(*, on: datetime.date | None = None, apply: bool = True) -> UnitPermissionDrift:
    """Make django-guardian say exactly what the role assignments active on the day (today) say.

    Derived set: every active (user, role, unit) puts the user in the group "role@unit code"; each such
    group holds the role's permissions (ROLE_PERMISSIONS) on its unit and nothing else; no other group and no
    user holds an object permission on a unit. The rest is removed, what is missing added; each membership
    change is an audit event on the user's stream, each grant change one on the holder's. Returns the
    differences found; with apply=False it only reports them. The nightly task and
    `manage.py derive_unit_permissions` run it; role writes keep memberships in step in between.
    """
    day = on or timezone.localdate()
    unit_type = ContentType.objects.get_for_model(AdministrativeUnit)
    membership_model = get_user_model().groups.through
    # guardian's side is read before the assignments: a role assigned or ended meanwhile is then seen on both
    # sides, or corrected harmlessly (adding ignores rows already there; removing a gone row removes nothing)
    groups = {pk: name for pk, name in Group.objects.filter(name__contains="@").values_list("pk", "name")}
    groups = {pk: name for pk, name in groups.items() if _role_and_code(name)}
    memberships = {
        (user_id, groups[group_id]): pk
        for pk, user_id, group_id in membership_model.objects.filter(group__name__contains="@").values_list(
            "pk", "user_id", "group_id"
        )
        if group_id in groups
    }
    # (holder, codename, object) -> (guardian model, row pk, holder's stream)
    grants = {
        (name, codename, f"{app}.{model}:{object_pk}"): (
            GroupObjectPermission,
            pk,
            f"config:auth.group:{group_id}",
        )
        for pk, group_id, name, codename, app, model, object_pk in GroupObjectPermission.objects.filter(
            Q(content_type=unit_type) | Q(group__name__contains="@")
        ).values_list(
            "pk",
            "group_id",
            "group__name",
            "permission__codename",
            "content_type__app_label",
            "content_type__model",
            "object_pk",
        )
    } | {
        (f"user:{username}", codename, f"{UNIT_LABEL}:{object_pk}"): (
            UserObjectPermission,
            pk,
            f"user:{user_id}",
        )
        for pk, user_id, username, codename, object_pk in UserObjectPermission.objects.filter(
            content_type=unit_type
        ).values_list("pk", "user_id", "user__username", "permission__codename", "object_pk")
    }
    active = set(
        RoleAssignment.objects.active(on=day).values_list("user_id", "user__username", "role", "unit__code")
    )

    wanted_groups = set(groups.values()) | {f"{role}@{code}" for _u, _n, role, code in active}
    units = _units_by_code({_role_and_code(name)[1] for name in wanted_groups})
    wanted_memberships = {(user_id, f"{role}@{code}"): username for user_id, username, role, code in active}
    wanted_grants = {
        (name, codename, f"{UNIT_LABEL}:{units[code][0]}")
        for name in wanted_groups
        for role, code in [_role_and_code(name)]
        if code in units
        for codename in ROLE_PERMISSIONS[role]
    }
    usernames = dict(
        get_user_model()
        .objects.filter(pk__in={user_id for user_id, _g in memberships.keys() - wanted_memberships.keys()})
        .values_list("pk", "username")
    )
    drift = UnitPermissionDrift(
        day,
        missing_memberships=sorted(
            (wanted_memberships[key], key[1]) for key in wanted_memberships.keys() - memberships.keys()
        ),
        extra_memberships=sorted(
            (usernames[user_id], group) for user_id, group in memberships.keys() - wanted_memberships.keys()
        ),
        missing_grants=sorted(wanted_grants - grants.keys()),
        extra_grants=sorted(grants.keys() - wanted_grants),
    )
    if apply and drift:
        _apply(drift, memberships, wanted_memberships, grants, units, unit_type)
    return drift


def _units_by_code(codes: set[str]) -> dict[str, tuple[int, str]]:
    """code -> (pk, path) of the units with these codes (read in chunks: a country has some 100,000 units)."""
    codes, found = sorted(codes), {}
    for at in range(0, len(codes), 900):
        rows = AdministrativeUnit.objects.filter(code__in=codes[at : at + 900]).values_list(
            "code", "pk", "path"
        )
        found.update({code: (pk, path) for code, pk, path in rows})
    return found


def _apply(drift, memberships, wanted_memberships, grants, units, unit_type) -> None:
    """Write the corrections derive_unit_permissions found, and one audit event for each."""
    membership_model = get_user_model().groups.through
    group_ids = dict(Group.objects.filter(name__contains="@").values_list("name", "pk"))
    for name in {group for _u, group in drift.missing_memberships} | {
        g for g, _p, _o in drift.missing_grants
    }:
        if name not in group_ids:
            group_ids[name] = Group.objects.create(name=name).pk
    added = sorted(wanted_memberships.keys() - memberships.keys())
    removed = sorted(memberships.keys() - wanted_memberships.keys())
    membership_model.objects.bulk_create(
        [membership_model(user_id=user_id, group_id=group_ids[group]) for user_id, group in added],
        ignore_conflicts=True,
    )
    membership_model.objects.filter(pk__in=[memberships[key] for key in removed]).delete()
    perm_ids = dict(Permission.objects.filter(content_type=unit_type).values_list("codename", "pk"))
    GroupObjectPermission.objects.bulk_create(
        [
            GroupObjectPermission(
                group_id=group_ids[group],
                permission_id=perm_ids[codename],
                content_type=unit_type,
                object_pk=obj.rpartition(":")[2],
            )
            for group, codename, obj in drift.missing_grants
        ],
        ignore_conflicts=True,
    )
    for model in (GroupObjectPermission, UserObjectPermission):
        model.objects.filter(
            pk__in=[grants[key][1] for key in drift.extra_grants if grants[key][0] is model]
        ).delete()

    # grant events are found by the unit's subtree, like every other event about a unit
    on_units = {
        obj for _h, _c, obj in drift.missing_grants + drift.extra_grants if obj.startswith(UNIT_LABEL)
    }
    unit_pks = {int(obj.rpartition(":")[2]) for obj in on_units if obj.rpartition(":")[2].isdigit()}
    paths = {
        f"{UNIT_LABEL}:{pk}": path
        for pk, path in AdministrativeUnit.objects.filter(pk__in=unit_pks).values_list("pk", "path")
    }

    def membership_event(event_type, user_id, group):
        role, code = _role_and_code(group)
        data = {"role": role, "unit": code, "day": drift.day}
        return EventSpec(
            f"user:{user_id}", event_type, data=data, scope=units[code][1] if code in units else ""
        )

    def grant_event(event_type, key):
        holder, codename, obj = key
        stream = grants[key][2] if key in grants else f"config:auth.group:{group_ids[holder]}"
        data = {"holder": holder, "permission": codename, "object": obj, "day": drift.day}
        return EventSpec(stream, event_type, data=data, scope=paths.get(obj, ""))

    record_events(
        [
            *(membership_event("role.group_added", *key) for key in added),
            *(membership_event("role.group_removed", *key) for key in removed),
            *(grant_event("unit_permission.granted", key) for key in drift.missing_grants),
            *(grant_event("unit_permission.revoked", key) for key in drift.extra_grants),
        ]
    )


@dataclass(frozen=True)
class NewRole:
    """One role to assign with assign_roles(): what assign_role's arguments mean."""

    user: object
    role: str
    unit: AdministrativeUnit
    valid_from: datetime.date
    valid_to: datetime.date | None = None


@transaction.atomic
def assign_roles(roles: list[NewRole], *, actor, source: str = "") -> list[RoleAssignment]:
    """assign_role() for many (the staff import): the same checks, the same group memberships and one
    `role.assigned` event each, in a few statements per batch. An assignment already recorded (same user,
    role, unit and first day) is left as it is and not returned."""
    today = timezone.localdate()
    for new in roles:
        if new.role not in Role.values:
            raise ValidationError(_("Invalid role."))
        if new.unit.level not in ROLE_LEVELS[new.role]:
            raise ValidationError(
                _("The role %(role)s cannot be assigned at level %(level)s.")
                % {"role": Role(new.role).label, "level": new.unit.get_level_display()}
            )
    created: list[RoleAssignment] = []
    for start in range(0, len(roles), 1000):
        batch = roles[start : start + 1000]
        existing = set(
            RoleAssignment.objects.filter(user__in={r.user.pk for r in batch}).values_list(
                "user_id", "role", "unit_id", "valid_from"
            )
        )
        rows = [
            RoleAssignment(
                user=r.user, role=r.role, unit=r.unit, valid_from=r.valid_from, valid_to=r.valid_to
            )
            for r in batch
            if (r.user.pk, r.role, r.unit.pk, r.valid_from) not in existing
        ]
        RoleAssignment.objects.bulk_create(rows)
        created.extend(rows)
    groups = {}
    for role, unit in {(a.role, a.unit.pk): (a.role, a.unit) for a in created}.values():
        groups[(role, unit.pk)] = ensure_role_group(role, unit)
    membership = get_user_model().groups.through
    membership.objects.bulk_create(
        [
            membership(user_id=a.user.pk, group_id=groups[(a.role, a.unit.pk)].pk)
            for a in created
            if a.valid_from <= today
        ],
        ignore_conflicts=True,
    )
    record_events(
        EventSpec(
            f"user:{a.user.pk}",
            "role.assigned",
            actor=actor,
            scope=a.unit.path,
            data={
                "role": a.role,
                "unit": a.unit.code,
                "valid_from": a.valid_from,
                "valid_to": a.valid_to,
                **({"source": source} if source else {}),
            },
        )
        for a in created
    )
    return created
