"""The API's scope matrix: every operation is tried on a village-A1 target by the same role of commune B
(foreign unit: denied, nothing changes), by a read-only inspector where it changes something, and by an
anonymous caller; then by the covering user (the positive control, so a wrong URL or over-blocking fails)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from approvals.models import Decision, ReviewSession
from cases import permissions as perms
from cases import services as case_services
from cases.models import Case, CaseState, EvidenceFile
from criteria.models import CriterionItem, TitleType
from notifications.models import Notification
from registry.models import Person, Role
from tests.builders import full_marks, make_user, pdf_upload, required_evidence_items
from workflows import services
from workflows.models import CaseTask
from workflows.steps.table import STEPS

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
        commune_officer_b=make_user(Role.COMMUNE_OFFICER, world.commune_b, "commune_officer_b"),
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
    # a learning citizen of A1 at the self-assessment the village branch officer enters (CONGDAN only)
    citizen = Person.objects.create(code="CD-PV", name="Phạm Vi", unit=world.village_a1, birth_year=1980)
    congdan = TitleType.objects.get(code="CONGDAN")
    congdan_case = services.open_case(citizen, title_type=congdan, year=2026, actor=officer)
    cases["self_assess"] = services.perform_step(
        congdan_case, step="collect", outcome="complete", actor=officer
    )
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


def test_coverage_roots(m):
    url = reverse("api:coverage_roots")
    anonymous_refused("get", url)
    assert [u["code"] for u in as_user(m, "officer_b1").get(url).json()] == [m.village_b1.code]
    assert [u["code"] for u in as_user(m, "officer_a1").get(url).json()] == [m.village_a1.code]


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
    unread = Notification.objects.create(
        user=m.user("officer_a1"), kind="test", title="Tin 2", dedupe_key="x2"
    )
    read_all = reverse("api:notifications_read_all")
    anonymous_refused("post", read_all)
    assert as_user(m, "officer_b1").post(read_all).json()["marked"] == 0
    assert Notification.objects.get(pk=unread.pk).read_at is None
    assert as_user(m, "officer_a1").post(read_all).json()["marked"] == 1


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


PAYLOADS = {
    ("collect", "complete"): lambda c: {},
    ("score", "score"): _sheet,
    ("self_assess", "score"): _sheet,
    ("review", "review"): lambda c: {"proposed": True, "reason": ""},
    ("decide", "decide"): lambda c: {"recognised": True, "reason": "", "signer_name": "Chủ tịch"},
    ("audit", "confirm"): lambda c: {"note": "Đúng"},
}
REASON = {"reason": "Kiểm tra phạm vi"}
# The covering users, each with the user of the same role in commune B (the auditor covers the province).
COVERING = {
    "officer_a1": "officer_b1",
    "assessor_a1": "assessor_b1",
    "head_a1": "head_b1",
    "chair_a": "chair_b",
    "commune_officer_a": "commune_officer_b",
    "auditor": None,
}
STEP_OUTCOMES = [(step.key, name) for step in STEPS for name in step.outcomes]


@pytest.mark.parametrize(("step", "outcome"), STEP_OUTCOMES, ids=[f"{s}-{o}" for s, o in STEP_OUTCOMES])
def test_step_completion(m, step, outcome):
    """Every step and outcome: the users of commune B who hold the outcome's role there, inspectors and
    anonymous callers are denied and nothing changes; the covering user of A gets through to the service
    (done, or refused by it for the case's own reasons, never by scope)."""
    case = m.cases[step]
    payload = PAYLOADS.get((step, outcome), lambda c: REASON)(case)
    url = reverse(f"api:step_{step}_{outcome}", args=[task(case, step).pk])
    declared = STEPS[step].outcomes[outcome]
    covering = [
        key
        for key in COVERING
        if declared.allowed(m.user(key), case)
        and (not declared.own_work or perms.can(m.user(key), STEPS[step].action, case))
    ]
    foreign = [COVERING[key] for key in covering if COVERING[key]]
    assert covering, (step, outcome)
    before = state(case)
    anonymous_refused("post", url, payload)
    for key in (*foreign, "inspector", "inspector_b"):
        denied(as_user(m, key).post(url, payload, format="json"))
    assert state(case) == before
    response = as_user(m, covering[0]).post(url, payload, format="json")
    assert response.status_code not in (401, 403, 404), (covering[0], response.json())
    if response.status_code == 200:
        assert state(case) != before


def test_every_api_address_is_in_the_matrix():
    """A new operation must be added to this module's cells (the pages' matrix skips the api namespace)."""
    names = {name for name in _api_names() if name}
    tried = {
        "cases", "case", "evidence", "inbox", "queue", "claim", "release", "evidence_upload",
        "sessions", "session", "session_results", "session_close",
        "decisions", "decision", "decision_outcomes", "decision_sign",
        "coverage_roots", "coverage", "audit_events", "notifications", "notifications_read_all",
        "notification_read",
        *(f"step_{step}_{outcome}" for step, outcome in STEP_OUTCOMES),
    }  # fmt: skip
    public = {"schema", "docs"}  # the OpenAPI document and its page: no data
    assert names == tried | public


def _api_names():
    from api import urls

    return [p.name for p in urls.urlpatterns]


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
