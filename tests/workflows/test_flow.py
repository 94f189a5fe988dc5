"""The recognition flow: every step opens a task in the right unit's queue and routes by the case state."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from viewflow.workflow.status import PROCESS, STATUS

from cases.exceptions import InvalidTransition
from cases.models import CaseState
from tests.builders import full_marks, gdht, make_household, pdf_upload, required_evidence_items
from workflows import services
from workflows.models import CaseProcess, CaseTask

from .walk import collect, open_case, walk


def open_steps(case):
    return list(
        CaseTask.objects.filter(
            case=case, status__in=services.OPEN_TASK_STATES, flow_task_type="HUMAN"
        ).values_list("flow_task", flat=True)
    )


def test_opening_a_case_starts_its_process_at_evidence_collection(world):
    case = open_case(world)
    process = CaseProcess.objects.get(case=case)
    assert process.status == PROCESS.NEW
    task = services.open_task(case)
    assert task.flow_task.name == "collect" and task.status == STATUS.NEW
    assert task.due_at is not None and task.due_at > task.created
    assert task.owner_permission == "registry.collect_evidence"


def test_full_walk_to_audited_closes_the_process(world):
    case = open_case(world)
    case = collect(world, case)
    assert services.open_task(case).flow_task.name == "score"
    case = walk(world, case, through="decide")
    assert services.open_task(case).flow_task.name == "audit"
    case = walk(world, case, through="audit")
    assert case.state == CaseState.DISTRICT_AUDITED
    assert open_steps(case) == []
    assert CaseProcess.objects.get(case=case).status == PROCESS.DONE
    done = CaseTask.objects.filter(case=case, flow_task_type="HUMAN", status=STATUS.DONE)
    assert done.count() == 5
    assert set(done.values_list("owner__username", flat=True)) == {
        "officer_a1",
        "assessor_a1",
        "head_a1",
        "chair_a",
        "auditor",
    }


def test_return_for_rework_loops_back_to_collection(world):
    case = collect(world, open_case(world))
    case = services.perform_step(
        case, step="score", outcome="return", actor=world.user("assessor_a1"), reason="Thiếu học bạ"
    )
    assert case.state == CaseState.NOMINATED
    task = services.open_task(case)
    assert task.flow_task.name == "collect" and task.status == STATUS.NEW


def test_refusal_and_withdrawal_end_the_process(world):
    case = collect(world, open_case(world))
    services.perform_step(
        case, step="score", outcome="withdraw", actor=world.user("officer_a1"), reason="Hộ xin rút"
    )
    assert open_steps(case) == []
    assert CaseProcess.objects.get(case=case).status == PROCESS.DONE


def test_steps_are_offered_only_to_the_right_role_and_unit(world):
    case = open_case(world)
    task = services.open_task(case)
    with pytest.raises(PermissionDenied):
        services.claim_task(task, actor=world.user("officer_b1"))
    with pytest.raises(PermissionDenied):
        services.claim_task(task, actor=world.user("assessor_a1"))
    services.claim_task(task, actor=world.user("officer_a1"))
    task.refresh_from_db()
    assert task.status == STATUS.ASSIGNED and task.owner == world.user("officer_a1")


def test_a_claimed_step_belongs_to_its_owner(world):
    case = open_case(world)
    other = world.user("officer_a1")
    colleague = __import__("tests.builders", fromlist=["make_user"]).make_user(
        "village_officer", world.village_a1
    )
    services.claim_task(services.open_task(case), actor=colleague)
    from cases import services as case_services

    for item in required_evidence_items(case):
        case_services.add_evidence(case, item=item, upload=pdf_upload(), actor=other)
    with pytest.raises(PermissionDenied):
        services.perform_step(case, step="collect", outcome="complete", actor=other)
    services.release_task(services.open_task(case), actor=colleague)
    services.perform_step(case, step="collect", outcome="complete", actor=other)


def test_a_second_submit_of_the_same_step_is_already_done(world):
    case = collect(world, open_case(world))
    values = full_marks(case)
    services.perform_step(case, step="score", outcome="score", actor=world.user("assessor_a1"), values=values)
    with pytest.raises(InvalidTransition) as err:
        services.perform_step(
            case, step="score", outcome="score", actor=world.user("assessor_a1"), values=values
        )
    assert case.reference in err.value.message
    assert CaseTask.objects.filter(case=case, flow_task_type="HUMAN").count() == 3  # collect, score, review


def test_a_failed_service_leaves_the_task_open(world):
    case = collect(world, open_case(world))
    from django.core.exceptions import ValidationError

    values = full_marks(case)
    values[next(iter(values))] = 99
    with pytest.raises(ValidationError):
        services.perform_step(
            case, step="score", outcome="score", actor=world.user("assessor_a1"), values=values
        )
    task = services.open_task(case)
    assert task.flow_task.name == "score" and task.status == STATUS.NEW and task.owner is None


def test_audit_step_is_offered_above_the_commune(world):
    case = walk(world, open_case(world), through="decide")
    task = services.open_task(case)
    assert task.owner_permission == "registry.audit_case"
    assert task.owner_permission_obj_pk == str(world.province.pk)
    case = services.perform_step(
        case, step="audit", outcome="revoke", actor=world.user("auditor"), reason="Minh chứng không khớp"
    )
    assert case.state == CaseState.REVOKED and open_steps(case) == []


def test_an_outsider_cannot_withdraw_through_an_open_step(world):
    case = open_case(world)
    with pytest.raises(PermissionDenied):
        services.perform_step(
            case,
            step="collect",
            outcome="withdraw",
            actor=world.user("officer_b1"),
            reason="không phải của tôi",
        )
    task = services.open_task(case)
    assert task.status == STATUS.NEW and task.owner is None
    assert case.__class__.objects.get(pk=case.pk).state == CaseState.NOMINATED


def test_ending_a_role_returns_the_holders_claimed_steps_to_the_queue(world):

    from audit.models import AuditEvent
    from registry.models import Role, RoleAssignment
    from registry.services import assign_role, end_role_assignment
    from tests.builders import make_user

    mover = make_user(Role.VILLAGE_OFFICER, world.village_a1)
    assign_role(
        mover,
        role=Role.VILLAGE_OFFICER,
        unit=world.village_a2,
        actor=None,
        valid_from=datetime.date(2026, 1, 1),
    )
    here = open_case(world)
    there = services.open_case(
        make_household(world.village_a2), title_type=gdht(), year=2026, actor=world.user("officer_a2")
    )
    for case in (here, there):
        services.claim_task(services.open_task(case), actor=mover)
    assignment = RoleAssignment.objects.get(user=mover, unit=world.village_a1)
    end_role_assignment(
        assignment,
        actor=world.user("supervisor_a"),
        reason="Chuyển sang thôn Tây",
        on=datetime.date(2026, 1, 1),
    )
    released = services.open_task(here)
    assert released.status == STATUS.NEW and released.owner is None
    kept = services.open_task(there)  # the role on village A2 goes on: that step stays with the mover
    assert kept.status == STATUS.ASSIGNED and kept.owner == mover
    event = AuditEvent.objects.get(stream=here.stream, event_type="task.returned_to_queue")
    assert event.actor == world.user("supervisor_a") and "Chuyển sang thôn Tây" in event.reason
