"""Working-day deadlines: Vietnamese holidays (Tết), the administrator's days, per-title policy, pauses."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from tests.builders import gdht
from workflows import deadlines, services
from workflows.deadlines import AT_RISK, BREACHED, ON_TRACK, PAUSED, deadline_state
from workflows.deadlines.workdays import WorkCalendar
from workflows.models import CalendarDay, StepDeadline

from .walk import open_case

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, m, d, hour=10):
    return datetime.datetime(y, m, d, hour, tzinfo=HCM)


def due_day(task):
    return timezone.localtime(task.due_at).date()


def test_a_step_opened_the_friday_before_tet_is_due_ten_working_days_after_the_holiday(world):
    # Tết Bính Ngọ: Mon 16/02 – Fri 20/02/2026 are public holidays; 10 working days from Fri 13/02
    with time_machine.travel(at(2026, 2, 13), tick=False):
        task = services.open_task(open_case(world), "collect")
    assert due_day(task) == datetime.date(2026, 3, 6)
    assert timezone.localtime(task.due_at).time() == datetime.time(23, 59, 59)
    # weekends alone would have given Fri 27/02
    assert WorkCalendar().add(datetime.date(2026, 2, 13), 10) == datetime.date(2026, 3, 6)


def test_lunar_and_compensatory_holidays_are_not_working_days():
    calendar = WorkCalendar()
    assert not calendar.is_working_day(datetime.date(2027, 2, 4))  # 29 Tết, 2027
    assert not calendar.is_working_day(datetime.date(2026, 4, 27))  # Giỗ Tổ Hùng Vương, day off in lieu
    assert calendar.is_working_day(datetime.date(2026, 4, 28))
    assert calendar.between(datetime.date(2026, 4, 24), datetime.date(2026, 4, 28)) == 1


def test_the_administrators_days_off_and_working_saturdays_count(world):
    CalendarDay.objects.create(date=datetime.date(2026, 2, 23), note="Nghỉ thêm sau Tết")
    with time_machine.travel(at(2026, 2, 13), tick=False):
        task = services.open_task(open_case(world), "collect")
    assert due_day(task) == datetime.date(2026, 3, 9)

    CalendarDay.objects.create(date=datetime.date(2026, 2, 28), is_working_day=True, note="Làm bù")
    with time_machine.travel(at(2026, 2, 13), tick=False):
        task = services.open_task(open_case(world), "collect")
    assert due_day(task) == datetime.date(2026, 3, 6)


def test_the_policy_is_per_title_type_and_editable(world):
    rule = StepDeadline.objects.get(title_type=gdht(), step="collect")
    assert (rule.working_days, rule.warning_days) == (10, 2)  # shipped by the migration
    rule.working_days = 3
    rule.save()
    with time_machine.travel(at(2026, 3, 9), tick=False):  # a Monday
        task = services.open_task(open_case(world), "collect")
    assert due_day(task) == datetime.date(2026, 3, 12)


def test_state_moves_from_on_track_to_at_risk_to_breached(world):
    with time_machine.travel(at(2026, 3, 9), tick=False):
        task = services.open_task(open_case(world), "collect")  # due Mon 23/03, warning 2 working days
    assert due_day(task) == datetime.date(2026, 3, 23)
    assert deadline_state(task, at(2026, 3, 18)) == ON_TRACK
    assert deadline_state(task, at(2026, 3, 19)) == ON_TRACK  # Thu: 2 working days before is the edge
    assert deadline_state(task, at(2026, 3, 20)) == AT_RISK
    assert deadline_state(task, at(2026, 3, 23, 23)) == AT_RISK
    assert deadline_state(task, at(2026, 3, 24, 0)) == BREACHED


def test_pause_and_resume_move_the_due_date_by_the_paused_working_days(world):
    officer = world.user("officer_a1")
    with time_machine.travel(at(2026, 3, 9), tick=False):
        case = open_case(world)
        task = services.open_task(case, "collect")
        services.claim_task(task, actor=officer)
    with time_machine.travel(at(2026, 3, 10), tick=False):
        task = deadlines.pause_clock(task, actor=officer, reason="Chờ hộ bổ sung giấy tờ")
    assert deadline_state(task, at(2026, 3, 30)) == PAUSED
    with time_machine.travel(at(2026, 3, 13), tick=False):
        task = deadlines.resume_clock(task, actor=officer)
    # paused Tue 10/03, resumed Fri 13/03: Wed, Thu and Fri did not count; Mon 23/03 becomes Thu 26/03
    assert due_day(task) == datetime.date(2026, 3, 26)
    assert task.paused_at is None and task.pause_reason == ""
    events = list(AuditEvent.objects.filter(stream=case.stream).values_list("event_type", "reason"))
    assert ("deadline.paused", "Chờ hộ bổ sung giấy tờ") in events
    assert ("deadline.resumed", "") in events


def test_bad_pauses_are_refused_and_change_nothing(world):
    case = open_case(world)
    task = services.open_task(case, "collect")
    officer, outsider = world.user("officer_a1"), world.user("officer_b1")
    services.claim_task(task, actor=officer)
    with pytest.raises(ValidationError):
        deadlines.pause_clock(task, actor=officer, reason="  ")
    with pytest.raises(PermissionDenied):
        deadlines.pause_clock(task, actor=outsider, reason="x")
    with pytest.raises(ValidationError):
        deadlines.resume_clock(task, actor=officer)
    task.refresh_from_db()
    assert task.paused_at is None
    assert not AuditEvent.objects.filter(stream=case.stream, event_type__startswith="deadline.").exists()

    # the commune's supervisor may hold the clock of a step someone else holds; twice is refused
    deadlines.pause_clock(task, actor=world.user("supervisor_a"), reason="Chờ xác minh")
    with pytest.raises(ValidationError):
        deadlines.pause_clock(task, actor=officer, reason="again")
    with pytest.raises(PermissionDenied):
        deadlines.resume_clock(task, actor=world.user("supervisor_b"))


def test_the_holder_pauses_and_resumes_from_the_case_file(client, world):
    from django.urls import reverse

    officer = world.user("officer_a1")
    with time_machine.travel(at(2026, 3, 9), tick=False):
        case = open_case(world)
        task = services.open_task(case, "collect")
        services.claim_task(task, actor=officer)
    client.force_login(officer)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("workflows:pause_clock", args=[task.pk]) in page
    with time_machine.travel(at(2026, 3, 10), tick=False):
        client.post(reverse("workflows:pause_clock", args=[task.pk]), {"reason": "Chờ giấy tờ"})
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Chờ giấy tờ" in page and reverse("workflows:resume_clock", args=[task.pk]) in page
    with time_machine.travel(at(2026, 3, 13), tick=False):
        response = client.post(reverse("workflows:resume_clock", args=[task.pk]), follow=True)
    assert "26/03/2026" in response.content.decode()
    # the other village's officer sees neither the case nor the buttons
    client.force_login(world.user("officer_b1"))
    assert client.post(reverse("workflows:pause_clock", args=[task.pk]), {"reason": "x"}).status_code == 404
