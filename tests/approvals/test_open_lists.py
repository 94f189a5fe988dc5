"""A collective step can always finish: a case leaves an open list (with a reason, audited), a draft or a
meeting is given up (with a reason, audited); a case on an open list is decided only there; two lists never
share a case."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from approvals import services
from approvals.models import Decision, DecisionEntry, ReviewSession, SessionComment, SessionEntry
from audit.models import AuditEvent
from cases import services as case_services
from cases.models import Case, CaseState
from tests.approvals.builders import proposed_cases, scored_cases, session_for
from tests.builders import gdht
from workflows import services as workflow


def _draft(world, cases):
    return services.draft_decision(
        world.commune_a, title_type=gdht(), year=2026, cases=cases, actor=world.user("commune_officer_a")
    )


def _events(stream: str, event_type: str):
    return list(AuditEvent.objects.filter(stream=stream, event_type=event_type))


def test_a_case_on_an_open_meeting_is_refused_alone_until_dropped_then_the_rest_closes(world):
    cases = scored_cases(world, 3)
    session = session_for(world, cases)
    head, officer = world.user("head_a1"), world.user("officer_a1")
    gone = cases[1]

    with pytest.raises(ValidationError) as refused:
        case_services.withdraw_case(gone, actor=officer, reason="Hộ chuyển đi nơi khác")
    assert str(session) in refused.value.messages[0] and gone.reference in refused.value.messages[0]
    with pytest.raises(ValidationError):
        case_services.review_in_village(gone, proposed=True, actor=head)
    assert Case.objects.get(pk=gone.pk).state == CaseState.SCORED

    entry = session.entries.get(case=gone)
    services.record_comment(entry, author="Ông Ba", text="Hộ đã chuyển đi", actor=head)
    services.drop_from_session(entry, actor=head, reason="Hộ chuyển đi nơi khác")

    assert not SessionEntry.objects.filter(pk=entry.pk).exists()
    [dropped] = _events(session.stream, "session.entry_dropped")
    assert dropped.reason == "Hộ chuyển đi nơi khác" and dropped.data["case"] == gone.reference
    assert dropped.data["comments"] == [{"author": "Ông Ba", "text": "Hộ đã chuyển đi"}]
    assert _events(gone.stream, "case.dropped_from_list")[0].reason == "Hộ chuyển đi nơi khác"
    case_services.withdraw_case(gone, actor=officer, reason="Hộ chuyển đi nơi khác")

    workflow.close_session(session, actor=head)
    states = dict(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("pk", "state"))
    assert states == {
        cases[0].pk: CaseState.VILLAGE_REVIEWED,
        gone.pk: CaseState.WITHDRAWN,
        cases[2].pk: CaseState.VILLAGE_REVIEWED,
    }


def test_a_drop_needs_a_reason_the_right_role_and_an_open_meeting(world):
    cases = scored_cases(world, 2)
    session = session_for(world, cases)
    entry = session.entries.get(case=cases[0])
    with pytest.raises(ValidationError):
        services.drop_from_session(entry, actor=world.user("head_a1"), reason="  ")
    with pytest.raises(PermissionDenied):
        services.drop_from_session(entry, actor=world.user("officer_b1"), reason="Sai danh sách")
    services.drop_from_session(entry, actor=world.user("head_a1"), reason="Sai danh sách")
    assert session.entries.count() == 1
    # the last case: the meeting is cancelled instead
    with pytest.raises(services.BatchRefused):
        services.drop_from_session(session.entries.get(), actor=world.user("head_a1"), reason="Sai danh sách")
    assert session.entries.count() == 1
    assert len(_events(session.stream, "session.entry_dropped")) == 1


def test_a_cancelled_meeting_frees_its_cases_and_never_closes(world):
    cases = scored_cases(world, 2)
    session = session_for(world, cases)
    head = world.user("head_a1")
    with pytest.raises(ValidationError):
        services.cancel_session(session, actor=head, reason="")
    services.cancel_session(session, actor=head, reason="Cuộc họp không đủ thành phần")

    session.refresh_from_db()
    assert session.status == ReviewSession.Status.CANCELLED
    [cancelled] = _events(session.stream, "session.cancelled")
    assert cancelled.reason == "Cuộc họp không đủ thành phần"
    assert cancelled.data["cases"] == [c.reference for c in cases]
    with pytest.raises(services.BatchRefused):
        workflow.close_session(session, actor=head)
    # free for a new meeting, and for an action on its own
    again = session_for(world, cases[:1])
    assert again.entries.count() == 1
    case_services.return_for_rework(cases[1], actor=world.user("assessor_a1"), reason="Thiếu học bạ")


def test_a_case_on_a_draft_is_decided_only_by_it_until_dropped(world):
    cases = proposed_cases(world, 3)
    decision = _draft(world, cases)
    officer = world.user("commune_officer_a")
    back = cases[0]

    with pytest.raises(ValidationError) as refused:
        case_services.withdraw_case(back, actor=world.user("officer_a1"), reason="Hộ xin rút")
    assert str(decision) in refused.value.messages[0]
    with pytest.raises(ValidationError):
        services.drop_from_decision(decision.entries.get(case=back), actor=officer, reason="")

    services.drop_from_decision(decision.entries.get(case=back), actor=officer, reason="Trả lại bổ sung")
    [dropped] = _events(decision.stream, "decision.entry_dropped")
    assert dropped.reason == "Trả lại bổ sung" and dropped.data["case"] == back.reference
    case_services.withdraw_case(back, actor=world.user("officer_a1"), reason="Hộ xin rút")

    signed = workflow.sign_decision(decision, actor=world.user("chair_a"))
    assert signed.number == 1
    assert set(DecisionEntry.objects.filter(decision=decision).values_list("case_id", flat=True)) == {
        cases[1].pk,
        cases[2].pk,
    }
    assert Case.objects.get(pk=back.pk).state == CaseState.WITHDRAWN


def test_a_discard_needs_a_reason_and_is_audited(world):
    cases = proposed_cases(world, 2)
    decision = _draft(world, cases)
    officer = world.user("commune_officer_a")
    with pytest.raises(ValidationError):
        services.discard_decision(decision, actor=officer, reason=" ")
    assert Decision.objects.filter(pk=decision.pk).exists()
    with pytest.raises(PermissionDenied):
        services.discard_decision(decision, actor=world.user("head_a1"), reason="Sai năm")
    services.discard_decision(decision, actor=officer, reason="Lập nhầm năm")
    assert not Decision.objects.filter(pk=decision.pk).exists()
    [discarded] = _events(decision.stream, "decision.discarded")
    assert discarded.reason == "Lập nhầm năm"
    # the cases are free: a new draft lists them
    assert _draft(world, cases).entries.count() == 2


def test_the_pages_drop_cancel_and_discard_and_refuse_bad_input(world, client):
    cases = scored_cases(world, 3)
    session = session_for(world, cases)
    entry = session.entries.get(case=cases[0])
    client.force_login(world.user("head_a1"))
    page = client.get(reverse("approvals:session", args=[session.pk]))
    assert reverse("approvals:session_drop", args=[session.pk]) in page.content.decode()

    for bad in (
        {"entry": "x", "reason": "a"},
        {"entry": str(entry.pk), "reason": ""},
        {"entry": "999999"},
        {"entry": "9" * 30, "reason": "a"},
    ):
        response = client.post(reverse("approvals:session_drop", args=[session.pk]), bad, follow=True)
        assert response.status_code == 200
        assert list(response.context["messages"])
    assert session.entries.count() == 3

    response = client.post(
        reverse("approvals:session_drop", args=[session.pk]),
        {"entry": str(entry.pk), "reason": "Hộ xin rút"},
        follow=True,
    )
    assert response.status_code == 200 and session.entries.count() == 2
    response = client.post(
        reverse("approvals:session_cancel", args=[session.pk]), {"reason": ""}, follow=True
    )
    assert ReviewSession.objects.get(pk=session.pk).is_open
    client.post(reverse("approvals:session_cancel", args=[session.pk]), {"reason": "Hoãn họp"})
    assert ReviewSession.objects.get(pk=session.pk).status == ReviewSession.Status.CANCELLED

    # another village's officer cannot touch the meeting
    client.force_login(world.user("officer_b1"))
    other = session_for(world, cases[1:])
    denied = client.post(
        reverse("approvals:session_drop", args=[other.pk]),
        {"entry": str(other.entries.first().pk), "reason": "x"},
    )
    assert denied.status_code in (403, 404) and other.entries.count() == 2


def test_the_decision_pages_drop_and_discard_with_a_reason(world, client):
    cases = proposed_cases(world, 2)
    decision = _draft(world, cases)
    client.force_login(world.user("commune_officer_a"))
    entry = decision.entries.get(case=cases[0])
    client.post(
        reverse("approvals:decision_drop", args=[decision.pk]), {"entry": str(entry.pk), "reason": ""}
    )
    assert decision.entries.count() == 2
    client.post(
        reverse("approvals:decision_drop", args=[decision.pk]), {"entry": str(entry.pk), "reason": "Sai hộ"}
    )
    assert decision.entries.count() == 1
    client.post(reverse("approvals:decision_discard", args=[decision.pk]), {"reason": ""})
    assert Decision.objects.filter(pk=decision.pk).exists()
    response = client.post(reverse("approvals:decision_discard", args=[decision.pk]), {"reason": "Lập lại"})
    assert response.status_code == 302 and not Decision.objects.filter(pk=decision.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_two_meetings_opened_at_once_never_list_the_same_case(world, requires_postgres):
    """open_session locks its cases: the second meeting waits, then sees the first's list and is refused."""
    cases = scored_cases(world, 4)
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = session_for(world, cases)
        except Exception as exc:  # noqa: BLE001 - the outcome is inspected below
            outcomes[i] = exc
        finally:
            connection.close()

    for _round in range(5):
        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        opened = [o for o in outcomes if isinstance(o, ReviewSession)]
        refused = [o for o in outcomes if isinstance(o, services.BatchRefused)]
        assert len(opened) == 1 and len(refused) == 1, outcomes
        assert all(c.reference in " ".join(refused[0].problems) for c in cases)
        services.cancel_session(opened[0], actor=world.user("head_a1"), reason="Thử lại")
    listed = SessionEntry.objects.filter(session__status=ReviewSession.Status.OPEN).values_list(
        "case_id", flat=True
    )
    assert len(listed) == len(set(listed))
    assert not SessionComment.objects.exists()
