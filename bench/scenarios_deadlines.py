"""Deadline sweep scenario: one sweep over a province's open steps, a tenth of them due."""

import datetime
import time
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone
from viewflow.workflow.models import Task

from audit.models import AuditEvent, StreamHead
from fastpath.bulk import update_rows
from notifications.models import Notification
from workflows.deadlines import sweeps
from workflows.models import CaseTask, StepEffect

from .generate import BenchWorld
from .scenarios import QueryCounter, _no_debug, scenario


class _Rollback(Exception):
    pass


@scenario("deadline_sweep")
def deadline_sweep(
    world: BenchWorld,
    *,
    open_tasks: int = 100_000,
    due_share: float = 0.10,
    escalated_share: float = 0.02,
    log: Callable[[str], None] | None = print,
) -> dict:
    """`sweeps.sweep()` once, timed, over every open human step (at least `open_tasks`), of which `due_share`
    are past their reminder time and `escalated_share` also past their escalation time (the rest due in a few
    days, none stalled). Untimed preparation moves the clocks of the generated steps; everything, the sweep's
    writes included, is rolled back afterwards so the data set stays reusable. The e-mails are sent after
    commit by a Celery task and are not part of the sweep."""
    log = log or (lambda _msg: None)
    now = timezone.now()
    soon, later = now + datetime.timedelta(days=3), now + datetime.timedelta(days=8)
    result: dict = {}
    try:
        with transaction.atomic():
            added = _top_up(open_tasks)
            open_steps = CaseTask.objects.filter(status__in=sweeps.OPEN, flow_task_type="HUMAN")
            open_ids = list(open_steps.order_by("pk").values_list("pk", flat=True))
            if len(open_ids) < open_tasks:
                raise AssertionError(f"the data set has {len(open_ids)} open steps, fewer than {open_tasks}")
            due = open_ids[:: round(1 / due_share)]
            escalated = due[:: round(due_share / escalated_share)]
            if added:
                log(f"    {added} collect steps added (rolled back) to {len(open_ids) - added} generated")
            # by subquery, not by a list of 100,000 ids: a statement takes at most 65,535 parameters
            # (prepared statements, config/settings.py)
            StepEffect.objects.filter(task__in=open_steps.values("pk")).delete()
            # one UPDATE per table: every row rewritten once (more would bloat what the sweep then scans)
            Task.objects.filter(pk__in=open_steps.values("pk")).update(
                created=now - datetime.timedelta(days=2)
            )
            due_set, escalated_set = set(due), set(escalated)
            reminded, escalates = now - datetime.timedelta(hours=1), now - datetime.timedelta(minutes=5)
            clocks = [
                (pk, None, reminded if pk in due_set else soon, escalates if pk in escalated_set else later)
                for pk in open_ids
            ]
            update_rows(CaseTask, "task_ptr", ("paused_at", "remind_at", "escalate_at"), clocks)
            counter = QueryCounter()
            with _no_debug(), connection.execute_wrapper(counter):
                counter.bucket = "sweep"
                t0 = time.perf_counter()
                delivered = sweeps.sweep(now)
                dt = time.perf_counter() - t0
                counter.bucket = None
            expected = {"reminder": len(due), "escalation": len(escalated), "stalled": 0}
            if delivered != expected:
                raise AssertionError(f"sweep delivered {delivered}, expected {expected}")
            created = Notification.objects.filter(kind__startswith="deadline_", created_at__gte=now)
            notifications = created.count()
            log(
                f"    {len(open_ids)} open steps, {delivered}: {dt * 1000:.0f} ms, "
                f"{counter.counts['sweep']} statements, {notifications} notifications"
            )
            result = {
                "open_tasks": len(open_ids),
                "due": len(due),
                "escalated": len(escalated),
                "notifications": notifications,
                "ms": round(dt * 1000),
                "queries": counter.counts["sweep"],
            }
            raise _Rollback
    except _Rollback:
        pass
    _vacuum()
    return result


def _vacuum() -> None:
    """The rolled-back rows are dead tuples in the tables every page scenario reads: clear them now rather
    than leave the next runs to whenever autovacuum comes by."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:  # VACUUM needs autocommit
        return
    tables = [m._meta.db_table for m in (CaseTask, StepEffect, Notification, AuditEvent, StreamHead)]
    with connection.cursor() as cursor:
        for table in [*tables, "viewflow_task"]:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")


# An open collect step for each case that has no open step (a decided or closed case), copied from a generated
# one, until there are `minimum` open steps; PostgreSQL only (viewflow's task and ours in one statement).
TOP_UP_SQL = """
WITH template AS (
    SELECT t.flow_task, t.flow_task_type, t.owner_permission FROM viewflow_task t
    JOIN workflows_casetask ct ON ct.task_ptr_id = t.id WHERE ct.step = 'collect' AND t.status = 'NEW' LIMIT 1
), targets AS (
    SELECT cp.process_ptr_id AS process_id FROM workflows_caseprocess cp
    WHERE NOT EXISTS (
        SELECT 1 FROM workflows_casetask ct JOIN viewflow_task t ON t.id = ct.task_ptr_id
        WHERE ct.case_id = cp.case_id AND t.status IN ('NEW', 'ASSIGNED', 'STARTED')
    )
    ORDER BY cp.case_id LIMIT %s
), added AS (
    INSERT INTO viewflow_task
        (flow_task, flow_task_type, status, created, token, owner_permission, process_id, data)
    SELECT template.flow_task, template.flow_task_type, 'NEW', now(), 'start', template.owner_permission,
           targets.process_id, '{}'::jsonb
    FROM targets, template RETURNING id, process_id
)
INSERT INTO workflows_casetask (task_ptr_id, case_id, unit_id, queued, step, pause_reason)
SELECT added.id, cp.case_id, c.unit_id, true, 'collect', '' FROM added
JOIN workflows_caseprocess cp ON cp.process_ptr_id = added.process_id JOIN cases_case c ON c.id = cp.case_id
"""


def _top_up(minimum: int) -> int:
    have = CaseTask.objects.filter(status__in=sweeps.OPEN, flow_task_type="HUMAN").count()
    if have >= minimum or connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(TOP_UP_SQL, [minimum - have])
        return cursor.rowcount
