"""The workflow's reads: the work lists (workflows.officer.selectors) and the supervisor's workspace
(workflows.supervision.selectors)."""

from .officer.selectors import (
    CASE_LEVELS,
    TaskFilters,
    archive_for,
    inbox_for,
    open_step_for,
    queue_for,
    queue_q,
)

__all__ = ["CASE_LEVELS", "TaskFilters", "archive_for", "inbox_for", "open_step_for", "queue_for", "queue_q"]
