"""Reads of the registry, scoped to what a user may see."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q
from django.utils import timezone
from guardian.models import UserObjectPermission
from guardian.shortcuts import get_groups_with_perms, get_users_with_perms

from fastpath.compiled import CompiledQuery

from .models import ROLE_PERMISSIONS, AdministrativeUnit, RoleAssignment

_CACHE_ATTR = "_registry_grants_cache"


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int
    unit_code: str
    unit_path: str
    unit_level: str


def grants_for(user) -> list[Grant]:
    """The user's active role grants; cached on the user object, i.e. once per request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = [Grant(*row) for row in _GRANTS.all(user.pk, timezone.localdate())]
        setattr(user, _CACHE_ATTR, cached)
    return cached


# compiled once (fastpath.compiled): every request of a signed-in user runs it
_GRANTS = CompiledQuery(
    lambda user_id, day: (
        RoleAssignment.objects.active(on=day)
        .filter(user_id=user_id)
        .values_list("role", "unit_id", "unit__code", "unit__path", "unit__level")
    ),
    kinds=[int, datetime.date],
)


def forget_grants(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def scope_paths(user, roles=None) -> list[str]:
    """Unit paths whose subtrees the user may see (for the given roles, or any)."""
    # paths already covered by an ancestor path are dropped, so prefix filters stay short
    return covering_paths({g.unit_path for g in grants_for(user) if roles is None or g.role in roles})


def covering_paths(paths) -> list[str]:
    """The paths not inside another one of them (a grant on a commune covers its villages), sorted.

    In sorted order a subtree's paths follow its root without a gap, so a path is covered exactly when it
    lies under the last path kept: one pass, not a comparison of every pair (400 grants: 80,000 of them).
    """
    kept: list[str] = []
    for path in sorted(paths):
        if not (kept and path.startswith(kept[-1])):
            kept.append(path)
    return kept


# Above this many subtrees, rows are matched by their unit's membership in the units under the paths.
MANY_PATHS = 8


def path_q(paths: list[str], field: str = "path", *, unit_field: str | None = None) -> Q:
    """A Q matching rows whose `field` (a materialised unit path) lies in any of the subtrees; matches
    nothing for no paths.

    A few subtrees become prefix matches, which the path indexes serve. With `unit_field` (the row's unit
    foreign key) and more than MANY_PATHS subtrees — a user with grants on hundreds of villages — the row's
    unit must be one of the units under the paths instead: PostgreSQL tests the prefixes once per unit in a
    hashed subquery rather than once per row (a 200-village queue: one hash probe instead of 200 LIKEs).
    """
    if not paths:
        return Q(pk__in=[])
    if unit_field is not None and len(paths) > MANY_PATHS:
        return Q(**{f"{unit_field}__in": AdministrativeUnit.objects.filter(path_q(paths)).values("pk")})
    q = Q()
    for p in paths:
        q |= Q(**{f"{field}__startswith": p})
    return q


def grant_covering(user, unit_path: str, roles) -> Grant | None:
    """The user's grant (among roles) whose unit contains unit_path, the nearest one first."""
    matches = [g for g in grants_for(user) if g.role in roles and unit_path.startswith(g.unit_path)]
    return max(matches, key=lambda g: len(g.unit_path), default=None)


def units_for(user):
    if user.is_superuser:
        return AdministrativeUnit.objects.all()
    return AdministrativeUnit.objects.filter(path_q(scope_paths(user)))


@dataclass(frozen=True)
class UnitPermissionHolder:
    """A user with permissions on one unit: guardian's answer next to the role assignments it derives from."""

    user: object
    permissions: frozenset[str]  # codenames guardian grants the user on the unit (through groups or directly)
    assignments: tuple[RoleAssignment, ...]  # the user's role assignments on the unit active today

    @property
    def derived_permissions(self) -> frozenset[str]:
        """What the role assignments grant on the unit (ROLE_PERMISSIONS of the active roles)."""
        return frozenset(c for a in self.assignments for c in ROLE_PERMISSIONS[a.role])

    @property
    def differs(self) -> bool:
        return self.permissions != self.derived_permissions


def unit_permission_holders(unit: AdministrativeUnit) -> list[UnitPermissionHolder]:
    """Who holds which permission on this very unit, read from django-guardian (group and user object
    permissions), with each holder's active role assignments on the unit; a user with an active assignment
    but no grant in guardian (not yet derived) is listed too. Superusers, who hold everything, are not."""
    group_perms = get_groups_with_perms(unit, attach_perms=True)
    by_group = {group.pk: frozenset(codenames) for group, codenames in group_perms.items()}
    direct: dict[int, set[str]] = {}
    for user_id, codename in UserObjectPermission.objects.filter(
        content_type=ContentType.objects.get_for_model(unit), object_pk=str(unit.pk)
    ).values_list("user_id", "permission__codename"):
        direct.setdefault(user_id, set()).add(codename)
    users = get_users_with_perms(unit, with_group_users=True).prefetch_related(
        Prefetch("groups", queryset=Group.objects.filter(pk__in=by_group), to_attr="unit_groups")
    )
    assignments: dict[int, list[RoleAssignment]] = {}
    for assignment in RoleAssignment.objects.active().filter(unit=unit).select_related("user"):
        assignments.setdefault(assignment.user_id, []).append(assignment)
    holders = {
        user.pk: UnitPermissionHolder(
            user,
            frozenset(direct.get(user.pk, ())).union(*(by_group[g.pk] for g in user.unit_groups)),
            tuple(assignments.pop(user.pk, ())),
        )
        for user in users
    }
    for user_assignments in assignments.values():
        holders[user_assignments[0].user_id] = UnitPermissionHolder(
            user_assignments[0].user, frozenset(), tuple(user_assignments)
        )
    return sorted(holders.values(), key=lambda h: h.user.get_username())


def users_covering(user_ids, unit_path: str, *, on: datetime.date | None = None) -> set[int]:
    """Those of the users who hold, on the day (today), some role on the unit at `unit_path` or above it:
    the people still concerned by what happens there (a former holder is not)."""
    ids = {pk for pk in user_ids if pk is not None}
    if not ids:
        return set()
    codes = unit_path.strip("/").split("/")
    paths = ["/" + "/".join(codes[:depth]) + "/" for depth in range(1, len(codes) + 1)]
    return set(
        RoleAssignment.objects.active(on=on or timezone.localdate())
        .filter(user_id__in=ids, unit__path__in=paths)
        .values_list("user_id", flat=True)
    )
