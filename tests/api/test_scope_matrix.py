"""The API's scope matrix: every operation is tried on a village-A1 target by the same role of commune B
(foreign unit: denied, nothing changes), by a read-only inspector where it changes something, and by an
anonymous caller; then by the covering user (the positive control, so a wrong URL or over-blocking fails)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from approvals.models import Decision, ReviewSession
from cases import services as case_services
from cases.models import Case, CaseState, EvidenceFile
from criteria.models import CriterionItem
from notifications.models import Notification
from registry.models import Role
from tests.builders import full_marks, make_user, pdf_upload, required_evidence_items
from workflows import services
from workflows.models import CaseTask

from .helpers import open_case, token_client

pytestmark = pytest.mark.django_db

DENIED = (403, 404)


@pytest.fixture
def m(world):
    """World plus commune B's own assessor, head and chair, a commune-B inspector and cases in A1 at
    each step (the score step claimed by A1's assessor)."""
    users = world.users
    users.update(
        assessor_b1=make_user(Role.ASSESSOR, world.village_b1, "assessor_b1"),
        head_b1=make_user(Role.VILLAGE_HEAD, world.village_b1, "head_b1"),
        chair_b=make_user(Role.COMMUNE_CHAIR, world.commune_b, "chair_b"),
        inspector_b=make_user(Role.INSPECTOR, world.commune_b, "inspector_b"),
    )
    officer = users["officer_a1"]
    cases = {}
    for depth, step in enumerate(("collect", "score", "review", "decide", "audit")):
        case = open_case(world, name=f"Hộ Phạm Vi {step}")
        if depth:
            for item in required_evidence_items(case):
                case_services.add_evidence(case, item=item, upload=pdf_upload(), actor=officer)
            case = services.perform_step(case, step="collect", outcome="complete", actor=officer)
        else:
            item = required_evidence_items(case).first()
            case_services.add_evidence(case, item=item, upload=pdf_upload(), actor=officer)
        if depth >= 2:
            case = services.perform_step(
                case, step="score", outcome="score", actor=users["assessor_a1"], values=full_marks(case)
            )
        elif depth == 1:
            services.claim_task(services.open_task(case, "score"), actor=users["assessor_a1"])
        if depth >= 3:
            case = services.perform_step(
                case, step="review", outcome="review", actor=users["head_a1"], proposed=True
            )
        if depth >= 4:
            case = services.perform_step(
                case,
                step="decide",
                outcome="decide",
                actor=users["chair_a"],
                recognised=True,
                signer_name="Chủ tịch",
            )
        cases[step] = case
    world.cases = cases
    return world


def task(case, step=None) -> CaseTask:
    return services.open_task(case, step)


def state(case) -> str:
    return Case.objects.get(pk=case.pk).state


def as_user(world, key):
    return token_client(world.user(key))


def denied(response):
    assert response.status_code in DENIED, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/problem+json"


def anonymous_refused(method, url, data=None):
    response = getattr(APIClient(), method)(url, data or {}, format="json")
    assert response.status_code in (401, 403)


# --- reads ------------------------------------------------------------------------------------------------


def test_case_list(m):
    ref = m.cases["collect"].reference
    anonymous_refused("get", reverse("api:cases"))
    for foreign in ("officer_b1", "chair_b", "inspector_b"):
        body = as_user(m, foreign).get(reverse("api:cases"), {"q": ref}).json()
        assert body["results"] == []
    body = as_user(m, "officer_a1").get(reverse("api:cases"), {"q": ref}).json()
    assert [c["reference"] for c in body["results"]] == [ref]


@pytest.mark.parametrize("key", ["officer_b1", "assessor_b1", "head_b1", "chair_b", "inspector_b"])
def test_case_detail_and_evidence_download(m, key):
    case = m.cases["score"]
    evidence = EvidenceFile.objects.filter(case=case).first()
    urls = [reverse("api:case", args=[case.pk]), reverse("api:evidence", args=[case.pk, evidence.pk])]
    for url in urls:
        anonymous_refused("get", url)
        denied(as_user(m, key).get(url))
    officer = as_user(m, "officer_a1")
    assert officer.get(urls[0]).json()["reference"] == case.reference
    download = officer.get(urls[1])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_inbox_and_queue(m):
    score_task = task(m.cases["score"], "score")
    collect_task = task(m.cases["collect"], "collect")
    anonymous_refused("get", reverse("api:inbox"))
    assert as_user(m, "assessor_b1").get(reverse("api:inbox")).json()["results"] == []
    assert collect_task.pk not in [
        t["id"] for t in as_user(m, "officer_b1").get(reverse("api:queue")).json()["results"]
    ]
    assert [t["id"] for t in as_user(m, "assessor_a1").get(reverse("api:inbox")).json()["results"]] == [
        score_task.pk
    ]
    assert collect_task.pk in [
        t["id"] for t in as_user(m, "officer_a1").get(reverse("api:queue")).json()["results"]
    ]


def test_coverage(m):
    url = reverse("api:coverage", args=[m.village_a1.code])
    anonymous_refused("get", url)
    denied(as_user(m, "officer_b1").get(url))
    body = as_user(m, "officer_a1").get(url).json()
    assert body["unit"]["code"] == m.village_a1.code and body["total"]["total"] >= 1


def test_audit_events(m):
    case = m.cases["collect"]
    url = reverse("api:audit_events")
    anonymous_refused("get", url)
    denied(as_user(m, "officer_a1").get(url))  # not an inspector
    assert as_user(m, "inspector_b").get(url, {"reference": case.reference}).json()["results"] == []
    events = as_user(m, "inspector").get(url, {"reference": case.reference}).json()["results"]
    assert events and {e["stream"] for e in events} == {case.stream}


def test_notifications(m):
    mine = Notification.objects.create(
        user=m.user("officer_a1"), kind="test", title="Việc mới", dedupe_key="x1"
    )
    url = reverse("api:notification_read", args=[mine.pk])
    anonymous_refused("post", url)
    denied(as_user(m, "officer_b1").post(url))
    assert as_user(m, "officer_b1").get(reverse("api:notifications")).json()["results"] == []
    assert Notification.objects.get(pk=mine.pk).read_at is None
    assert as_user(m, "officer_a1").post(url).json()["read"] is True


# --- changes ----------------------------------------------------------------------------------------------


def test_claim(m):
    collect_task = task(m.cases["collect"], "collect")
    url = reverse("api:claim")
    anonymous_refused("post", url, {"tasks": [collect_task.pk]})
    denied(as_user(m, "inspector").post(url, {"tasks": [collect_task.pk]}, format="json"))
    body = as_user(m, "officer_b1").post(url, {"tasks": [collect_task.pk]}, format="json").json()
    assert body["claimed"] == [] and CaseTask.objects.get(pk=collect_task.pk).owner_id is None
    body = as_user(m, "officer_a1").post(url, {"tasks": [collect_task.pk]}, format="json").json()
    assert body["claimed"] == [collect_task.pk]


def test_release(m):
    score_task = task(m.cases["score"], "score")
    url = reverse("api:release", args=[score_task.pk])
    anonymous_refused("post", url)
    denied(as_user(m, "assessor_b1").post(url))
    assert CaseTask.objects.get(pk=score_task.pk).owner == m.user("assessor_a1")
    assert as_user(m, "assessor_a1").post(url).status_code == 200
    assert CaseTask.objects.get(pk=score_task.pk).owner_id is None


def test_evidence_upload(m):
    case = m.cases["collect"]
    url = reverse("api:evidence_upload", args=[task(case, "collect").pk])
    item = required_evidence_items(case).last()
    count = EvidenceFile.objects.filter(case=case).count()
    for key in ("officer_b1", "inspector"):
        response = as_user(m, key).post(url, {"item": item.pk, "file": pdf_upload()}, format="multipart")
        denied(response)
    assert EvidenceFile.objects.filter(case=case).count() == count
    response = as_user(m, "officer_a1").post(url, {"item": item.pk, "file": pdf_upload()}, format="multipart")
    assert response.status_code == 201


def _sheet(case):
    items = CriterionItem.objects.filter(criterion__criteria_set=case.criteria_set)
    return {
        "items": [
            {"item": i.pk, **({"points": str(i.max_points)} if i.is_points else {"passed": True})}
            for i in items
        ]
    }


STEP_CELLS = {
    # step: (outcome, payload(case), covering user, foreign users)
    "collect": ("withdraw", lambda c: {"reason": "Hộ xin rút"}, "officer_a1", ("officer_b1",)),
    "score": ("score", _sheet, "assessor_a1", ("assessor_b1",)),
    "review": ("review", lambda c: {"proposed": True, "reason": ""}, "head_a1", ("head_b1",)),
    "decide": (
        "decide",
        lambda c: {"recognised": True, "reason": "", "signer_name": "Chủ tịch"},
        "chair_a",
        ("chair_b",),
    ),
    "audit": ("revoke", lambda c: {"reason": "Sai lệch"}, "auditor", ()),
}


@pytest.mark.parametrize("step", list(STEP_CELLS))
def test_step_completion(m, step):
    outcome, payload, covering, foreign = STEP_CELLS[step]
    case = m.cases[step]
    url = reverse(f"api:step_{step}_{outcome}", args=[task(case, step).pk])
    before = state(case)
    anonymous_refused("post", url, payload(case))
    for key in (*foreign, "inspector", "inspector_b"):
        denied(as_user(m, key).post(url, payload(case), format="json"))
    assert state(case) == before
    response = as_user(m, covering).post(url, payload(case), format="json")
    assert response.status_code == 200, response.json()
    assert state(case) != before


def test_review_meeting(m):
    # a meeting's case: scored, and on no one's inbox (the fixture's "review" case is left to its step)
    scored = open_case(m, name="Hộ Họp Xét")
    for item in required_evidence_items(scored):
        case_services.add_evidence(scored, item=item, upload=pdf_upload(), actor=m.user("officer_a1"))
    scored = services.perform_step(scored, step="collect", outcome="complete", actor=m.user("officer_a1"))
    scored = services.perform_step(
        scored, step="score", outcome="score", actor=m.user("assessor_a1"), values=full_marks(scored)
    )
    data = {
        "cases": [scored.pk],
        "meeting_date": "2026-03-02",
        "chair": "Trưởng thôn",
        "attendees": "Các hộ",
        "posting_days": 0,
    }
    url = reverse("api:sessions")
    anonymous_refused("post", url, data)
    for key in ("head_b1", "inspector"):
        response = as_user(m, key).post(url, data, format="json")
        assert response.status_code in (400, 403), response.json()
    assert not ReviewSession.objects.exists()
    response = as_user(m, "head_a1").post(url, data, format="json")
    assert response.status_code == 201, response.json()
    session = response.json()
    entry = session["entries"][0]["id"]
    for name, body in (
        ("session", None),
        ("session_results", {"results": [{"entry": entry, "proposed": False}]}),
        ("session_close", None),
    ):
        url = reverse(f"api:{name}", args=[session["id"]])
        method = "get" if body is None and name == "session" else "post"
        denied(getattr(as_user(m, "head_b1"), method)(url, body or {}, format="json"))
    results = reverse("api:session_results", args=[session["id"]])
    body = {"results": [{"entry": entry, "proposed": True}]}
    assert as_user(m, "head_a1").post(results, body, format="json").json()["counts"]["proposed"] == 1
    closed = as_user(m, "head_a1").post(reverse("api:session_close", args=[session["id"]]))
    assert closed.status_code == 200, closed.json()
    assert state(scored) == CaseState.VILLAGE_REVIEWED


def test_decision(m):
    case = m.cases["decide"]
    url = reverse("api:decisions")
    data = {"cases": [case.pk]}
    anonymous_refused("post", url, data)
    drafts = Decision.objects.count()
    for key in ("chair_b", "inspector"):
        assert as_user(m, key).post(url, data, format="json").status_code in (400, 403)
    assert Decision.objects.count() == drafts
    response = as_user(m, "chair_a").post(url, data, format="json")
    assert response.status_code == 201, response.json()
    decision = response.json()
    for name in ("decision", "decision_outcomes", "decision_sign"):
        target = reverse(f"api:{name}", args=[decision["id"]])
        client = as_user(m, "chair_b")
        denied(client.get(target) if name == "decision" else client.post(target, {}, format="json"))
    signed = as_user(m, "chair_a").post(
        reverse("api:decision_sign", args=[decision["id"]]), {"signer_name": "Chủ tịch xã"}, format="json"
    )
    assert signed.status_code == 200, signed.json()
    assert state(case) == CaseState.COMMUNE_DECIDED
