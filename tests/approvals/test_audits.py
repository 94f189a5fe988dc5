"""The audit of a decision: a reproducible sample with risk picks; closing confirms all but the problems."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals import services
from approvals.models import Audit, AuditSample, Decision
from audit.models import AuditEvent
from cases.models import Case, CaseState
from tests.approvals.builders import proposed_cases, session_for, signed_decision
from tests.workflows.walk import open_case, walk
from workflows import services as workflow
from workflows.models import CaseTask


def test_the_random_sample_is_reproducible_from_its_seed():
    ids = list(range(1000, 1400))
    first = services.random_sample(ids, seed=42, share=Decimal("0.1"), minimum=5)
    assert len(first) == 40
    assert services.random_sample(list(reversed(ids)), seed=42, share=Decimal("0.1"), minimum=5) == first
    assert services.random_sample(ids, seed=43, share=Decimal("0.1"), minimum=5) != first
    assert len(services.random_sample(ids[:20], seed=1, share=Decimal("0.1"), minimum=5)) == 5
    assert len(services.random_sample(ids[:3], seed=1, share=Decimal("0.1"), minimum=5)) == 3


def test_opening_an_audit_records_the_seed_and_the_sample_follows_from_it(world, settings):
    settings.RECOGNITION = {**settings.RECOGNITION, "AUDIT_RISK_MAX_PICKS": 0}
    cases = proposed_cases(world, 12)
    decision = signed_decision(world, cases)
    audit = services.open_audit(decision, actor=world.user("auditor"), share=Decimal("0.25"), minimum=2)
    picked = sorted(audit.samples.values_list("case_id", flat=True))
    assert len(picked) == 3
    assert picked == services.random_sample(
        [c.pk for c in cases], seed=audit.seed, share=audit.share, minimum=2
    )
    event = AuditEvent.objects.get(stream=audit.stream, event_type="audit.opened")
    assert event.data["seed"] == audit.seed


def test_risk_picks_are_explained(world, settings):
    settings.RECOGNITION = {**settings.RECOGNITION, "AUDIT_RISK_ASSESSOR_CASES": 3}
    cases = proposed_cases(world, 3)
    decision = signed_decision(world, cases)
    audit = services.open_audit(
        decision, actor=world.user("auditor"), share=Decimal("0.01"), minimum=0, seed=7
    )
    samples = list(audit.samples.all())
    assert len(samples) == 3 and sum(s.random_pick for s in samples) == 1  # ceil(1 % of 3)
    for sample in samples:
        codes = {r["code"] for r in sample.risks}
        assert "same_assessor" in codes  # the one assessor scored all three cases
        assert next(r for r in sample.risks if r["code"] == "same_assessor")["assessor"] == "assessor_a1"


def test_closing_confirms_all_but_the_problem_which_is_revoked_with_the_finding(
    world, django_capture_on_commit_callbacks
):
    cases = [walk(world, open_case(world), through="score") for _ in range(3)]
    workflow.close_session(session_for(world, cases), actor=world.user("head_a1"))
    decision = signed_decision(world, cases)
    auditor = world.user("auditor")
    audit = services.open_audit(decision, actor=auditor, share=Decimal("1"), minimum=0, seed=3)
    samples = {s.case_id: s for s in audit.samples.all()}
    with pytest.raises(ValidationError):
        services.record_finding(samples[cases[0].pk], finding="problem", actor=auditor)
    services.record_finding(
        samples[cases[0].pk],
        finding="problem",
        description="Con thứ hai không còn đi học",
        evidence="Xác nhận của trường THCS",
        actor=auditor,
    )
    with pytest.raises(services.BatchRefused) as refused:
        workflow.close_audit(audit, actor=auditor)
    assert cases[1].reference in " ".join(refused.value.problems)
    for case in cases[1:]:
        services.record_finding(samples[case.pk], finding="confirmed", actor=auditor)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.close_audit(audit, actor=auditor)

    revoked = Case.objects.get(pk=cases[0].pk)
    assert revoked.state == CaseState.REVOKED
    assert "Con thứ hai không còn đi học" in revoked.outcome_reason
    event = AuditEvent.objects.get(stream=revoked.stream, event_type="case.revoked")
    assert "Con thứ hai không còn đi học" in event.reason and "Xác nhận của trường THCS" in event.reason
    assert set(Case.objects.filter(pk__in=[c.pk for c in cases[1:]]).values_list("state", flat=True)) == {
        CaseState.DISTRICT_AUDITED
    }
    assert Decision.objects.get(pk=decision.pk).is_signed  # the decision itself stays as issued
    assert Decision.objects.get(pk=decision.pk).entries.count() == 3
    assert not CaseTask.objects.filter(case__in=cases, status__in=["NEW", "ASSIGNED"]).exists()
    assert Audit.objects.get(pk=audit.pk).status == Audit.Status.CLOSED
    from notifications.models import Notification

    notified = set(Notification.objects.filter(kind="audit_closed").values_list("user__username", flat=True))
    assert notified == {"commune_officer_a", "chair_a"}


def test_only_an_auditor_above_the_commune_audits(world):
    decision = signed_decision(world, proposed_cases(world, 1))
    for who in ("chair_a", "supervisor_a", "commune_officer_a"):
        with pytest.raises(PermissionDenied):
            services.open_audit(decision, actor=world.user(who))
    assert not AuditSample.objects.exists()
