"""Who may import registry files and where: commune officers in their commune, administrators in their
province; an importer only writes into villages inside those units."""

from registry.models import Role
from registry.selectors import scope_paths

IMPORT_ROLES = frozenset({Role.COMMUNE_OFFICER, Role.ADMINISTRATOR})


def import_scope(user) -> list[str] | None:
    """Unit paths the user may import into; None means everywhere (superusers)."""
    if getattr(user, "is_superuser", False):
        return None
    return scope_paths(user, roles=IMPORT_ROLES)


def can_import(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    scope = import_scope(user)
    return scope is None or bool(scope)
