"""The commune decision: signed by the chair under a gapless number; afterwards it never changes."""

import pytest
from django.core.exceptions import PermissionDenied

from approvals import services
from approvals.models import Certificate, Decision, DecisionCounter, DecisionEntry, SignedDecisionError
from audit.models import AuditEvent
from cases.models import Case, CaseState
from tests.approvals.builders import proposed_cases, session_for, signed_decision
from tests.approvals.pdfcheck import renders, text_of
from tests.builders import gdht
from tests.workflows.walk import open_case, walk
from workflows import services as workflow
from workflows.models import CaseTask


def _draft(world, cases, actor="commune_officer_a"):
    return services.draft_decision(
        world.commune_a, title_type=gdht(), year=2026, cases=cases, actor=world.user(actor)
    )


def test_signing_numbers_the_decision_and_decides_every_case(world):
    cases = proposed_cases(world, 4)
    decision = signed_decision(world, cases, refused=[cases[1]])

    assert decision.number == 1 and decision.reference == "1/QĐ-UBND"
    assert decision.signed_by == world.user("chair_a") and decision.signer_name == "Trần Văn Chủ"
    states = dict(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("pk", "state"))
    assert states.pop(cases[1].pk) == CaseState.NOT_RECOGNIZED
    assert set(states.values()) == {CaseState.COMMUNE_DECIDED}
    refused = Case.objects.get(pk=cases[1].pk)
    assert refused.outcome_reason == "Chưa đạt tiêu chí 2" and refused.decision_reference == "1/QĐ-UBND"
    for case in cases:
        assert (
            AuditEvent.objects.filter(
                stream=case.stream, event_type__in=["case.recognised", "case.refused"]
            ).count()
            == 1
        )
    signed = AuditEvent.objects.get(stream=decision.stream, event_type="decision.signed")
    assert signed.data["number"] == "1/QĐ-UBND"
    assert signed.data["refused"] == {cases[1].reference: "Chưa đạt tiêu chí 2"}

    second = signed_decision(world, proposed_cases(world, 1))
    assert second.number == 2


def test_one_case_that_cannot_be_decided_stops_the_signing_and_uses_no_number(world):
    cases = proposed_cases(world, 3)
    decision = _draft(world, cases)
    entry = decision.entries.get(case=cases[2])
    services.record_outcomes(
        decision, outcomes={entry.pk: (False, "")}, actor=world.user("commune_officer_a")
    )

    with pytest.raises(services.BatchRefused) as refused:
        workflow.sign_decision(decision, actor=world.user("chair_a"))

    assert cases[2].reference in refused.value.problems[0]
    decision.refresh_from_db()
    assert decision.status == Decision.Status.DRAFT and decision.number is None
    assert not DecisionCounter.objects.filter(value__gt=0).exists()
    assert set(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("state", flat=True)) == {
        CaseState.VILLAGE_REVIEWED
    }
    assert signed_decision(world, proposed_cases(world, 1)).number == 1


def test_only_the_chair_of_the_commune_signs_and_only_commune_staff_draft(world):
    cases = proposed_cases(world, 1)
    with pytest.raises(PermissionDenied):
        _draft(world, cases, actor="head_a1")
    decision = _draft(world, cases)
    for who in ("commune_officer_a", "supervisor_a", "auditor"):
        with pytest.raises(PermissionDenied):
            workflow.sign_decision(decision, actor=world.user(who))
    assert Decision.objects.get(pk=decision.pk).number is None


def test_a_signed_decision_never_changes(world):
    cases = proposed_cases(world, 2)
    decision = signed_decision(world, cases)
    entry = decision.entries.first()
    fresh = Decision.objects.get(pk=decision.pk)

    fresh.signer_name = "Người khác"
    with pytest.raises(SignedDecisionError):
        fresh.save()
    with pytest.raises(SignedDecisionError):
        fresh.save(update_fields=["number"])
    with pytest.raises(SignedDecisionError):
        fresh.delete()
    entry.reason = "sửa"
    with pytest.raises(SignedDecisionError):
        entry.save()
    with pytest.raises(SignedDecisionError):
        entry.delete()
    with pytest.raises(SignedDecisionError):
        DecisionEntry(decision=decision, case=cases[0]).save()
    with pytest.raises(services.BatchRefused):
        services.record_outcomes(
            decision, outcomes={entry.pk: (False, "x")}, actor=world.user("commune_officer_a")
        )
    with pytest.raises(services.BatchRefused):
        workflow.sign_decision(decision, actor=world.user("chair_a"))
    with pytest.raises(services.BatchRefused):
        services.discard_decision(decision, actor=world.user("commune_officer_a"), reason="x")
    assert Decision.objects.get(pk=decision.pk).signer_name == "Trần Văn Chủ"


def test_a_correction_is_a_new_decision_that_amends_the_signed_one(world):
    first = signed_decision(world, proposed_cases(world, 1))
    more = proposed_cases(world, 1)
    with pytest.raises(services.BatchRefused):
        services.draft_decision(
            world.commune_a,
            title_type=gdht(),
            year=2026,
            cases=more,
            actor=world.user("commune_officer_a"),
            amends=first,
        )
    amending = services.draft_decision(
        world.commune_a,
        title_type=gdht(),
        year=2026,
        cases=more,
        actor=world.user("commune_officer_a"),
        amends=first,
        note="Bổ sung hộ bị sót trong danh sách",
    )
    amending = workflow.sign_decision(amending, actor=world.user("chair_a"))
    assert amending.amends == first and amending.number == 2
    assert first.amended_by.get() == amending


