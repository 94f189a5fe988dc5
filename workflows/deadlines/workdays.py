"""The working-day calendar: weekends, Vietnam's public holidays (the lunar ones, Tết, included, with the
compensatory days off the government announces, from the maintained `holidays` package) and the days an
administrator adds — extra days off, and working Saturdays given in exchange for a bridge holiday.

Deadlines are counted on it. The administrator's days and the step deadlines are read from the database at
most once every CACHE_SECONDS per process (and at once in the process that changed them), so that creating
a step costs no query.
"""

import datetime
import threading
import time
from functools import lru_cache

import holidays
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

CACHE_SECONDS = 300
_lock = threading.Lock()
_loaded: dict[str, tuple[float, object]] = {}


@lru_cache(maxsize=32)
def public_holidays(year: int) -> holidays.HolidayBase:
    """Vietnam's public holidays of a year (Vietnamese names)."""
    return holidays.country_holidays("VN", years=year, language="vi")


def _cached(key: str, load):
    now = time.monotonic()
    with _lock:
        hit = _loaded.get(key)
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    value = load()
    with _lock:
        _loaded[key] = (now, value)
    return value


def forget() -> None:
    """Drop the cached administrator days and step deadlines (after a change, and between tests)."""
    with _lock:
        _loaded.clear()


class WorkCalendar:
    """Which days are working days; dates are local (Asia/Ho_Chi_Minh) calendar dates."""

    def __init__(
        self, days_off: set[datetime.date] = frozenset(), working_days: set[datetime.date] = frozenset()
    ):
        self.days_off = frozenset(days_off)
        self.working_days = frozenset(working_days)

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off or day.weekday() >= 5:
            return False
        return day not in public_holidays(day.year)

    def add(self, day: datetime.date, n: int) -> datetime.date:
        """The n-th working day after `day` (n ≥ 0; n = 0 gives `day` itself), or before it for n < 0."""
        step = 1 if n >= 0 else -1
        left = abs(n)
        while left:
            day += datetime.timedelta(days=step)
            if self.is_working_day(day):
                left -= 1
        return day

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """How many working days lie after `start`, up to and including `end` (0 if end ≤ start)."""
        count, day = 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            count += self.is_working_day(day)
        return count


def calendar() -> WorkCalendar:
    def load():
        from ..models import CalendarDay

        days_off, working = set(), set()
        for day, is_working in CalendarDay.objects.values_list("date", "is_working_day"):
            (working if is_working else days_off).add(day)
        return WorkCalendar(days_off, working)

    return _cached("calendar", load)


def step_deadlines() -> dict[tuple[int, str], tuple[int, int]]:
    """(title type id, step) -> (working days, warning days), as the administrator set them."""

    def load():
        from ..models import StepDeadline

        return {
            (title_type_id, step): (days, warning)
            for title_type_id, step, days, warning in StepDeadline.objects.values_list(
                "title_type_id", "step", "working_days", "warning_days"
            )
        }

    return _cached("deadlines", load)


@receiver([post_save, post_delete], sender="workflows.CalendarDay", dispatch_uid="workdays.calendar_changed")
@receiver([post_save, post_delete], sender="workflows.StepDeadline", dispatch_uid="workdays.deadline_changed")
def _changed(**kwargs):
    forget()
