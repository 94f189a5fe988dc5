"""Links to many objects at the cost of one reverse(): list pages and sweeps make hundreds of them."""

from collections.abc import Callable

from django.urls import reverse

_PLACEHOLDER = 987654321


def link_maker(name: str) -> Callable[[int], str]:
    """A function returning reverse(name, args=[pk]): the URL is reversed once for a placeholder number and
    the number replaced (the URL patterns take the primary key as a plain integer)."""
    head, tail = reverse(name, args=[_PLACEHOLDER]).split(str(_PLACEHOLDER), 1)
    return lambda pk: f"{head}{pk}{tail}"
