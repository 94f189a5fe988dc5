"""manage.py check_consistency: a sound world has 0 problems; each invariant broken on purpose is reported,
precisely, with a non-zero exit, and the run shows on the integrity page of the inspectors of its area."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from viewflow.workflow.status import STATUS

from approvals.models import DecisionCounter
from audit.models import ConsistencyRun
from cases.models import Case, CaseState, ReferenceCounter
from registry.models import RoleAssignment
from tests.approvals.builders import signed_decision
from tests.audit.test_verify import update_event
from tests.workflows.walk import open_case, walk
from workflows import services as workflow
from workflows.consistency import check_consistency, run_consistency_check
from workflows.models import CaseTask


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def sound(world):
    """Flow-backed cases at several steps, one claimed, and a signed decision."""
    nominated = open_case(world)
    scored = walk(world, open_case(world), through="score")
    audited = walk(world, open_case(world), through="audit")
    workflow.claim_task(workflow.open_task(scored), actor=world.user("head_a1"))
    proposed = [walk(world, open_case(world), through="review") for _ in range(2)]
    signed_decision(world, proposed)
    return {"nominated": nominated, "scored": scored, "audited": audited}


def _only(check: str) -> list:
    return [p for p in check_consistency() if p.check == check]


def test_a_sound_world_has_no_problem_and_the_command_exits_0(sound, capsys):
    assert check_consistency() == []
    call_command("check_consistency")
    assert "0 problems" in capsys.readouterr().out
    assert ConsistencyRun.objects.get().ok


def test_a_state_changed_behind_the_services_back_is_reported_with_a_non_zero_exit(sound, capsys):
    case = sound["nominated"]
    Case.objects.filter(pk=case.pk).update(state=CaseState.SCORED)

    with pytest.raises(CommandError):
        call_command("check_consistency")
    out = capsys.readouterr().out
    assert f"[events] {case.reference}" in out and "has no event" in out
    assert f"[steps] {case.reference}" in out and "'collect'" in out
    run = ConsistencyRun.objects.get()
    assert not run.ok and run.problem_count == 2
    assert {p["check"] for p in run.problems} == {"events", "steps"}
    assert all(p["scope"] == case.unit_path for p in run.problems)


def test_a_case_with_two_open_steps_or_none_is_reported(sound):
    scored = sound["scored"]
    CaseTask.objects.filter(case=scored, status=STATUS.ASSIGNED).update(status=STATUS.DONE)
    [problem] = _only("steps")
    assert problem.subject == scored.reference and "open steps —" in problem.message


def test_a_gap_in_the_decision_numbers_or_the_case_register_is_reported(sound):
    last = DecisionCounter.objects.get().value
    DecisionCounter.objects.update(value=last + 1)  # a number "issued" that no decision carries
    counter = ReferenceCounter.objects.first()
    ReferenceCounter.objects.filter(pk=counter.pk).update(value=counter.value + 1)
    problems = _only("numbers")
    assert len(problems) == 2
    decisions = next(p for p in problems if "decisions" in p.subject)
    assert f"missing [{last + 1}]" in decisions.message
    register = next(p for p in problems if p.subject == counter.key)
    assert f"missing [{counter.value + 1}]" in register.message


def test_a_broken_audit_chain_is_reported(sound):
    case = sound["audited"]
    update_event(case.stream, 1, "reason", "rewritten")
    problems = _only("chains")
    assert problems and problems[0].subject == case.stream and problems[0].scope == case.unit_path


def test_a_claimed_step_held_without_the_role_is_reported(sound, world):
    # the role ends behind the services' back (the service would give the step back)
    RoleAssignment.objects.filter(user=world.user("head_a1")).update(
        valid_to=datetime.date(2020, 1, 1), valid_from=datetime.date(2019, 1, 1)
    )
    [problem] = _only("claims")
    assert problem.subject == sound["scored"].reference and "head_a1" in problem.message


def test_evidence_bytes_changed_in_storage_are_reported(sound):
    evidence = sound["scored"].evidence.order_by("pk").first()
    with evidence.file.storage.open(evidence.file.name, "wb") as handle:
        handle.write(b"%PDF-1.4 forged")
    [problem] = _only("evidence")
    assert problem.subject == sound["scored"].reference and f"#{evidence.pk}" in problem.message
    assert "CHANGED" in problem.message


def test_the_integrity_page_shows_the_latest_run_to_the_inspectors_of_its_area(sound, client, world):
    from registry.models import Role
    from tests.builders import make_user

    case = sound["nominated"]
    Case.objects.filter(pk=case.pk).update(state=CaseState.SCORED)
    run_consistency_check(trigger=ConsistencyRun.Trigger.COMMAND)

    client.force_login(world.user("inspector"))
    page = client.get(reverse("inspection:integrity")).content.decode()
    assert 'data-consistent="0"' in page and case.reference in page

    client.force_login(make_user(Role.INSPECTOR, world.commune_b, "inspector_b"))
    page = client.get(reverse("inspection:integrity")).content.decode()
    assert 'data-consistent="0"' in page and case.reference not in page


def test_it_runs_nightly_from_celery_beat_and_records_the_run(sound, settings):
    from workflows.tasks import check_consistency as nightly

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "workflows.tasks.check_consistency" in scheduled
    Case.objects.filter(pk=sound["nominated"].pk).update(state=CaseState.SCORED)
    assert nightly.delay().get() == 2
    run = ConsistencyRun.objects.get()
    assert run.trigger == ConsistencyRun.Trigger.SCHEDULE and not run.ok


def test_the_demo_seeded_through_the_services_is_consistent(db, settings):
    from io import StringIO

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", households=30, force=True, stdout=StringIO())
    assert check_consistency() == []
