"""The village review meeting: one close reviews the whole list in one transaction, or changes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from approvals import services
from approvals.models import ReviewSession, SessionComment
from audit.models import AuditEvent
from cases.models import Case, CaseState
from tests.approvals.builders import scored_cases, session_for
from tests.approvals.pdfcheck import renders, text_of
from tests.builders import nominate
from tests.workflows.walk import open_case, walk
from workflows import services as workflow
from workflows.models import CaseTask


def _events(cases):
    return {c.pk: AuditEvent.objects.filter(stream=c.stream).count() for c in cases}


def test_a_200_case_meeting_closes_in_one_transaction_or_not_at_all(world):
    cases = scored_cases(world, 200)
    session = session_for(world, cases)
    head = world.user("head_a1")
    odd = cases[17]
    entries = {e.case_id: e for e in session.entries.all()}
    services.record_results(
        session, results={entries[cases[3].pk].pk: (False, "Con chưa đi học đủ")}, actor=head
    )
    # one case is marked not proposed without the reason the law asks for
    services.record_results(session, results={entries[odd.pk].pk: (False, "")}, actor=head)
    before = _events(cases)

    with pytest.raises(services.BatchRefused) as refused:
        workflow.close_session(session, actor=head)

    assert len(refused.value.problems) == 1
    assert odd.reference in refused.value.problems[0]
    assert _events(cases) == before
    assert Case.objects.filter(pk__in=[c.pk for c in cases], state=CaseState.SCORED).count() == 200
    assert ReviewSession.objects.get(pk=session.pk).is_open
    assert not AuditEvent.objects.filter(stream=session.stream, event_type="session.closed").exists()

    # the meeting's result is set right; now it closes, all 200 cases at once
    services.record_results(session, results={entries[odd.pk].pk: (True, "")}, actor=head)
    before = _events(cases)

    workflow.close_session(session, actor=head)

    states = dict(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("pk", "state"))
    assert states.pop(cases[3].pk) == CaseState.NOT_RECOGNIZED
    assert set(states.values()) == {CaseState.VILLAGE_REVIEWED}
    after = _events(cases)
    assert all(after[pk] == before[pk] + 1 for pk in before)
    assert Case.objects.get(pk=cases[3].pk).outcome_reason == "Con chưa đi học đủ"
    closed = AuditEvent.objects.get(stream=session.stream, event_type="session.closed")
    assert len(closed.data["proposed"]) == 199
    assert closed.data["not_proposed"] == {cases[3].reference: "Con chưa đi học đủ"}
    session.refresh_from_db()
    assert session.status == ReviewSession.Status.CLOSED and session.closed_by == head


def test_a_failure_while_moving_the_cases_rolls_everything_back(world, monkeypatch):
    cases = scored_cases(world, 3)
    session = session_for(world, cases)
    before = _events(cases)
    import cases.services.engine as batch

    def failing(events, **kwargs):
        # the cases' rows are already updated when their audit events are written
        assert Case.objects.filter(pk=cases[0].pk, state=CaseState.VILLAGE_REVIEWED).exists()
        raise RuntimeError("disk full")

    monkeypatch.setattr(batch, "record_events", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        workflow.close_session(session, actor=world.user("head_a1"))
    assert set(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("state", flat=True)) == {
        CaseState.SCORED
    }
    assert _events(cases) == before
    assert ReviewSession.objects.get(pk=session.pk).is_open


def test_closing_completes_the_review_steps_and_opens_the_commune_decision(world):
    cases = [walk(world, open_case(world), through="score") for _ in range(3)]
    session = session_for(world, cases)
    workflow.close_session(session, actor=world.user("head_a1"))
    for case in cases:
        review = CaseTask.objects.get(
            case=case, flow_task_type="HUMAN", status="DONE", owner=world.user("head_a1")
        )
        assert review.flow_task.name == "review"
        decide = CaseTask.objects.get(case=case, status="NEW")
        assert decide.flow_task.name == "decide"


def test_the_posting_period_must_end_before_the_meeting_closes(world):
    cases = scored_cases(world, 1)
    session = session_for(world, cases, posting_days=10)
    assert session.posting_ends == timezone.localdate() + datetime.timedelta(days=10)
    with pytest.raises(services.BatchRefused) as refused:
        workflow.close_session(session, actor=world.user("head_a1"))
    assert session.posting_ends.strftime("%d/%m/%Y") in refused.value.message
    assert Case.objects.get(pk=cases[0].pk).state == CaseState.SCORED


def test_comments_are_recorded_against_the_case_and_in_both_logs(world):
    cases = scored_cases(world, 2)
    session = session_for(world, cases, posting_days=10)
    entry = session.entries.get(case=cases[1])
    services.record_comment(
        entry, author="Bà Lê Thị Mai", text="Hộ này chuyển đi từ tháng 8", actor=world.user("officer_a1")
    )
    assert SessionComment.objects.get().entry == entry
    event = AuditEvent.objects.get(stream=cases[1].stream, event_type="case.posting_comment")
    assert event.data["author"] == "Bà Lê Thị Mai"
    assert (
        AuditEvent.objects.filter(stream=session.stream, event_type="session.comment_recorded").count() == 1
    )
    with pytest.raises(ValidationError):
        services.record_comment(entry, author="", text="x", actor=world.user("officer_a1"))


def test_only_scored_cases_of_the_village_can_be_listed_and_only_its_head_closes(world):
    scored = scored_cases(world, 1)
    other = [nominate(world, world.village_a2)]
    with pytest.raises(services.BatchRefused) as refused:
        session_for(world, scored + other)
    assert other[0].reference in refused.value.problems[0]
    assert not ReviewSession.objects.exists()
    session = session_for(world, scored)
    with pytest.raises(services.BatchRefused):
        session_for(world, scored)  # already on an open meeting's list
    with pytest.raises(PermissionDenied):
        workflow.close_session(session, actor=world.user("officer_a1"))
    with pytest.raises(PermissionDenied):
        workflow.close_session(session, actor=world.user("chair_a"))


def test_the_minutes_are_generated_after_the_close_and_read_correctly(
    world, tmp_path, django_capture_on_commit_callbacks
):
    cases = scored_cases(world, 3)
    session = session_for(world, cases)
    head = world.user("head_a1")
    entry = session.entries.get(case=cases[2])
    services.record_results(session, results={entry.pk: (False, "Chưa có học bạ của cháu")}, actor=head)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.close_session(session, actor=head)
    session.refresh_from_db()
    data = session.minutes.read()
    assert renders(data, tmp_path, "minutes")
    text = text_of(data)
    assert "BIÊN BẢN HỌP XÉT" in text and "THÔN ĐÔNG" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    for case in cases:
        assert case.subject.name in text and case.reference in text
    assert "Chưa có học bạ của cháu" in text and "Nguyễn Văn Trưởng" in text and "05/10/2026" in text
    event = AuditEvent.objects.get(stream=session.stream, event_type="session.minutes_generated")
    assert event.data["sha256"] == session.minutes_sha256
