"""Unit permissions as the role assignments define them: the rule django-guardian's grants are derived from.

A role assignment (user, role, unit, valid from/to) is the source. While it is active, its holder has the
role's unit permissions (models.ROLE_PERMISSIONS) on exactly that unit; guardian holds the same grants, as
object permissions of the per-unit role group (services.derive_unit_permissions), for the admin to show and
viewflow to check. That a grant on a commune covers the cases of its villages is scoping
(selectors.grant_covering, cases.permissions), not this.
"""

from django.db.models import Model

from .models import ROLE_PERMISSIONS, AdministrativeUnit, Role, UnitLevel
from .selectors import covering_paths, grants_for

# Every unit permission (the codenames of AdministrativeUnit.Meta.permissions), in declaration order.
UNIT_PERMISSIONS: tuple[str, ...] = tuple(
    codename for codename, _label in AdministrativeUnit._meta.permissions
)


def permission_roles(codename: str) -> frozenset[str]:
    """The roles that carry a unit permission where they are assigned."""
    return frozenset(role for role, codenames in ROLE_PERMISSIONS.items() if codename in codenames)


def holds_unit_permission(user, codename: str, unit: Model) -> bool:
    """Whether one of the user's roles active today is assigned on this very unit and carries the permission:
    what guardian answers to user.has_perm("registry.<codename>", unit) once today's derivation has run."""
    roles = permission_roles(codename)
    return any(g.unit_id == unit.pk and g.role in roles for g in grants_for(user))


# Who manages whose roles (people management, staff imports): administrators every role in their province,
# supervisors the working roles in their area, commune officers the village roles of their commune.
MANAGED_BY_SUPERVISOR = frozenset(
    {
        Role.VILLAGE_OFFICER,
        Role.ASSESSOR,
        Role.VILLAGE_HEAD,
        Role.COMMUNE_OFFICER,
        Role.COMMUNE_CHAIR,
        Role.AUDITOR,
    }
)
MANAGED_BY_COMMUNE_OFFICER = frozenset({Role.VILLAGE_OFFICER, Role.ASSESSOR, Role.VILLAGE_HEAD})
PEOPLE_ROLES = frozenset({Role.ADMINISTRATOR, Role.SUPERVISOR, Role.COMMUNE_OFFICER})


def can_manage_role(user, role: str, unit: AdministrativeUnit) -> bool:
    """Whether the user may assign, end or hand over `role` on `unit` (and reset its holder's access)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    for grant in grants_for(user):
        if not unit.path.startswith(grant.unit_path):
            continue
        if grant.role == Role.ADMINISTRATOR:
            return True
        if grant.role == Role.SUPERVISOR and role in MANAGED_BY_SUPERVISOR:
            return True
        if (
            grant.role == Role.COMMUNE_OFFICER
            and role in MANAGED_BY_COMMUNE_OFFICER
            and unit.level == UnitLevel.VILLAGE
        ):
            return True
    return False


def managed_paths(user) -> list[str] | None:
    """The unit subtrees whose people the user manages (some of their roles); None means everywhere."""
    if user.is_superuser:
        return None
    return covering_paths({g.unit_path for g in grants_for(user) if g.role in PEOPLE_ROLES})
