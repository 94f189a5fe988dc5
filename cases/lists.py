"""The open lists a case can be on (a village meeting's list, a draft decision's annex): upper floors register
who holds cases here from their AppConfig.ready(), as they register panels (a lower floor never imports them).

While a case is on an open list, the list decides for it: a one-case action (cases.services.move_case) is
refused with a message naming the list, until the list is closed or signed, or the case is dropped from it.
"""

from collections.abc import Callable, Iterable

# case ids -> {case id: the list's name, as a user reads it}
Holder = Callable[[list[int]], dict[int, str]]

_holders: list[Holder] = []


def register(holder: Holder) -> None:
    if holder not in _holders:
        _holders.append(holder)


def lists_holding(case_ids: Iterable[int]) -> dict[int, str]:
    """The open list each of the cases is on, for those on one."""
    ids = list(case_ids)
    held: dict[int, str] = {}
    for holder in _holders:
        for case_id, name in holder(ids).items():
            held.setdefault(case_id, name)
    return held
