"""The collective forms of the lifecycle services write, case for case, what the one-case services write."""

import pytest

from audit.models import AuditEvent
from audit.verify import verify_log
from cases import services
from cases.exceptions import InvalidTransition
from cases.models import Case, CaseState
from tests.builders import TODAY, advance, make_household, nominate

# step: the state its cases wait in, and who takes it
STEPS = {
    "review": (CaseState.SCORED, "head_a1"),
    "decide": (CaseState.VILLAGE_REVIEWED, "chair_a"),
    "audit": (CaseState.COMMUNE_DECIDED, "auditor"),
}


def _one_by_one(step, cases, actor):
    yes, no = cases
    if step == "review":
        services.review_in_village(yes, proposed=True, actor=actor)
        services.review_in_village(no, proposed=False, actor=actor, reason="Con chưa đi học đủ")
    elif step == "decide":
        kwargs = {"actor": actor, "decision_reference": "7/QĐ-UBND", "decision_date": TODAY}
        services.decide_in_commune(yes, recognised=True, **kwargs)
        services.decide_in_commune(no, recognised=False, reason="Chưa đạt tiêu chí 2", **kwargs)
    else:
        services.audit_in_district(yes, actor=actor, note="Hậu kiểm quyết định 7/QĐ-UBND")
        services.revoke_case(no, actor=actor, reason="Hồ sơ khống")


def _together(step, cases, actor):
    yes, no = cases
    if step == "review":
        return services.review_many_in_village(
            [(yes, True, ""), (no, False, "Con chưa đi học đủ")], actor=actor
        )
    if step == "decide":
        return services.decide_many_in_commune(
            [(yes, True, ""), (no, False, "Chưa đạt tiêu chí 2")],
            actor=actor,
            decision_reference="7/QĐ-UBND",
            decision_date=TODAY,
        )
    return services.settle_audited(
        [yes, no], actor=actor, revoked={no.pk: "Hồ sơ khống"}, note="Hậu kiểm quyết định 7/QĐ-UBND"
    )


def _cases(world, state, n=2):
    return [
        advance(world, nominate(world, household=make_household(world.village_a1, f"Hộ Lê Văn {i}")), state)
        for i in range(n)
    ]


def _written(case):
    """The last event of the case and the case's outcome, without what differs between two cases."""
    event = AuditEvent.objects.filter(stream=case.stream).order_by("-seq").first()
    case = Case.objects.get(pk=case.pk)
    return (
        event.seq,
        event.event_type,
        event.actor_id,
        event.actor_role,
        event.actor_unit,
        event.data,
        event.reason,
        event.scope,
        event.request_id,
        case.state,
        case.outcome_reason,
        case.decision_reference,
        case.decision_date,
    )


@pytest.mark.parametrize("step", list(STEPS))
def test_the_collective_form_writes_what_the_one_case_service_writes(world, step):
    state, who = STEPS[step]
    actor = world.user(who)
    alone, batch = _cases(world, state), _cases(world, state)

    _one_by_one(step, alone, actor)
    moved = _together(step, batch, actor)

    assert [c.pk for c in moved] == [c.pk for c in batch]
    assert [_written(c) for c in batch] == [_written(c) for c in alone]
    assert _written(batch[0])[9] != _written(batch[1])[9]  # a "yes" and a "no": two different outcomes
    assert verify_log().ok


def test_one_case_that_may_not_move_stops_the_batch_before_anything_is_written(world):
    cases = _cases(world, CaseState.VILLAGE_REVIEWED, 3)
    services.withdraw_case(cases[1], actor=world.user("officer_a1"), reason="Hộ chuyển đi")
    before = AuditEvent.objects.count()

    with pytest.raises(InvalidTransition) as refused:
        services.decide_many_in_commune(
            [(c, True, "") for c in cases],
            actor=world.user("chair_a"),
            decision_reference="7/QĐ-UBND",
            decision_date=TODAY,
        )

    assert cases[1].reference in refused.value.message
    assert AuditEvent.objects.count() == before
    assert set(Case.objects.filter(pk__in=[cases[0].pk, cases[2].pk]).values_list("state", flat=True)) == {
        CaseState.VILLAGE_REVIEWED
    }


def test_permission_and_reasons_are_checked_per_case_and_name_the_case(world):
    cases = _cases(world, CaseState.VILLAGE_REVIEWED, 2)
    scored = _cases(world, CaseState.SCORED, 1)[0]
    with pytest.raises(services.CaseRefused) as refused:
        services.review_many_in_village([(scored, False, "  ")], actor=world.user("head_a1"))
    assert scored.reference in refused.value.message

    with pytest.raises(services.CaseRefused) as refused:
        # the village head of A1 may not decide for the commune
        services.decide_many_in_commune(
            [(c, True, "") for c in cases],
            actor=world.user("head_a1"),
            decision_reference="7/QĐ-UBND",
            decision_date=TODAY,
        )
    assert cases[0].reference in refused.value.message
    assert set(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("state", flat=True)) == {
        CaseState.VILLAGE_REVIEWED
    }
