"""Deadlines: the SLA policy in working days (clock), the calendar (workdays), the sweep that reminds and
escalates (sweeps) and the texts it sends (notices)."""

from ..models import AT_RISK, BREACHED, ON_TRACK, PAUSED, STATE_LABELS
from .clock import (
    DEFAULT_WARNING_DAYS,
    OPEN,
    deadline_state,
    due_for,
    end_of,
    pause_clock,
    policy,
    resume_clock,
    schedule,
    start_of,
)

__all__ = [
    "AT_RISK",
    "BREACHED",
    "DEFAULT_WARNING_DAYS",
    "ON_TRACK",
    "OPEN",
    "PAUSED",
    "STATE_LABELS",
    "deadline_state",
    "due_for",
    "end_of",
    "pause_clock",
    "policy",
    "resume_clock",
    "schedule",
    "start_of",
]
