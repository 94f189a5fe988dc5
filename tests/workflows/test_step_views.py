"""Step pages through HTTP: the whole walk, bad input that changes nothing, retries, scope, evidence."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from approvals.models import Decision, DecisionCounter
from audit.models import AuditEvent
from cases import services as case_services
from cases.models import Case, CaseState, EvidenceFile, Score
from criteria.models import CriterionItem
from tests.builders import jpeg_upload, pdf_upload, required_evidence_items
from workflows import services
from workflows.flows import RecognitionFlow
from workflows.models import CaseTask
from workflows.steps.table import STEPS

from .test_flow import collect, open_case


def step_url(case, step):
    task = services.open_task(case, step)
    assert task is not None, f"no open {step} step"
    return reverse("workflows:step", args=[task.pk])


def as_user(client, world, key):
    client.force_login(world.user(key))
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def vi(msgid: str, **params) -> str:
    with translation.override("vi"):
        return translation.gettext(msgid) % params


def snapshot(case):
    case = Case.objects.get(pk=case.pk)
    return {
        "state": case.state,
        "total": case.total_score,
        "scores": sorted(Score.objects.filter(case=case).values_list("item_id", "points", "passed")),
        "files": sorted(EvidenceFile.objects.filter(case=case).values_list("pk", "removed_at")),
        "events": AuditEvent.objects.filter(stream=case.stream).count(),
        "open_task": services.open_task(case).pk if services.open_task(case) else None,
    }


def row_html(html: str, item_pk: int) -> str:
    """The markup of one item's row on the score sheet."""
    start = html.index(f'id="item-{item_pk}"')
    end = html.find('class="score-row', start)
    return html[start : end if end != -1 else len(html)]


def scored_case(world):
    case = collect(world, open_case(world))
    values = {
        i.pk: (i.max_points if i.is_points else True)
        for i in CriterionItem.objects.filter(criterion__criteria_set=case.criteria_set)
    }
    return services.perform_step(
        case, step="score", outcome="score", actor=world.user("assessor_a1"), values=values
    )


def test_every_step_of_the_flow_has_its_page_outcomes():
    """One table: each step is a node of the flow, each of its outcomes has a service and a form."""
    assert [s.key for s in STEPS] == ["collect", "score", "self_assess", "review", "decide", "audit"]
    for step in STEPS:
        assert getattr(RecognitionFlow, step.key).step is step
        assert all(callable(o.service) and callable(o.form) for o in step.outcomes.values())


