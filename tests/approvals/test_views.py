"""The pages of the collective steps: from the inbox to a meeting and a decision, scope, and immutability."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from approvals import services
from approvals.models import Audit, Decision, ReviewSession
from cases.models import Case, CaseState
from tests.approvals.builders import proposed_cases, scored_cases, session_for, signed_decision
from tests.workflows.walk import open_case, walk
from workflows import services as flow_services
from workflows import services as workflow


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_from_the_inbox_to_a_closed_meeting(world, client):
    cases = [walk(world, open_case(world), through="score") for _ in range(2)]
    head = world.user("head_a1")
    client.force_login(head)
    tasks = [flow_services.open_task(c, "review").pk for c in cases]
    response = client.post(reverse("workflows:batch"), {"task": tasks, "batch": "session"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("approvals:session_new"))
    page = client.get(response["Location"])
    assert cases[0].reference in page.content.decode()
    response = client.post(
        reverse("approvals:session_new"),
        {
            "case": [c.pk for c in cases],
            "cases": [c.pk for c in cases],
            "meeting_date": "05/10/2026",
            "chair": "Nguyễn Văn Trưởng",
            "attendees": "Nguyễn Văn Trưởng, trưởng thôn",
            "posting_days": "0",
        },
    )
    session = ReviewSession.objects.get()
    assert response["Location"] == reverse("approvals:session", args=[session.pk])
    entry = session.entries.get(case=cases[1])
    client.post(reverse("approvals:session_results", args=[session.pk]), {f"result-{entry.pk}": "no"})
    response = client.post(reverse("approvals:session_close", args=[session.pk]), follow=True)
    assert cases[1].reference in _messages(response)  # not proposed without a reason: refused, named
    assert ReviewSession.objects.get(pk=session.pk).is_open
    client.post(
        reverse("approvals:session_results", args=[session.pk]),
        {f"result-{entry.pk}": "no", f"reason-{entry.pk}": "Hộ chưa tham gia lớp học cộng đồng"},
    )
    response = client.post(reverse("approvals:session_close", args=[session.pk]), follow=True)
    assert "Cuộc họp đã kết thúc" in _messages(response), _messages(response)
    assert Case.objects.get(pk=cases[0].pk).state == CaseState.VILLAGE_REVIEWED
    assert Case.objects.get(pk=cases[1].pk).state == CaseState.NOT_RECOGNIZED


def test_the_batch_refuses_steps_of_another_kind(world, client):
    case = walk(world, open_case(world), through="collect")
    client.force_login(world.user("assessor_a1"))
    task = flow_services.open_task(case).pk
    response = client.post(reverse("workflows:batch"), {"task": [task], "batch": "session"}, follow=True)
    assert "“Họp xét tại thôn”" in _messages(response)
    assert not ReviewSession.objects.exists()


def test_the_chair_drafts_from_the_queue_and_signs(world, client, django_capture_on_commit_callbacks):
    cases = [walk(world, open_case(world), through="score") for _ in range(2)]
    workflow.close_session(session_for(world, cases), actor=world.user("head_a1"))
    chair = world.user("chair_a")
    client.force_login(chair)
    tasks = [flow_services.open_task(c, "decide").pk for c in cases]
    response = client.post(reverse("workflows:batch"), {"task": tasks, "batch": "decision"})
    assert response["Location"].startswith(reverse("approvals:decision_new"))
    response = client.post(
        reverse("approvals:decision_new"), {"case": [c.pk for c in cases], "cases": [c.pk for c in cases]}
    )
    decision = Decision.objects.get()
    # the commune officer may not sign; the chair does
    client.force_login(world.user("commune_officer_a"))
    assert (
        client.post(reverse("approvals:decision_sign", args=[decision.pk]), {"signer_name": "X"}).status_code
        == 403
    )
    client.force_login(chair)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("approvals:decision_sign", args=[decision.pk]), {"signer_name": "Trần Văn Chủ"})
    decision.refresh_from_db()
    assert decision.reference == "1/QĐ-UBND" and decision.documents == Decision.Documents.READY
    entry = decision.entries.get(case=cases[0])
    response = client.get(reverse("approvals:certificate", args=[decision.pk, entry.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_signed_decision_cannot_be_edited_through_the_pages_or_the_admin(world, client):
    cases = proposed_cases(world, 2)
    decision = signed_decision(world, cases)
    entry = decision.entries.first()
    client.force_login(world.user("commune_officer_a"))
    response = client.post(
        reverse("approvals:decision_outcomes", args=[decision.pk]),
        {f"result-{entry.pk}": "refuse", f"reason-{entry.pk}": "sửa sau khi ký"},
        follow=True,
    )
    assert "1/QĐ-UBND" in _messages(response)
    response = client.post(reverse("approvals:decision_discard", args=[decision.pk]), follow=True)
    assert Decision.objects.filter(pk=decision.pk).exists()
    entry.refresh_from_db()
    assert entry.recognised and entry.reason == ""

    admin = get_user_model().objects.create_superuser("root", "root@example.vn", "pw")
    client.force_login(admin)
    url = reverse("admin:approvals_decision_change", args=[decision.pk])
    assert client.get(url).status_code == 200  # viewable, read-only
    assert client.post(url, {"signer_name": "Người khác"}).status_code == 403
    assert (
        client.post(
            reverse("admin:approvals_decision_delete", args=[decision.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Decision.objects.get(pk=decision.pk).signer_name == "Trần Văn Chủ"


@pytest.mark.parametrize("outsider", ["supervisor_b", "officer_b1"])
def test_users_of_another_commune_see_nothing(world, client, outsider, django_capture_on_commit_callbacks):
    cases = scored_cases(world, 2)
    session = session_for(world, cases[:1])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.close_session(session, actor=world.user("head_a1"))
        decision = signed_decision(world, [Case.objects.get(pk=cases[0].pk)])
    audit = services.open_audit(decision, actor=world.user("auditor"), minimum=1)
    entry = decision.entries.get()
    sample = audit.samples.get()
    client.force_login(world.user(outsider))
    for name, args in [
        ("session", [session.pk]),
        ("session_minutes", [session.pk]),
        ("decision", [decision.pk]),
        ("decision_document", [decision.pk]),
        ("certificate", [decision.pk, entry.pk]),
        ("audit", [audit.pk]),
    ]:
        # 404 (not in their units), or 403 where the shell's area is closed to the user's roles altogether
        assert client.get(reverse(f"approvals:{name}", args=args)).status_code in (403, 404), name
    for name, args in [
        ("session_close", [session.pk]),
        ("decision_sign", [decision.pk]),
        ("decision_outcomes", [decision.pk]),
        ("audit_open", [decision.pk]),
        ("audit_finding", [audit.pk, sample.pk]),
        ("audit_close", [audit.pk]),
    ]:
        # 404 (not found in their units), or 403 first for users with no role that acts in these steps
        assert client.post(reverse(f"approvals:{name}", args=args)).status_code in (403, 404), name
    for name in ("sessions", "decisions"):
        page = client.get(reverse(f"approvals:{name}")).content.decode()
        assert str(decision.commune.name) not in page and session.village.name not in page
    response = client.get(reverse("approvals:session_new"), {"case": cases[1].pk})
    assert cases[1].reference not in response.content.decode()
    assert Audit.objects.get(pk=audit.pk).is_open


def test_the_auditor_samples_and_closes_through_the_pages(world, client):
    cases = proposed_cases(world, 3)
    decision = signed_decision(world, cases)
    client.force_login(world.user("auditor"))
    response = client.post(
        reverse("approvals:audit_open", args=[decision.pk]), {"share": "1", "minimum": "0", "seed": "99"}
    )
    audit = Audit.objects.get()
    assert audit.seed == 99 and response["Location"] == reverse("approvals:audit", args=[audit.pk])
    samples = list(audit.samples.order_by("case_id"))
    page = client.get(reverse("approvals:audit", args=[audit.pk])).content.decode()
    assert "Chọn ngẫu nhiên" in page
    url = reverse("approvals:audit_finding", args=[audit.pk, samples[0].pk])
    response = client.post(url, {f"s{samples[0].pk}-finding": "problem"})
    assert "Hãy mô tả sai sót phát hiện được." in response.content.decode()
    client.post(url, {f"s{samples[0].pk}-finding": "problem", f"s{samples[0].pk}-description": "Kê khai sai"})
    for s in samples[1:]:
        client.post(
            reverse("approvals:audit_finding", args=[audit.pk, s.pk]), {f"s{s.pk}-finding": "confirmed"}
        )
    client.post(reverse("approvals:audit_close", args=[audit.pk]))
    assert Case.objects.get(pk=samples[0].case_id).state == CaseState.REVOKED
    assert Case.objects.filter(state=CaseState.DISTRICT_AUDITED).count() == 2


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_meeting_and_decision_pages_cost_the_same_queries_whatever_the_list_length(
    world, client, django_capture_on_commit_callbacks
):
    small, large = scored_cases(world, 1), scored_cases(world, 4)
    sessions = [session_for(world, small), session_for(world, large)]
    entry = sessions[1].entries.first()
    services.record_comment(entry, author="Ông Lê Văn Bình", text="Đồng ý", actor=world.user("head_a1"))
    client.force_login(world.user("head_a1"))
    counts = [_queries(client, reverse("approvals:session", args=[s.pk])) for s in sessions]
    assert counts[0] == counts[1], counts
    with django_capture_on_commit_callbacks(execute=True):
        for s in sessions:
            workflow.close_session(s, actor=world.user("head_a1"))
        decisions = [
            signed_decision(world, list(Case.objects.filter(pk__in=[c.pk for c in group])))
            for group in (small, large)
        ]
    client.force_login(world.user("chair_a"))
    counts = [_queries(client, reverse("approvals:decision", args=[d.pk])) for d in decisions]
    assert counts[0] == counts[1], counts
