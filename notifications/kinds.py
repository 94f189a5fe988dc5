"""The kinds of notification the apps above send, with their labels and how they are mailed.

Upper apps register their kinds at start-up (AppConfig.ready); this app knows users and kinds, not cases or
workflows. A digest kind is not mailed one by one: it waits for the daily digest (supervisors receive
escalations for many steps at once).

A kind's texts come from the templates notifications/<code>_title.txt and <code>_body.txt, or, for kinds sent
by the thousand (the deadline sweep), from a `render(context) -> (title, body)` function it registers.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    digest: bool = False
    render: Callable[[dict], tuple[str, str]] | None = None


KINDS: dict[str, Kind] = {}


def register(code: str, label, *, digest: bool = False, render=None) -> None:
    KINDS[code] = Kind(code, label, digest, render)


def is_digest(code: str) -> bool:
    kind = KINDS.get(code)
    return kind is not None and kind.digest


def label(code: str):
    kind = KINDS.get(code)
    return kind.label if kind else code
