"""The supervisor workspace: counts over the subtree, late steps, workload, and bulk reassignment."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEvent
from registry.models import Role
from tests.builders import gdht, make_household, make_user
from workflows import selectors, services
from workflows.supervision import selectors as supervision

from .walk import collect, open_case

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 11, 20, 10, tzinfo=HCM)


def _open(world, village, officer):
    return services.open_case(
        make_household(village), title_type=gdht(), year=2026, actor=world.user(officer)
    )


def _cases(world):
    """A1: two cases (one collected), A2: one, B1 (another commune): one; A1's steps opened long ago."""
    with time_machine.travel(datetime.datetime(2026, 9, 1, 10, tzinfo=HCM), tick=False):
        a1 = [open_case(world), open_case(world)]
        collect(world, a1[1])
    a2 = _open(world, world.village_a2, "officer_a2")
    b1 = _open(world, world.village_b1, "officer_b1")
    return a1, a2, b1


def test_overview_counts_the_subtree_by_unit_and_state(world):
    a1, a2, b1 = _cases(world)
    rows = {r.unit.code: r for r in supervision.overview(world.commune_a, 2026, now=NOW)}
    assert set(rows) == {world.village_a1.code, world.village_a2.code}
    assert dict(rows[world.village_a1.code].states) == {"nominated": 1, "evidence_collected": 1}
    assert dict(rows[world.village_a2.code].states) == {"nominated": 1}
    # A1's steps were due long ago (opened 01/09); A2's opened now are on track
    assert (rows[world.village_a1.code].open_steps, rows[world.village_a1.code].overdue) == (2, 2)
    assert (rows[world.village_a2.code].open_steps, rows[world.village_a2.code].overdue) == (1, 0)
    province = {r.unit.code: r for r in supervision.overview(world.province, 2026, now=NOW)}
    assert province[world.commune_a.code].total == 3 and province[world.commune_b.code].total == 1


def test_pages_are_for_supervisors_of_the_unit_only(client, world):
    _cases(world)
    client.force_login(world.user("supervisor_a"))
    page = client.get(reverse("workflows:supervise"), {"year": 2026})
    assert page.status_code == 200
    assert world.village_a1.name in page.content.decode()
    assert client.get(reverse("workflows:supervise"), {"unit": world.commune_b.code}).status_code == 404
    client.force_login(world.user("officer_a1"))
    assert client.get(reverse("workflows:supervise")).status_code == 403
    assert client.get(reverse("workflows:supervise_workload")).status_code == 403


def test_stalled_steps_and_workload(client, world):
    a1, _a2, _b1 = _cases(world)
    services.claim_task(services.open_task(a1[0]), actor=world.user("officer_a1"))
    client.force_login(world.user("supervisor_a"))
    with time_machine.travel(NOW, tick=False):
        stalled = client.get(reverse("workflows:supervise_stalled"), {"unit": world.commune_a.code})
        workload = client.get(reverse("workflows:supervise_workload"), {"unit": world.commune_a.code})
    assert a1[0].reference in stalled.content.decode() and a1[1].reference in stalled.content.decode()
    rows = supervision.workload(world.commune_a, now=NOW)
    assert [(r["owner__username"], r["n"], r["overdue"]) for r in rows] == [("officer_a1", 1, 1)]
    assert "officer_a1" in workload.content.decode()


@pytest.fixture
def held(world):
    """Three steps of village A1 held by officer_a1, and a second officer of the same village."""
    officer = world.user("officer_a1")
    tasks = []
    for _ in range(3):
        task = services.open_task(open_case(world))
        services.claim_task(task, actor=officer)
        tasks.append(task)
    return tasks, make_user(Role.VILLAGE_OFFICER, world.village_a1, "officer_a1_moi")


def test_bulk_reassignment_moves_the_steps_with_a_reason(client, world, held):
    tasks, newcomer = held
    client.force_login(world.user("supervisor_a"))
    url = reverse("workflows:supervise_officer", args=[world.user("officer_a1").pk])
    response = client.post(
        f"{url}?unit={world.commune_a.code}",
        {"task": [t.pk for t in tasks], "to_user": newcomer.pk, "reason": "Cán bộ nghỉ việc"},
    )
    assert response.status_code == 302
    assert {t.pk for t in selectors.inbox_for(newcomer)} == {t.pk for t in tasks}
    assert not selectors.inbox_for(world.user("officer_a1")).exists()
    events = AuditEvent.objects.filter(event_type="task.reassigned")
    assert events.count() == 3
    assert {(e.reason, e.data["from_user"], e.data["to_user"]) for e in events} == {
        ("Cán bộ nghỉ việc", "officer_a1", "officer_a1_moi")
    }


def test_bad_reassignments_change_nothing(client, world, held):
    tasks, newcomer = held
    client.force_login(world.user("supervisor_a"))
    url = reverse("workflows:supervise_officer", args=[world.user("officer_a1").pk])
    officer_a2 = world.user("officer_a2")  # another village: may not do A1's steps
    for data in (
        {"task": [t.pk for t in tasks], "to_user": newcomer.pk, "reason": "  "},
        {"task": [t.pk for t in tasks], "to_user": officer_a2.pk, "reason": "x"},
        {"task": [t.pk for t in tasks], "to_user": "", "reason": "x"},
    ):
        page = client.post(f"{url}?unit={world.commune_a.code}", data)
        assert page.status_code == 200
    assert {t.pk for t in selectors.inbox_for(world.user("officer_a1"))} == {t.pk for t in tasks}
    assert not AuditEvent.objects.filter(event_type="task.reassigned").exists()
    # another commune's supervisor cannot reach these steps at all
    client.force_login(world.user("supervisor_b"))
    outside = client.post(
        f"{url}?unit={world.commune_a.code}", {"task": [tasks[0].pk], "to_user": newcomer.pk, "reason": "x"}
    )
    assert outside.status_code == 404


def test_campaign_counts_cases_that_would_miss_each_milestone(client, world):
    # opened 01/10: collect due Thu 15/10; score +5, review +10, decide +10 working days → decided 19/11:
    # late for the commune decisions (31/10) and the report to the province (15/11).
    # opened 03/08 and still collecting on 02/10 (overdue): from today, decided 06/11: misses only 31/10.
    with time_machine.travel(datetime.datetime(2026, 10, 1, 10, tzinfo=HCM), tick=False):
        late = open_case(world)
    with time_machine.travel(datetime.datetime(2026, 8, 3, 10, tzinfo=HCM), tick=False):
        early = open_case(world)
    assert services.open_task(late).due_at.date() == datetime.date(2026, 10, 15)
    today = datetime.date(2026, 10, 2)
    result = {m.key: m for m in supervision.campaign(world.commune_a, 2026, today)}
    assert result["commune_decisions"].at_risk == 2
    assert result["village_meetings"].at_risk == 2  # both reviewed after 31/08
    assert result["report_province"].at_risk == 1
    assert result["report_ministry"].at_risk == 0
    assert result["registration_end"].step is None
    assert result["report_province"].days_left(today) == 44
    client.force_login(world.user("supervisor_a"))
    page = client.get(reverse("workflows:supervise_campaign"), {"year": 2026})
    assert page.status_code == 200 and "15/11/2026" in page.content.decode()
    assert early.pk != late.pk
