"""A case walked through every step by the API alone: typed payloads, the same services as the pages."""

import pytest
from django.urls import reverse

from cases.models import Case, CaseState
from criteria.models import CriterionItem
from tests.builders import pdf_upload, required_evidence_items
from workflows.models import CaseTask

from .helpers import open_case, token_client

pytestmark = pytest.mark.django_db


def _task(case, step):
    return CaseTask.objects.get(case=case, step=step, status__in=("NEW", "ASSIGNED", "STARTED"))


def test_a_case_goes_from_evidence_to_audit_through_the_api(world):
    case = open_case(world)
    officer = token_client(world.user("officer_a1"))

    task = _task(case, "collect")
    for item in required_evidence_items(case):
        response = officer.post(
            reverse("api:evidence_upload", args=[task.pk]),
            {"item": item.pk, "file": pdf_upload()},
            format="multipart",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["item"] == item.code
    response = officer.post(reverse("api:step_collect_complete", args=[task.pk]), {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["case"]["state"] == CaseState.EVIDENCE_COLLECTED

    assessor = token_client(world.user("assessor_a1"))
    task = _task(case, "score")
    items = CriterionItem.objects.filter(criterion__criteria_set=case.criteria_set)
    sheet = [
        {"item": i.pk, **({"points": str(i.max_points)} if i.is_points else {"passed": True})} for i in items
    ]
    response = assessor.post(reverse("api:step_score_score", args=[task.pk]), {"items": sheet}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["case"]["meets_criteria"] is True

    head = token_client(world.user("head_a1"))
    task = _task(case, "review")
    response = head.post(
        reverse("api:step_review_review", args=[task.pk]), {"proposed": True, "reason": ""}, format="json"
    )
    assert response.status_code == 200, response.json()

    chair = token_client(world.user("chair_a"))
    task = _task(case, "decide")
    response = chair.post(
        reverse("api:step_decide_decide", args=[task.pk]),
        {"recognised": True, "reason": "", "signer_name": "Nguyễn Văn Chủ"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["case"]["decision_reference"]

    auditor = token_client(world.user("auditor"))
    task = _task(case, "audit")
    url = reverse("api:step_audit_confirm", args=[task.pk])
    response = auditor.post(url, {"note": "Đúng"}, format="json")
    assert response.status_code == 200, response.json()
    assert Case.objects.get(pk=case.pk).state == CaseState.DISTRICT_AUDITED

    detail = officer.get(reverse("api:case", args=[case.pk])).json()
    assert [s["step"] for s in detail["steps"]] == ["collect", "score", "review", "decide", "audit"]
    assert {"case.scored", "evidence.added"} <= {e["event_type"] for e in detail["history"]}


def test_a_refusal_without_reason_is_a_field_error_in_vietnamese_and_changes_nothing(world):
    case = open_case(world)
    task = _task(case, "collect")
    officer = token_client(world.user("officer_a1"))
    url = reverse("api:step_collect_withdraw", args=[task.pk])
    response = officer.post(url, {"reason": ""}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400 and "reason" in body["errors"]
    assert "lý do" in " ".join(body["errors"]["reason"]).lower()
    assert Case.objects.get(pk=case.pk).state == CaseState.NOMINATED


def test_a_score_for_an_item_of_another_set_is_refused(world):
    case = open_case(world)
    officer = token_client(world.user("officer_a1"))
    for item in required_evidence_items(case):
        officer.post(
            reverse("api:evidence_upload", args=[_task(case, "collect").pk]),
            {"item": item.pk, "file": pdf_upload()},
            format="multipart",
        )
    officer.post(reverse("api:step_collect_complete", args=[_task(case, "collect").pk]), {}, format="json")
    assessor = token_client(world.user("assessor_a1"))
    foreign = CriterionItem.objects.exclude(criterion__criteria_set=case.criteria_set).first()
    response = assessor.post(
        reverse("api:step_score_score", args=[_task(case, "score").pk]),
        {"items": [{"item": foreign.pk, "passed": True}]},
        format="json",
    )
    assert response.status_code == 400
    assert "items" in response.json()["errors"]
    assert Case.objects.get(pk=case.pk).state == CaseState.EVIDENCE_COLLECTED