def test_signing_completes_the_decide_steps_and_opens_the_audit(world):
    cases = [walk(world, open_case(world), through="score") for _ in range(2)]
    workflow.close_session(session_for(world, cases), actor=world.user("head_a1"))
    signed_decision(world, cases, refused=[cases[1]])
    assert CaseTask.objects.get(case=cases[0], status="NEW").flow_task.name == "audit"
    assert not CaseTask.objects.filter(case=cases[1], status__in=["NEW", "ASSIGNED"]).exists()
    done = CaseTask.objects.filter(case__in=cases, status="DONE", owner=world.user("chair_a"))
    assert {t.flow_task.name for t in done} == {"decide"} and done.count() == 2


def test_decision_and_certificates_are_generated_after_commit_and_read_correctly(
    world, tmp_path, django_capture_on_commit_callbacks
):
    cases = proposed_cases(world, 3)
    with django_capture_on_commit_callbacks(execute=True):
        decision = signed_decision(world, cases, refused=[cases[2]])
    decision.refresh_from_db()
    assert decision.documents == Decision.Documents.READY

    data = decision.document.read()
    assert renders(data, tmp_path, "decision")
    text = text_of(data)
    assert "Số: 1/QĐ-UBND" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "ỦY BAN NHÂN DÂN XÃ ĐẠI SƠN" in text
    for case in cases:
        assert case.subject.name in text  # "Hộ Nguyễn Văn Đức", "Hộ Trần Thị Hương", ...
    assert "Chưa đạt tiêu chí 2" in text
    assert "CHỦ TỊCH" in text and "Trần Văn Chủ" in text
    event = AuditEvent.objects.get(stream=decision.stream, event_type="decision.document_generated")
    assert event.data["sha256"] == decision.document_sha256

    certificates = Certificate.objects.filter(entry__decision=decision)
    assert certificates.count() == 2  # none for the refused case
    certificate = certificates.get(entry__case=cases[0])
    data = certificate.file.read()
    assert renders(data, tmp_path, "certificate")
    text = text_of(data)
    assert "GIẤY CÔNG NHẬN" in text
    assert cases[0].subject.name == "Hộ Nguyễn Văn Đức" and "Hộ Nguyễn Văn Đức" in text
    assert "Số: 1/QĐ-UBND" in text and "Trần Văn Chủ" in text and "CHỦ TỊCH" in text
    assert AuditEvent.objects.get(stream=cases[0].stream, event_type="case.certificate_issued").data[
        "sha256"
    ] == (certificate.sha256)


def test_the_database_refuses_changes_to_a_signed_decision(world, requires_postgres):
    from django.db import DatabaseError, transaction

    cases = proposed_cases(world, 2)
    decision = signed_decision(world, cases[:1])
    entry = decision.entries.get()
    attempts = [
        lambda: Decision.objects.filter(pk=decision.pk).update(signer_name="Người khác"),
        lambda: Decision.objects.filter(pk=decision.pk).update(number=7),
        lambda: Decision.objects.filter(pk=decision.pk)._raw_delete(using="default"),
        lambda: DecisionEntry.objects.filter(pk=entry.pk).update(recognised=False),
        lambda: DecisionEntry.objects.filter(pk=entry.pk)._raw_delete(using="default"),
        lambda: DecisionEntry.objects.bulk_create(
            [DecisionEntry(decision=decision, case=cases[0], reason="x")]
        ),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    # the generated document's columns stay writable (the Celery task fills them after signing)
    Decision.objects.filter(pk=decision.pk).update(documents=Decision.Documents.READY)
    fresh = Decision.objects.get(pk=decision.pk)
    assert fresh.signer_name == "Trần Văn Chủ" and fresh.number == 1 and fresh.entries.count() == 1


def test_signing_fifty_cases_costs_the_statements_of_ten(world):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements(n):
        cases = [walk(world, open_case(world), through="review") for _ in range(n)]
        decision = _draft(world, cases)
        entry = decision.entries.get(case=cases[0])
        services.record_outcomes(
            decision, outcomes={entry.pk: (False, "Chưa đạt")}, actor=world.user("commune_officer_a")
        )
        chair = get_user_model().objects.get(username="chair_a")  # grants not cached yet, in both counts
        with CaptureQueriesContext(connection) as ctx:
            workflow.sign_decision(decision, actor=chair)
        assert CaseTask.objects.filter(case__in=cases, step="audit", queued=True).count() == n - 1
        decided = Case.objects.filter(pk__in=[c.pk for c in cases], state=CaseState.COMMUNE_DECIDED)
        assert decided.count() == n - 1
        return len(ctx.captured_queries)

    # SQLite takes at most 999 parameters a statement: a few more INSERTs for 50 tasks there; none on PG
    extra = 0 if connection.vendor == "postgresql" else 3
    few, many = statements(10), statements(50)
    assert few <= many <= few + extra, (few, many)