def test_whole_walk_through_http(client, world):
    case = open_case(world)

    # collect: one multi-file POST (a real PDF and a real JPEG, two files on the first item), then complete
    as_user(client, world, "officer_a1")
    url = step_url(case, "collect")
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert case.reference in html and 'type="file"' in html and "multiple" in html
    assert 'accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"' in html
    first, second, third = required_evidence_items(case).order_by("criterion__order", "order")
    response = client.post(
        reverse("workflows:evidence_upload", args=[services.open_task(case).pk]),
        {
            f"files_{first.pk}": [pdf_upload("hoc-ba.pdf"), jpeg_upload("so-lien-lac.jpg")],
            f"files_{second.pk}": [pdf_upload("chung-chi.pdf")],
            f"files_{third.pk}": [jpeg_upload("goc-hoc-tap.jpg")],
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url
    names = "hoc-ba.pdf, so-lien-lac.jpg, chung-chi.pdf, goc-hoc-tap.jpg"
    assert "4 tệp đã được đính kèm: " + names + "." in messages_of(response)
    files = EvidenceFile.objects.filter(case=case)
    assert sorted(files.values_list("content_type", flat=True)) == [
        "application/pdf",
        "application/pdf",
        "image/jpeg",
        "image/jpeg",
    ]
    assert 'class="thumb"' in response.content.decode()  # the JPEGs show as thumbnails

    response = client.post(url, {"outcome": "complete"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("cases:detail", args=[case.pk])
    assert vi(
        "Evidence collection for case %(ref)s is complete; it goes to scoring.",
        ref=case.reference,
    ) in messages_of(response)
    assert Case.objects.get(pk=case.pk).state == CaseState.EVIDENCE_COLLECTED

    # score: a value for every item of the sheet
    as_user(client, world, "assessor_a1")
    url = step_url(case, "score")
    page = client.get(url)
    assert page.status_code == 200 and "data-score-sheet" in page.content.decode()
    items = CriterionItem.objects.filter(criterion__criteria_set=case.criteria_set)
    data = {"outcome": "score"}
    for item in items:
        data[f"score-item_{item.pk}"] = str(item.max_points)
        data[f"score-comment_{item.pk}"] = f"Đạt mục {item.code}"
    response = client.post(url, data, follow=True)
    assert vi(
        "The score sheet of case %(ref)s was saved; it meets the criteria.", ref=case.reference
    ) in messages_of(response)
    case.refresh_from_db()
    assert case.state == CaseState.SCORED and case.total_score == Decimal(100) and case.meets_criteria
    assert Score.objects.filter(case=case).count() == items.count()
    assert Score.objects.get(case=case, item=items.first()).comment == f"Đạt mục {items.first().code}"

    # review: the village head proposes
    as_user(client, world, "head_a1")
    url = step_url(case, "review")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"outcome": "review", "review-proposed": "1", "review-reason": ""}, follow=True
    )
    assert vi("Case %(ref)s was proposed for recognition.", ref=case.reference) in messages_of(response)

    # decide: signing issues a one-case decision under the commune's next number, dated today
    as_user(client, world, "chair_a")
    url = step_url(case, "decide")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"outcome": "decide", "decide-recognised": "1", "decide-signer_name": "Trần Văn Chủ"},
        follow=True,
    )
    assert vi(
        "Case %(ref)s was recognised under decision %(number)s.",
        ref=case.reference,
        number="1/QĐ-UBND",
    ) in messages_of(response)
    case.refresh_from_db()
    assert case.decision_reference == "1/QĐ-UBND"
    assert case.decision_date == timezone.localdate()
    decision = Decision.objects.get()
    assert decision.is_signed and decision.signer_name == "Trần Văn Chủ"
    assert list(decision.entries.values_list("case_id", flat=True)) == [case.pk]

    # audit: the province's auditor confirms
    as_user(client, world, "auditor")
    url = step_url(case, "audit")
    page = client.get(url)
    assert page.status_code == 200 and "1/QĐ-UBND" in page.content.decode()
    response = client.post(url, {"outcome": "confirm", "confirm-note": ""}, follow=True)
    assert vi(
        "The recognition of case %(ref)s was confirmed by the audit.", ref=case.reference
    ) in messages_of(response)
    case.refresh_from_db()
    assert case.state == CaseState.DISTRICT_AUDITED
    assert services.open_task(case) is None
    assert list(
        AuditEvent.objects.filter(stream=case.stream, event_type__startswith="case.").values_list(
            "event_type", flat=True
        )
    ) == [
        "case.nominated",
        "case.evidence_collected",
        "case.scored",
        "case.proposed",
        "case.recognised",
        "case.audit_confirmed",
    ]


