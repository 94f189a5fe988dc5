"""Roles that end (by date, by hand, handed over): claimed steps go back or pass on, notifications stop."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from viewflow.workflow.status import STATUS

from audit.models import AuditEvent
from notifications.models import Notification
from registry.models import Role, RoleAssignment
from registry.services import end_role_assignment
from tests.builders import make_user
from workflows import services
from workflows.deadlines import sweeps
from workflows.engine.roles import end_role, hand_over_role, return_steps_of_ended_roles
from workflows.tasks import return_steps_of_ended_roles as nightly_task

from .walk import open_case

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = datetime.datetime(2026, 3, 9, 10, tzinfo=HCM)


def claimed_case(world, holder):
    case = open_case(world)
    services.claim_task(services.open_task(case, "collect"), actor=holder)
    return case


def assignment_of(user, unit):
    return RoleAssignment.objects.get(user=user, unit=unit)


def test_a_role_ending_later_keeps_its_steps_until_the_nightly_sweep_after_its_last_day(world):
    with time_machine.travel(MONDAY, tick=False):
        officer = world.user("officer_a1")
        case = claimed_case(world, officer)
        end_role_assignment(
            assignment_of(officer, world.village_a1),
            actor=world.user("supervisor_a"),
            on=datetime.date(2026, 3, 13),
            reason="Nghỉ hưu từ 14/03",
        )
        assert services.open_task(case).owner == officer  # still theirs until Friday
        assert return_steps_of_ended_roles() == 0
    with time_machine.travel(datetime.datetime(2026, 3, 13, 23, tzinfo=HCM), tick=False):
        assert nightly_task() == 0  # the last day is not over
    with time_machine.travel(datetime.datetime(2026, 3, 14, 0, 20, tzinfo=HCM), tick=False):
        assert nightly_task() == 1
        assert nightly_task() == 0  # idempotent
    task = services.open_task(case)
    assert task.status == STATUS.NEW and task.owner is None
    event = AuditEvent.objects.get(stream=case.stream, event_type="task.returned_to_queue")
    assert event.actor is None and "13/03/2026" in event.reason
    assert event.data["from_user"] == "officer_a1"


def test_the_nightly_sweep_leaves_steps_another_active_role_still_covers(world):
    with time_machine.travel(MONDAY, tick=False):
        mover = make_user(Role.VILLAGE_OFFICER, world.village_a1)
        case = claimed_case(world, mover)
        # also commune officer of commune A, which covers village A1's collection too
        from registry.services import assign_role

        assign_role(mover, role=Role.COMMUNE_OFFICER, unit=world.commune_a, actor=None)
        end_role_assignment(
            assignment_of(mover, world.village_a1), actor=None, on=datetime.date(2026, 3, 10), reason="Đổi"
        )
    with time_machine.travel(datetime.datetime(2026, 3, 11, 1, tzinfo=HCM), tick=False):
        assert return_steps_of_ended_roles() == 0
    assert services.open_task(case).owner == mover


def test_a_former_holder_is_not_reminded_and_those_who_may_take_the_step_are(world):
    with time_machine.travel(MONDAY, tick=False):
        officer = world.user("officer_a1")
        case = claimed_case(world, officer)
        # the role ended by date on Wednesday; the nightly sweep has not run yet
        end_role_assignment(
            assignment_of(officer, world.village_a1),
            actor=None,
            on=datetime.date(2026, 3, 18),
            reason="Hết hạn",
        )
    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, tzinfo=HCM), tick=False):
        assert services.open_task(case).owner == officer
        assert sweeps.sweep(datetime.datetime(2026, 3, 20, 9, tzinfo=HCM))["reminder"] == 1
    reminded = set(
        Notification.objects.filter(kind="deadline_reminder").values_list("user__username", flat=True)
    )
    assert "officer_a1" not in reminded
    assert reminded == {"commune_officer_a"}  # who else may collect evidence in village A1


def test_the_nominator_hears_of_the_case_no_more_once_their_role_has_ended(world):
    from audit.services import record_event
    from cases.tasks import notify_case_event

    officer = world.user("officer_a1")
    case = open_case(world)

    def returned():
        event = record_event(case.stream, "case.returned", actor=world.user("supervisor_a"), data={})
        notify_case_event(event.pk)

    returned()
    assert Notification.objects.filter(user=officer).count() == 1  # while they hold the role
    end_role_assignment(
        assignment_of(officer, world.village_a1), actor=None, on=datetime.date(2026, 6, 1), reason="Nghỉ"
    )
    returned()
    assert Notification.objects.filter(user=officer).count() == 1


def test_ending_a_role_by_hand_returns_its_steps_at_once_with_the_reason(world):
    officer = world.user("officer_a1")
    case = claimed_case(world, officer)
    end_role(
        assignment_of(officer, world.village_a1), actor=world.user("commune_officer_a"), reason="Chuyển đi"
    )
    task = services.open_task(case)
    assert task.status == STATUS.NEW and task.owner is None
    assert AuditEvent.objects.filter(stream=f"user:{officer.pk}", event_type="role.ended").count() == 1
    event = AuditEvent.objects.get(stream=case.stream, event_type="task.returned_to_queue")
    assert event.actor == world.user("commune_officer_a") and "Chuyển đi" in event.reason


def test_handing_over_gives_the_successor_the_role_and_the_claimed_steps_in_one_action(world):
    officer = world.user("officer_a1")
    case = claimed_case(world, officer)
    successor = make_user()
    new = hand_over_role(
        assignment_of(officer, world.village_a1),
        successor=successor,
        actor=world.user("supervisor_a"),
        reason="Bàn giao nhiệm vụ",
    )
    assert new.user == successor and new.role == Role.VILLAGE_OFFICER and new.unit == world.village_a1
    task = services.open_task(case)
    assert task.status == STATUS.ASSIGNED and task.owner == successor
    old = assignment_of(officer, world.village_a1)
    assert old.valid_to is not None
    moved = AuditEvent.objects.get(stream=case.stream, event_type="task.reassigned")
    assert moved.data["from_user"] == "officer_a1" and moved.data["to_user"] == successor.username
    assert not AuditEvent.objects.filter(stream=case.stream, event_type="task.returned_to_queue").exists()
    assert AuditEvent.objects.filter(stream=f"user:{successor.pk}", event_type="role.handed_over").exists()
    # the successor can complete the step they were handed
    services.release_task(task, actor=successor)


def test_people_outside_the_unit_cannot_end_or_hand_over_a_role(world):
    officer = world.user("officer_a1")
    claimed_case(world, officer)
    assignment = assignment_of(officer, world.village_a1)
    for stranger in (world.user("supervisor_b"), world.user("officer_a2"), world.user("chair_a")):
        with pytest.raises(PermissionDenied):
            end_role(assignment, actor=stranger, reason="x")
        with pytest.raises(PermissionDenied):
            hand_over_role(assignment, successor=make_user(), actor=stranger, reason="x")
    # a commune officer manages village roles, not the commune's chair
    with pytest.raises(PermissionDenied):
        end_role(
            assignment_of(world.user("chair_a"), world.commune_a),
            actor=world.user("commune_officer_a"),
            reason="x",
        )
    assert assignment_of(officer, world.village_a1).valid_to is None


def test_handing_over_needs_a_reason_and_another_person(world):
    officer = world.user("officer_a1")
    assignment = assignment_of(officer, world.village_a1)
    with pytest.raises(ValidationError):
        hand_over_role(assignment, successor=make_user(), actor=world.user("supervisor_a"), reason=" ")
    with pytest.raises(ValidationError):
        hand_over_role(assignment, successor=officer, actor=world.user("supervisor_a"), reason="x")
    assert assignment_of(officer, world.village_a1).valid_to is None
    assert RoleAssignment.objects.filter(unit=world.village_a1, role=Role.VILLAGE_OFFICER).count() == 1


def test_ending_the_last_chairman_with_decisions_to_sign_warns_with_the_list(world, client):
    from .walk import walk

    case = walk(world, open_case(world), through="review")  # now waiting for the chairman's decision
    chair = assignment_of(world.user("chair_a"), world.commune_a)
    client.force_login(world.user("supervisor_a"))
    url = f"/cong-viec/can-bo/{chair.pk}/ket-thuc/"
    page = client.get(url).content.decode()
    assert 'id="stranded-steps"' in page and case.reference in page
    with pytest.raises(ValidationError):
        end_role(chair, actor=world.user("supervisor_a"), reason="Nghỉ hưu")
    response = client.post(url, {"reason": "Nghỉ hưu"})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert assignment_of(world.user("chair_a"), world.commune_a).valid_to is None
    # acknowledged: the role ends
    assert client.post(url, {"reason": "Nghỉ hưu", "acknowledged": "on"}).status_code == 302
    assert assignment_of(world.user("chair_a"), world.commune_a).valid_to is not None
    # with a second chairman nothing would have been stranded
    other = make_user(Role.COMMUNE_CHAIR, world.commune_a)
    from workflows.engine.roles import stranded_steps

    assert stranded_steps(assignment_of(other, world.commune_a)) != []
    make_user(Role.COMMUNE_CHAIR, world.commune_a)
    assert stranded_steps(assignment_of(other, world.commune_a)) == []
