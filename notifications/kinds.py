"""The kinds of notification the apps above send, with their labels and how they are mailed.

Upper apps register their kinds at start-up (AppConfig.ready); this app knows users and kinds, not cases or
workflows. A digest kind is not mailed one by one: it waits for the daily digest (supervisors receive
escalations for many steps at once).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    digest: bool = False


KINDS: dict[str, Kind] = {}


def register(code: str, label, *, digest: bool = False) -> None:
    KINDS[code] = Kind(code, label, digest)


def is_digest(code: str) -> bool:
    kind = KINDS.get(code)
    return kind is not None and kind.digest


def label(code: str):
    kind = KINDS.get(code)
    return kind.label if kind else code