def test_messages_are_vietnamese(client, world):
    case = open_case(world)
    as_user(client, world, "officer_a1")
    response = client.post(step_url(case, "collect"), {"outcome": "complete"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hoàn tất thu thập minh chứng" in html
    assert "Còn thiếu minh chứng bắt buộc cho các nội dung: 1.2, 2.1, 3.1." in html


def test_score_above_item_maximum_rerenders_the_sheet_and_changes_nothing(client, world):
    case = collect(world, open_case(world))
    as_user(client, world, "assessor_a1")
    url = step_url(case, "score")
    items = list(CriterionItem.objects.filter(criterion__criteria_set=case.criteria_set).order_by("pk"))
    over = items[1]
    data = {"outcome": "score"}
    for item in items:
        data[f"score-item_{item.pk}"] = str(item.max_points)
    data[f"score-item_{over.pk}"] = "12.5"
    before = snapshot(case)

    response = client.post(url, data)

    assert response.status_code == 200
    form = response.context["forms"]["score"]
    assert list(form.errors) == [f"item_{over.pk}"]
    html = response.content.decode()
    assert "12.5" in row_html(html, over.pk) and "errorlist" in row_html(html, over.pk)
    assert "errorlist" not in row_html(html, items[0].pk)
    assert 'value="12.5"' in row_html(html, over.pk)  # what was typed stays on the sheet
    assert snapshot(case) == before


def test_score_sheet_is_prefilled_when_a_returned_case_is_scored_again(client, world):
    case = scored_case(world)
    assessor = world.user("assessor_a1")
    case = services.perform_step(
        case, step="review", outcome="return", actor=world.user("head_a1"), reason="Bổ sung"
    )
    case = collect(world, case)
    as_user(client, world, "assessor_a1")
    response = client.get(step_url(case, "score"))
    item = CriterionItem.objects.filter(criterion__criteria_set=case.criteria_set).order_by("pk").first()
    assert 'value="10"' in row_html(response.content.decode(), item.pk)
    assert Score.objects.get(case=case, item=item).scored_by == assessor


def test_not_proposing_without_a_reason_shows_the_error_at_the_reason(client, world):
    case = scored_case(world)
    as_user(client, world, "head_a1")
    before = snapshot(case)

    response = client.post(step_url(case, "review"), {"outcome": "review", "review-proposed": "0"})

    assert response.status_code == 200
    form = response.context["forms"]["review"]
    assert form.errors["reason"] == [vi("A reason is required.")]
    html = response.content.decode()
    reason_block = html[html.index('for="id_review-reason"') - 300 : html.index('name="review-reason"')]
    assert "errorlist" in reason_block
    assert snapshot(case) == before


def test_decide_refusal_needs_a_reason_and_a_signer(client, world):
    case = scored_case(world)
    case = services.perform_step(
        case, step="review", outcome="review", actor=world.user("head_a1"), proposed=True
    )
    as_user(client, world, "chair_a")
    before = snapshot(case)
    response = client.post(
        step_url(case, "decide"),
        {"outcome": "decide", "decide-recognised": "0", "decide-reason": "Chưa đạt"},
    )
    assert response.status_code == 200
    assert "signer_name" in response.context["forms"]["decide"].errors
    response = client.post(
        step_url(case, "decide"),
        {"outcome": "decide", "decide-recognised": "0", "decide-signer_name": "Trần Văn Chủ"},
    )
    assert response.context["forms"]["decide"].errors["reason"] == [vi("A reason is required.")]
    assert snapshot(case) == before
    assert not Decision.objects.exists() and not DecisionCounter.objects.exists()


def test_a_second_identical_post_changes_nothing_and_says_already_done(client, world):
    case = scored_case(world)
    as_user(client, world, "head_a1")
    url = step_url(case, "review")
    post = {"outcome": "review", "review-proposed": "1"}
    first = client.post(url, post, follow=True)
    assert messages_of(first) == [vi("Case %(ref)s was proposed for recognition.", ref=case.reference)]
    after_first = snapshot(case)

    again = client.post(url, post, follow=True)

    assert again.redirect_chain == [(reverse("cases:detail", args=[case.pk]), 302)]
    already = vi(
        "The step “%(step)s” of case %(ref)s is no longer open. It may have been done already.",
        step=vi("Village review"),
        ref=case.reference,
    )
    assert [m for m in messages_of(again)] == [already]
    assert list(again.context["messages"])[0].level_tag == "warning"
    assert snapshot(case) == after_first
    # the back button: the finished step's page sends the user to the case file with the same message
    back = client.get(url, follow=True)
    assert back.redirect_chain[-1][0] == reverse("cases:detail", args=[case.pk])
    assert messages_of(back) == [already]


def test_a_refused_file_is_named_and_the_valid_one_in_the_same_post_is_attached(client, world):
    case = open_case(world)
    as_user(client, world, "officer_a1")
    item = required_evidence_items(case).first()
    fake = SimpleUploadedFile(
        "bien-ban.pdf", b"Day la van ban, khong phai PDF.\n", content_type="application/pdf"
    )
    before = AuditEvent.objects.filter(stream=case.stream).count()

    response = client.post(
        reverse("workflows:evidence_upload", args=[services.open_task(case).pk]),
        {f"files_{item.pk}": [fake, pdf_upload("hoc-ba.pdf")]},
        follow=True,
    )

    shown = messages_of(response)
    assert any("bien-ban.pdf" in m and "PDF, JPEG" in m for m in shown), shown
    assert any("hoc-ba.pdf" in m and "bien-ban.pdf" not in m for m in shown), shown
    assert list(EvidenceFile.objects.filter(case=case).values_list("original_name", flat=True)) == [
        "hoc-ba.pdf"
    ]
    assert AuditEvent.objects.filter(stream=case.stream).count() == before + 1


def test_scope_404_and_403(client, world):
    case = open_case(world)
    evidence = case_services.add_evidence(
        case, item=required_evidence_items(case).first(), upload=pdf_upload(), actor=world.user("officer_a1")
    )
    task = services.open_task(case)
    url = reverse("workflows:step", args=[task.pk])
    preview = reverse("workflows:evidence_preview", args=[task.pk, evidence.pk])

    as_user(client, world, "officer_b1")
    assert client.get(url).status_code == 404
    assert client.post(url, {"outcome": "complete"}).status_code == 404
    assert client.get(preview).status_code == 404

    as_user(client, world, "assessor_a1")
    assert client.get(url).status_code == 403
    assert client.post(url, {"outcome": "complete"}).status_code == 403
    assert Case.objects.get(pk=case.pk).state == CaseState.NOMINATED

    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_preview_serves_inline_in_a_sandbox_and_logs_the_access(client, world):
    case = open_case(world)
    evidence = case_services.add_evidence(
        case,
        item=required_evidence_items(case).first(),
        upload=pdf_upload("hoc-ba.pdf"),
        actor=world.user("officer_a1"),
    )
    task = services.open_task(case)
    as_user(client, world, "assessor_a1")  # may see the case, though not act on this step
    viewed = AuditEvent.objects.filter(stream=f"subject:{case.subject_id}", event_type="personal_data.viewed")
    before = viewed.count()

    response = client.get(reverse("workflows:evidence_preview", args=[task.pk, evidence.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert viewed.count() == before + 1
    event = viewed.latest("seq")
    assert event.actor == world.user("assessor_a1")
    assert event.data["what"] == "evidence_preview" and event.data["evidence_id"] == evidence.pk

    # another case's evidence through this task's address: not found
    other = open_case(world)
    foreign = case_services.add_evidence(
        other,
        item=required_evidence_items(other).first(),
        upload=pdf_upload(),
        actor=world.user("officer_a1"),
    )
    assert client.get(reverse("workflows:evidence_preview", args=[task.pk, foreign.pk])).status_code == 404


def test_removing_evidence_needs_a_reason_and_is_audited(client, world):
    case = open_case(world)
    evidence = case_services.add_evidence(
        case,
        item=required_evidence_items(case).first(),
        upload=pdf_upload("nham.pdf"),
        actor=world.user("officer_a1"),
    )
    task = services.open_task(case)
    url = reverse("workflows:evidence_remove", args=[task.pk, evidence.pk])
    as_user(client, world, "officer_a1")
    before = snapshot(case)

    refused = client.post(url, {"reason": "   "})

    assert refused.status_code == 200
    html = refused.content.decode()
    field = html.index(f'id="id_rm{evidence.pk}_reason"')
    assert "errorlist" in html[field - 400 : field]
    assert snapshot(case) == before

    done = client.post(url, {"reason": "Tải nhầm tệp"}, follow=True)

    assert done.redirect_chain[-1][0] == reverse("workflows:step", args=[task.pk])
    evidence.refresh_from_db()
    assert evidence.removed_at is not None and evidence.removed_by == world.user("officer_a1")
    assert evidence.removal_reason == "Tải nhầm tệp"
    event = AuditEvent.objects.filter(stream=case.stream).latest("seq")
    assert event.event_type == "evidence.removed" and event.reason == "Tải nhầm tệp"
    page = done.content.decode()
    assert "Tải nhầm tệp" in page and "nham.pdf" in page  # the removed file stays listed, with its reason


def test_evidence_cannot_change_once_collection_is_complete(client, world):
    case = collect(world, open_case(world))
    done_task = CaseTask.objects.filter(case=case, flow_task_type="HUMAN").order_by("pk").first()
    as_user(client, world, "officer_a1")
    before = snapshot(case)
    response = client.post(
        reverse("workflows:evidence_upload", args=[done_task.pk]),
        {f"files_{required_evidence_items(case).first().pk}": [pdf_upload()]},
        follow=True,
    )
    assert any(case.reference in m for m in messages_of(response))
    assert snapshot(case) == before


def test_withdraw_needs_a_reason(client, world):
    case = open_case(world)
    as_user(client, world, "officer_a1")
    url = step_url(case, "collect")
    before = snapshot(case)
    response = client.post(url, {"outcome": "withdraw", "withdraw-reason": ""})
    assert response.status_code == 200
    assert response.context["forms"]["withdraw"].errors["reason"] == [vi("A reason is required.")]
    assert snapshot(case) == before
    response = client.post(url, {"outcome": "withdraw", "withdraw-reason": "Hộ xin rút"}, follow=True)
    assert vi("Case %(ref)s was withdrawn.", ref=case.reference) in messages_of(response)
    assert Case.objects.get(pk=case.pk).state == CaseState.WITHDRAWN


@pytest.mark.parametrize("outcome", ["", "decide", "<script>"])
def test_an_outcome_the_step_does_not_have_is_a_bad_request(client, world, outcome):
    case = open_case(world)
    as_user(client, world, "officer_a1")
    assert client.post(step_url(case, "collect"), {"outcome": outcome}).status_code == 400


def test_score_sheet_markup_carries_what_the_script_needs(client, world):
    case = collect(world, open_case(world))
    as_user(client, world, "assessor_a1")
    html = client.get(step_url(case, "score")).content.decode()
    assert re.search(r'data-threshold="80(\.00)?"', html)  # rural village: the "ordinary" threshold
    assert 'data-min-share="50' in html
    assert html.count("data-criterion ") + html.count("data-criterion\n") == 4
    assert 'step="0.5"' in html and 'max="10' in html
    assert "js/score_sheet.js" in html
