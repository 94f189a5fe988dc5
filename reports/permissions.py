"""Who may import registry files and where: commune officers in their commune, administrators in their
province; an importer only writes into units inside those. Nominations also need the right to nominate
there (commune officers)."""

from .imports.kinds import KINDS


def can_import(user, kind: str | None = None) -> bool:
    """May the user import files of `kind` (any kind when None)?"""
    if kind is not None:
        return KINDS[kind].allows(user)
    return any(k.allows(user) for k in KINDS.values())
