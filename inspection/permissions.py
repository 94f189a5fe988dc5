"""Who may use the inspector workspace, over which subtree, and who may start a verification."""

from django.core.exceptions import PermissionDenied

from registry.models import Role, UnitLevel
from registry.selectors import grants_for, scope_paths

INSPECTION_ROLES = frozenset({Role.INSPECTOR, Role.ADMINISTRATOR})


def inspection_paths(user) -> list[str]:
    """Unit paths whose subtrees the user inspects (inspector or administrator grants)."""
    return scope_paths(user, INSPECTION_ROLES)


def can_inspect(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or bool(inspection_paths(user))


def sees_province_wide(user) -> bool:
    """Province-wide inspectors and administrators also see streams of no unit (configuration changes)."""
    if user.is_superuser:
        return True
    return any(g.role in INSPECTION_ROLES and g.unit_level == UnitLevel.PROVINCE for g in grants_for(user))


def can_start_verification(user) -> bool:
    """Starting a verification is an administrator's act: it writes a run record and may notify everyone."""
    if user.is_superuser:
        return True
    return any(g.role == Role.ADMINISTRATOR for g in grants_for(user))


def ensure_can_inspect(user) -> None:
    if not can_inspect(user):
        raise PermissionDenied
