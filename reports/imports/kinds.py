"""The kinds of registry import, by the key an ImportJob stores and by the slug in the URL."""

from .base import ImportKind
from .clans import CLANS
from .households import HOUSEHOLDS
from .nominations import NOMINATIONS
from .organisations import ORGANISATIONS
from .staff import STAFF
from .villages import VILLAGES

KINDS: dict[str, ImportKind] = {
    k.key: k for k in (VILLAGES, STAFF, HOUSEHOLDS, CLANS, ORGANISATIONS, NOMINATIONS)
}
BY_SLUG: dict[str, ImportKind] = {k.slug: k for k in KINDS.values()}


def kind_of(key: str) -> ImportKind:
    return KINDS[key]


def kinds_for(user) -> list[ImportKind]:
    """The kinds the user may import, in menu order."""
    return [k for k in KINDS.values() if k.allows(user)]
