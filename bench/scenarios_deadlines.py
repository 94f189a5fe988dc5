"""Deadline sweep scenario: one sweep over a province's open steps, a tenth of them due."""

import datetime
import time
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from notifications.models import Notification
from workflows import sweeps
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
    open_ids = list(
        CaseTask.objects.filter(status__in=sweeps.OPEN, flow_task_type="HUMAN")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(open_ids) < open_tasks:
        raise AssertionError(f"the data set has {len(open_ids)} open steps, fewer than {open_tasks}")
    every = round(1 / due_share)
    due = open_ids[::every]
    escalated = due[:: round(due_share / escalated_share)]
    soon, later = now + datetime.timedelta(days=3), now + datetime.timedelta(days=8)
    result: dict = {}
    try:
        with transaction.atomic():
            StepEffect.objects.filter(task_id__in=open_ids).delete()
            CaseTask.objects.filter(pk__in=open_ids).update(
                remind_at=soon, escalate_at=later, paused_at=None, created=now - datetime.timedelta(days=2)
            )
            CaseTask.objects.filter(pk__in=due).update(remind_at=now - datetime.timedelta(hours=1))
            CaseTask.objects.filter(pk__in=escalated).update(escalate_at=now - datetime.timedelta(minutes=5))
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
    return result
