"""Lifecycle services: outcomes, audit data, side effects on commit."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from cases import services
from cases.models import Case, CaseState, Score
from notifications.models import Notification
from registry.models import Role
from tests.builders import advance, full_marks, make_user, nominate


def test_nomination_pins_the_criteria_set_and_writes_reference(world):
    case = nominate(world)
    assert case.state == CaseState.NOMINATED
    assert case.criteria_set.title_type.code == "GDHT"
    assert case.reference == f"GDHT-2026-{world.village_a1.code}-000001"
    assert case.unit_path == world.village_a1.path
    event = AuditEvent.objects.get(stream=case.stream)
    assert event.event_type == "case.nominated" and event.actor_role == Role.VILLAGE_OFFICER
    assert event.actor_unit == world.village_a1.code


def test_a_new_criteria_version_does_not_move_existing_cases(world):
    from criteria.services import revise_criteria_set

    case = nominate(world)
    pinned = case.criteria_set
    newer = revise_criteria_set(pinned, actor=None)
    assert newer.version == pinned.version + 1
    assert newer.criteria.count() == pinned.criteria.count()
    assert Case.objects.get(pk=case.pk).criteria_set_id == pinned.pk
    later = nominate(world)
    assert later.criteria_set_id == newer.pk


def test_scoring_records_items_totals_and_audit_before_after(world):
    case = advance(world, nominate(world), CaseState.EVIDENCE_COLLECTED)
    values = full_marks(case, minus=3)
    case = services.score_case(
        case,
        values=values,
        actor=world.user("assessor_a1"),
        comments={next(iter(values)): "Một cháu học lực trung bình"},
    )
    assert case.state == CaseState.SCORED
    assert case.total_score == Decimal(97)
    assert case.meets_criteria is True
    assert Score.objects.filter(case=case).count() == len(values)
    event = AuditEvent.objects.filter(stream=case.stream).latest("seq")
    assert event.event_type == "case.scored"
    assert Decimal(event.data["after"]["total"]) == 97
    assert event.data["before"] == {}
    assert event.data["from"] == CaseState.EVIDENCE_COLLECTED and event.data["to"] == CaseState.SCORED


def test_rescoring_after_return_keeps_one_score_per_item(world):
    case = advance(world, nominate(world), CaseState.SCORED)
    services.return_for_rework(case, actor=world.user("assessor_a1"), reason="Bổ sung minh chứng 2.1")
    case = advance(world, case, CaseState.SCORED)
    assert Score.objects.filter(case=case).count() == len(full_marks(case))
    assert Case.objects.get(pk=case.pk).outcome_reason == "Bổ sung minh chứng 2.1"


def test_recognition_records_the_decision(world):
    case = advance(world, nominate(world), CaseState.COMMUNE_DECIDED)
    assert case.decision_reference == "12/QĐ-UBND"
    assert case.decision_date == datetime.date(2026, 1, 1)


def test_returning_notifies_the_nominator_once_after_commit(world, django_capture_on_commit_callbacks):
    world.user("officer_a1").email = "chihoi@example.vn"
    world.user("officer_a1").save()
    case = advance(world, nominate(world), CaseState.SCORED)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.return_for_rework(case, actor=world.user("assessor_a1"), reason="Thiếu ảnh góc học tập")
    assert callbacks, "notification must be queued on commit"
    notes = Notification.objects.filter(user=world.user("officer_a1"), kind="case_event")
    assert notes.count() == 1
    assert case.reference in notes.get().title
    assert "Thiếu ảnh góc học tập" in notes.get().body
    # delivering the same event again is a no-op (dedupe key)
    from cases.tasks import notify_case_event

    event = AuditEvent.objects.filter(stream=case.stream).latest("seq")
    assert notify_case_event(event.pk) == 0
    assert notes.count() == 1


def test_no_notification_when_the_transaction_rolls_back(world, django_capture_on_commit_callbacks):
    case = advance(world, nominate(world), CaseState.SCORED)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(PermissionDenied):
            services.return_for_rework(case, actor=make_user(), reason="x")
    assert callbacks == []
    assert Notification.objects.count() == 0


def test_commune_level_case_is_reviewed_by_the_commune_officer(world):
    from criteria.models import TitleType
    from registry.models import Clan
    from tests.builders import pdf_upload, required_evidence_items

    clan = Clan.objects.create(code="DH-001", name="Dòng họ Nguyễn Đình", unit=world.commune_a)
    officer = world.user("commune_officer_a")
    case = services.nominate_case(
        clan, title_type=TitleType.objects.get(code="DHHT"), year=2026, actor=officer
    )
    for item in required_evidence_items(case):
        services.add_evidence(case, item=item, upload=pdf_upload(), actor=officer)
    services.complete_evidence_collection(case, actor=officer)
    assessor = make_user(Role.ASSESSOR, world.commune_a)
    case = services.score_case(case, values=full_marks(case), actor=assessor)
    with pytest.raises(PermissionDenied):
        services.review_in_village(case, proposed=True, actor=world.user("head_a1"))
    case = services.review_in_village(case, proposed=True, actor=officer)
    assert case.state == CaseState.VILLAGE_REVIEWED
    # and a commune officer still cannot take a village meeting's place for a household case
    household_case = advance(world, nominate(world), CaseState.SCORED)
    with pytest.raises(PermissionDenied):
        services.review_in_village(household_case, proposed=True, actor=officer)
