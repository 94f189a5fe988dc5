"""The deadline sweep: reminders, escalations and stalls, each exactly once per step, caught up after gaps."""

import datetime
import threading
import time
import zoneinfo

import pytest
import time_machine
from django.db import connection

from audit.models import AuditEvent
from notifications.models import Notification
from workflows import deadlines, services
from workflows.deadlines import sweeps
from workflows.models import StepEffect

from .walk import open_case

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, m, d, hour=10):
    return datetime.datetime(y, m, d, hour, tzinfo=HCM)


def _opened_monday(world, claim=True):
    """A collect step opened Mon 09/03/2026: due Mon 23/03, reminder from Fri 20/03, escalated after 25/03."""
    with time_machine.travel(at(2026, 3, 9), tick=False):
        case = open_case(world)
        task = services.open_task(case, "collect")
        if claim:
            services.claim_task(task, actor=world.user("officer_a1"))
    return case, task


def _events(case, kind):
    return AuditEvent.objects.filter(stream=case.stream, event_type=f"deadline.{kind}")


def test_schedule_is_stored_with_the_step(world):
    _case, task = _opened_monday(world)
    assert task.remind_at == datetime.datetime(2026, 3, 20, tzinfo=HCM)
    assert task.escalate_at == datetime.datetime(2026, 3, 25, 23, 59, 59, tzinfo=HCM)


def test_the_assignee_is_reminded_once_inside_the_warning_window(world):
    case, _task = _opened_monday(world)
    assert sweeps.sweep(at(2026, 3, 19, 23)) == {"reminder": 0, "escalation": 0, "stalled": 0}
    assert sweeps.sweep(at(2026, 3, 20, 8))["reminder"] == 1
    assert sweeps.sweep(
        at(
            2026,
            3,
            20,
            8,
        )
    ) == {"reminder": 0, "escalation": 0, "stalled": 0}
    reminder = Notification.objects.get(kind="deadline_reminder")
    assert reminder.user == world.user("officer_a1")
    assert case.reference in reminder.title and "23/03/2026" in reminder.body
    assert _events(case, "reminder").count() == 1
    assert _events(case, "reminder").get().data["notified"] == ["officer_a1"]


def test_an_unclaimed_step_reminds_those_who_may_take_it(world):
    case, _task = _opened_monday(world, claim=False)
    sweeps.sweep(at(2026, 3, 20))
    assert set(
        Notification.objects.filter(kind="deadline_reminder").values_list("user__username", flat=True)
    ) == {"officer_a1"}


def test_escalation_goes_to_the_supervisor_after_the_grace_period(world):
    case, _task = _opened_monday(world)
    sweeps.sweep(at(2026, 3, 25, 23))  # due 23/03, two working days of grace: not yet
    assert not _events(case, "escalation").exists()
    assert sweeps.sweep(at(2026, 3, 26))["escalation"] == 1
    escalation = Notification.objects.get(kind="deadline_escalation")
    assert escalation.user == world.user("supervisor_a")
    assert "officer_a1" in escalation.body


def test_a_sweep_after_an_outage_catches_up_everything_once(world):
    case, _task = _opened_monday(world)
    # no sweep ran for weeks (broker down): the first one delivers what is due, once
    assert sweeps.sweep(at(2026, 4, 20)) == {"reminder": 1, "escalation": 1, "stalled": 1}
    assert sweeps.sweep(at(2026, 4, 20, 11)) == {"reminder": 0, "escalation": 0, "stalled": 0}
    assert _events(case, "stalled").count() == 1
    assert Notification.objects.filter(kind="deadline_stalled", user=world.user("supervisor_a")).count() == 1


def test_paused_and_finished_steps_are_left_alone(world):
    _case, task = _opened_monday(world)
    with time_machine.travel(at(2026, 3, 10), tick=False):
        deadlines.pause_clock(task, actor=world.user("officer_a1"), reason="Chờ hộ bổ sung giấy tờ")
    assert sweeps.sweep(at(2026, 3, 27)) == {"reminder": 0, "escalation": 0, "stalled": 0}
    assert not StepEffect.objects.exists()


def test_a_sweep_that_dies_mid_batch_is_delivered_by_the_next(world, monkeypatch):
    case, _task = _opened_monday(world)
    original = sweeps._announce

    def dies(kind, tasks):
        original(kind, tasks)  # notifications and events written ...
        raise RuntimeError("worker killed")  # ... then the worker dies before commit

    monkeypatch.setattr(sweeps, "_announce", dies)
    with pytest.raises(RuntimeError):
        sweeps.sweep(at(2026, 3, 20))
    assert not StepEffect.objects.exists() and not Notification.objects.exists()
    monkeypatch.setattr(sweeps, "_announce", original)
    assert sweeps.sweep(at(2026, 3, 20))["reminder"] == 1
    assert Notification.objects.filter(kind="deadline_reminder").count() == 1
    assert _events(case, "reminder").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_deliver_each_effect_once(world, requires_postgres, monkeypatch):
    cases = []
    with time_machine.travel(at(2026, 3, 9), tick=False):
        for _ in range(6):
            cases.append(open_case(world))
    original = sweeps._announce

    def slow(kind, tasks):
        time.sleep(0.3)  # keep the two transactions open over each other
        return original(kind, tasks)

    monkeypatch.setattr(sweeps, "_announce", slow)
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(sweeps.sweep(at(2026, 3, 20)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sum(r["reminder"] for r in results) == 6, results
    assert StepEffect.objects.filter(kind="reminder").count() == 6
    assert Notification.objects.filter(kind="deadline_reminder").count() == 6
    assert AuditEvent.objects.filter(event_type="deadline.reminder").count() == 6


def test_a_batch_costs_the_same_statements_for_few_steps_as_for_many(world):
    """Claims, notifications and audit events are written per batch, not per step."""
    from django.db.models import Q
    from django.test.utils import CaptureQueriesContext

    def sweep_statements(n, day):
        with time_machine.travel(at(2026, 3, day), tick=False):
            for _ in range(n):
                open_case(world)
        due = Q(remind_at__lte=at(2026, 3, day + 11))  # the reminders only: the first steps escalate too
        with CaptureQueriesContext(connection) as queries:
            assert sweeps._deliver(StepEffect.Kind.REMINDER, due) == n
        return len(queries)

    few = sweep_statements(2, 2)
    many = sweep_statements(9, 9)
    assert few == many, (few, many)
    assert Notification.objects.filter(kind="deadline_reminder").count() == 11
    assert AuditEvent.objects.filter(event_type="deadline.reminder").count() == 11
