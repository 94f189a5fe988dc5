"""Unit permissions as the role assignments define them: the rule django-guardian's grants are derived from.

A role assignment (user, role, unit, valid from/to) is the source. While it is active, its holder has the
role's unit permissions (models.ROLE_PERMISSIONS) on exactly that unit; guardian holds the same grants, as
object permissions of the per-unit role group (services.derive_unit_permissions), for the admin to show and
viewflow to check. That a grant on a commune covers the cases of its villages is scoping
(selectors.grant_covering, cases.permissions), not this.
"""

from django.db.models import Model

from .models import ROLE_PERMISSIONS, AdministrativeUnit
from .selectors import grants_for

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
