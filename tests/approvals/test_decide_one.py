"""A one-case decision from the step page writes what drafting and signing a decision of that case writes."""

import pytest
from django.core.exceptions import PermissionDenied

from approvals import services
from approvals.models import Decision, DecisionCounter
from approvals.services import BatchRefused
from audit.models import AuditEvent
from cases.models import Case
from tests.builders import gdht
from tests.workflows.walk import open_case, walk
from workflows import services as flow
from workflows import services as workflow


def _decision_rows(decision: Decision, case: Case):
    """The decision, its annex and the events of both streams, without ids, numbers and instants."""
    ref = decision.reference

    def plain(value):
        if isinstance(value, str):
            return value.replace(ref, "<ref>").replace(case.reference, "<case>")
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {plain(k): plain(v) for k, v in value.items()}
        return value

    def events(stream, since=0):
        rows = AuditEvent.objects.filter(stream=stream, seq__gt=since).order_by("seq")
        return [(e.event_type, e.actor_id, e.actor_role, e.actor_unit, plain(e.data), e.reason) for e in rows]

    case = Case.objects.get(pk=case.pk)
    return (
        {
            f: getattr(decision, f)
            for f in (
                "commune_id",
                "unit_path",
                "title_type_id",
                "year",
                "status",
                "amends_id",
                "amendment_note",
                "created_by_id",
                "signed_by_id",
                "signer_name",
                "documents",
            )
        },
        [(e.recognised, e.reason) for e in decision.entries.all()],
        events(decision.stream),
        events(case.stream)[-1],
        (case.state, case.outcome_reason, plain(case.decision_reference), case.decision_date),
        flow.open_task(case) is not None and flow.open_task(case).flow_task.name,
    )


def _signed_as_a_batch(world, case, recognised, reason=""):
    chair = world.user("chair_a")
    decision = services.draft_decision(
        world.commune_a, title_type=gdht(), year=2026, cases=[case], actor=chair
    )
    if not recognised:
        entry = decision.entries.get()
        services.record_outcomes(decision, outcomes={entry.pk: (False, reason)}, actor=chair)
    return workflow.sign_decision(decision, actor=chair, signer_name="Trần Văn Chủ")


def _decided_from_the_step(world, case, recognised, reason=""):
    flow.perform_step(
        case,
        step="decide",
        outcome="decide",
        actor=world.user("chair_a"),
        recognised=recognised,
        reason=reason,
        signer_name="Trần Văn Chủ",
    )
    return Decision.objects.filter(entries__case=case).get()


@pytest.mark.parametrize(("recognised", "reason"), [(True, ""), (False, "Chưa đủ tiêu chí khuyến học")])
def test_a_one_case_decision_writes_what_drafting_and_signing_write(world, recognised, reason):
    batch_case = walk(world, open_case(world), through="review")
    step_case = walk(world, open_case(world), through="review")
    batch = _signed_as_a_batch(world, batch_case, recognised, reason)
    one = _decided_from_the_step(world, step_case, recognised, reason)

    assert _decision_rows(one, step_case) == _decision_rows(batch, batch_case)
    assert one.number == batch.number + 1  # the commune's next number
    assert DecisionCounter.objects.get(commune=world.commune_a, year=2026).value == one.number


def test_a_case_on_a_draft_decision_is_not_decided_again_from_its_step(world):
    case = walk(world, open_case(world), through="review")
    draft = services.draft_decision(
        world.commune_a, title_type=gdht(), year=2026, cases=[case], actor=world.user("commune_officer_a")
    )
    with pytest.raises(BatchRefused) as refused:
        _decided_from_the_step(world, case, True)
    assert case.reference in str(refused.value)
    assert Decision.objects.filter(status=Decision.Status.SIGNED).count() == 0
    assert not DecisionCounter.objects.exists()  # no number used
    assert Case.objects.get(pk=case.pk).state == "village_reviewed"
    assert list(Decision.objects.all()) == [draft]


def test_only_the_chair_decides_from_the_step(world):
    case = walk(world, open_case(world), through="review")
    task = flow.open_task(case, "decide")
    flow.claim_task(task, actor=world.user("chair_a"))
    with pytest.raises(PermissionDenied):
        services.decide_one(case, actor=world.user("commune_officer_a"), recognised=True)
    assert not Decision.objects.exists()
    assert Case.objects.get(pk=case.pk).state == "village_reviewed"
