"""The scope matrix: no page or action shows, serves or changes a case outside the user's units.

Every page and action that takes an object id or lists objects is tried by users whose grants do not cover
the target village (each cell named `user-village-endpoint`), and by a user who does cover it (the
positive control, so a wrong URL or over-blocking fails too). The world is built once per module inside a
transaction that is rolled back at the end; each cell runs in its own savepoint, so an action that does go
through in one cell is gone in the next.
"""

import dataclasses
import datetime
from collections.abc import Callable
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import STATUS

from audit.models import AuditEvent
from cases import services as case_services
from cases.models import Case, CaseState, EvidenceFile
from registry.models import Role, RoleAssignment, Subject
from registry.services import assign_role, end_role_assignment
from tests.builders import (
    TODAY,
    build_world,
    full_marks,
    gdht,
    make_household,
    make_user,
    pdf_upload,
    required_evidence_items,
)
from tests.conftest import _restore_shipped_criteria
from workflows import services
from workflows.models import CaseTask

VILLAGES = ("A1", "A2", "B1")
STEPS = ("collect", "score", "review", "decide", "audit")
# Distinctive names: a target's secrets are its subjects' names and its case references.
BASE_NAMES = {"A1": "Đặng Văn Khải", "A2": "Trịnh Thị Lụa", "B1": "Vũ Đức Mạnh"}
ORDINAL = {
    "collect": "Nhất",
    "score": "Nhì",
    "review": "Ba",
    "decide": "Tư",
    "audit": "Năm",
    "spare": "Út",
    "moved_done": "Sáu",  # collected by the officer who has since moved from B1 to A2
    "moved_held": "Bảy",  # its collect step is still claimed by that officer
}
REASON = "Kiểm tra phạm vi"
ANONYMOUS = "anonymous"
NOBODY = "nobody"
MOVED = "moved_b1"  # was a village officer in B1, whose role there ended; now a village officer in A2


def officer(village: str) -> str:
    return f"officer_{village.lower()}"


def assessor(village: str) -> str:
    return f"assessor_{village.lower()}"


def head(village: str) -> str:
    return f"head_{village.lower()}"


def chair(village: str) -> str:
    return f"chair_{village[0].lower()}"


def supervisor(village: str) -> str:
    return f"supervisor_{village[0].lower()}"


STEP_ACTOR: dict[str, Callable[[str], str]] = {
    "collect": officer,
    "score": assessor,  # the score step is claimed by the village's assessor
    "review": head,
    "decide": chair,
    "audit": lambda village: "auditor",
}


# --- the world ------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Target:
    """One village's cases, one open at each step, each with evidence; and a subject with no case yet."""

    village: str
    cases: dict[str, Case]  # by the step open on it (B1 also has the moved officer's "moved_*" cases)
    tasks: dict[str, int]  # the open task's pk, by the same keys
    evidence: dict[str, int]  # one evidence file pk, by the same keys
    spare: Subject

    @property
    def base_name(self) -> str:
        return BASE_NAMES[self.village]

    def name(self, step: str) -> str:
        return f"Hộ {self.base_name} {ORDINAL[step]}"

    def listed(self) -> list[str]:
        """What a full case list of the village shows: every case's subject name and reference."""
        return [*(self.name(key) for key in self.cases), *(case.reference for case in self.cases.values())]

    def secrets(self, echoed: str = "") -> list[str]:
        """Each subject's name and each case reference; a query the page echoes back is not a leak."""
        names = [f"{self.base_name} {ORDINAL[key]}" for key in ORDINAL]
        return [s for s in (*names, *(case.reference for case in self.cases.values())) if s != echoed]


@dataclasses.dataclass
class Matrix:
    users: dict
    targets: dict[str, Target]


def _build() -> Matrix:
    _restore_shipped_criteria()
    world = build_world()
    users = dict(world.users)
    users.update(
        assessor_a2=make_user(Role.ASSESSOR, world.village_a2, "assessor_a2"),
        assessor_b1=make_user(Role.ASSESSOR, world.village_b1, "assessor_b1"),
        head_a2=make_user(Role.VILLAGE_HEAD, world.village_a2, "head_a2"),
        head_b1=make_user(Role.VILLAGE_HEAD, world.village_b1, "head_b1"),
        chair_b=make_user(Role.COMMUNE_CHAIR, world.commune_b, "chair_b"),
        nobody=make_user(None, None, NOBODY),
    )
    units = {"A1": world.village_a1, "A2": world.village_a2, "B1": world.village_b1}
    targets = {}
    for village, unit in units.items():
        target = Target(village, {}, {}, {}, spare=None)
        for depth, step in enumerate(STEPS):
            case = _case_at(users, village, unit, target.name(step), depth)
            target.cases[step] = case
            target.tasks[step] = services.open_task(case, step).pk
            target.evidence[step] = case.evidence.order_by("pk").values_list("pk", flat=True).first()
        target.spare = make_household(unit, name=target.name("spare")).subject_ptr
        targets[village] = target
    _move_officer(users, world, targets["B1"])
    return Matrix(users, targets)


def _move_officer(users, world, target: Target) -> None:
    """An officer works in B1 (one step done, one claimed), then moves to A2: B1 leaves all their lists."""
    moved = users[MOVED] = make_user(Role.VILLAGE_OFFICER, world.village_b1, MOVED)
    for key in ("moved_done", "moved_held"):
        household = make_household(world.village_b1, name=target.name(key))
        case = services.open_case(household, title_type=gdht(), year=2026, actor=moved)
        for item in required_evidence_items(case):
            case_services.add_evidence(case, item=item, upload=pdf_upload(), actor=moved)
        if key == "moved_done":
            case = services.perform_step(case, step="collect", outcome="complete", actor=moved)
        else:
            services.claim_task(services.open_task(case, "collect"), actor=moved)
        target.cases[key] = case
        target.tasks[key] = services.open_task(case).pk
        target.evidence[key] = case.evidence.order_by("pk").values_list("pk", flat=True).first()
    end_role_assignment(
        RoleAssignment.objects.get(user=moved, unit=world.village_b1),
        actor=None,
        on=timezone.localdate() - datetime.timedelta(days=1),
        reason="Chuyển công tác sang thôn Tây",
    )
    assign_role(moved, role=Role.VILLAGE_OFFICER, unit=world.village_a2, actor=None, valid_from=TODAY)


def _case_at(users, village: str, unit, name: str, depth: int) -> Case:
    """A case opened in the village and walked forward `depth` steps; the score step is left claimed."""
    household = make_household(unit, name=name)
    case = services.open_case(household, title_type=gdht(), year=2026, actor=users[officer(village)])
    if depth == 0:
        item = required_evidence_items(case).first()
        case_services.add_evidence(case, item=item, upload=pdf_upload(), actor=users[officer(village)])
        return case
    for item in required_evidence_items(case):
        case_services.add_evidence(case, item=item, upload=pdf_upload(), actor=users[officer(village)])
    case = services.perform_step(case, step="collect", outcome="complete", actor=users[officer(village)])
    if depth == 1:
        services.claim_task(services.open_task(case, "score"), actor=users[assessor(village)])
        return case
    case = services.perform_step(
        case, step="score", outcome="score", actor=users[assessor(village)], values=full_marks(case)
    )
    if depth == 2:
        return case
    case = services.perform_step(
        case, step="review", outcome="review", actor=users[head(village)], proposed=True
    )
    if depth == 3:
        return case
    return services.perform_step(
        case,
        step="decide",
        outcome="decide",
        actor=users[chair(village)],
        recognised=True,
        signer_name="Chủ tịch",
    )


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("scope-matrix-media")
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        override_settings(MEDIA_ROOT=str(media), CELERY_TASK_ALWAYS_EAGER=True, PASSWORD_HASHERS=hashers),
        django_db_blocker.unblock(),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _isolated_media(matrix):
    """Replaces the suite's per-test media root: the module's evidence files live in the module's root."""


@pytest.fixture(scope="module")
def _module_client():
    return Client()  # its handler loads the middleware once (WhiteNoise scans the static files then)


@pytest.fixture
def client(_module_client):
    """The module's client with no session: every cell logs in afresh."""
    _module_client.cookies = SimpleCookie()
    return _module_client


# --- the endpoints --------------------------------------------------------------------------------------

DETAIL, LIST, ACTION = "detail", "list", "action"


@dataclasses.dataclass(frozen=True)
class Req:
    method: str
    url: str
    data: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Endpoint:
    name: str
    kind: str
    actor: Callable[[str], str]  # village -> a user key whose grants cover it and who may do this
    requests: Callable[[Target, bool], list[Req]]  # (target, attack) -> the requests of the cell
    served: Callable[[Matrix, Target, list], None]  # what the covering user must get
    may_forbid: bool = False  # a list page that answers 403 to users without the role


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("latin-1")
    return response.content.decode()


def _ok_html(response, *needles):
    assert response.status_code == 200, response.status_code
    html = _text(response)
    for needle in needles:
        assert needle in html, f"{needle!r} missing"


def _ok_pdf(response):
    assert response.status_code == 200, response.status_code
    assert _text(response).startswith("%PDF-")


def _redirected_to(response, url: str):
    assert response.status_code == 302, response.status_code
    assert urlsplit(response["Location"]).path == url


def _task(pk: int) -> CaseTask:
    return CaseTask.objects.get(pk=pk)


def _state(case: Case) -> str:
    return Case.objects.get(pk=case.pk).state


def _evidence_page(t: Target, attack: bool) -> list[Req]:
    keys = t.cases if attack else ("collect",)
    return [Req("get", reverse("cases:evidence", args=[t.cases[k].pk, t.evidence[k]])) for k in keys]


def _preview(t: Target, attack: bool) -> list[Req]:
    keys = t.cases if attack else ("collect",)
    return [Req("get", reverse("workflows:evidence_preview", args=[t.tasks[k], t.evidence[k]])) for k in keys]


def _open_at(t: Target, step: str) -> list[int]:
    """The target's tasks open at `step`: its own case at that step, and any of the moved officer's."""
    return [t.tasks[step]] + [
        pk for key, pk in t.tasks.items() if key.startswith("moved") and _step_of(pk) == step
    ]


def _step_of(task_pk: int) -> str:
    return _task(task_pk).flow_task.name


# Step POSTs: the covering actor's own outcome, plus for attackers the side outcomes that skip the assignee.
STEP_POSTS = {
    "collect": {"outcome": "withdraw", "withdraw-reason": REASON},
    "score": {"outcome": "return", "return-reason": REASON},
    "review": {"outcome": "review", "review-proposed": "1", "review-reason": ""},
    "decide": {
        "outcome": "decide",
        "decide-recognised": "1",
        "decide-signer_name": "Chủ tịch",
    },
    "audit": {"outcome": "confirm", "confirm-note": ""},
}
ATTACK_POSTS = {
    "collect": [{"outcome": "complete"}],
    "score": [{"outcome": "withdraw", "withdraw-reason": REASON}],
    "review": [{"outcome": "withdraw", "withdraw-reason": REASON}],
    "decide": [{"outcome": "withdraw", "withdraw-reason": REASON}],
    "audit": [{"outcome": "revoke", "revoke-reason": REASON}],
}
STEP_POST_STATE = {
    "collect": CaseState.WITHDRAWN,
    "score": CaseState.NOMINATED,
    "review": CaseState.VILLAGE_REVIEWED,
    "decide": CaseState.COMMUNE_DECIDED,
    "audit": CaseState.DISTRICT_AUDITED,
}


def _step_get(step: str) -> Endpoint:
    return Endpoint(
        f"workflows:step-GET-{step}",
        DETAIL,
        STEP_ACTOR[step],
        lambda t, attack: [
            Req("get", reverse("workflows:step", args=[pk]))
            for pk in (_open_at(t, step) if attack else [t.tasks[step]])
        ],
        lambda m, t, rs: _ok_html(rs[0], t.cases[step].reference, t.name(step)),
    )


def _step_post(step: str) -> Endpoint:
    def requests(t: Target, attack: bool) -> list[Req]:
        if not attack:
            return [Req("post", reverse("workflows:step", args=[t.tasks[step]]), STEP_POSTS[step])]
        posts = [STEP_POSTS[step], *ATTACK_POSTS[step]]
        return [
            Req("post", reverse("workflows:step", args=[pk]), data)
            for pk in _open_at(t, step)
            for data in posts
        ]

    def served(m, t, rs):
        _redirected_to(rs[0], reverse("cases:detail", args=[t.cases[step].pk]))
        assert _state(t.cases[step]) == STEP_POST_STATE[step]

    return Endpoint(f"workflows:step-POST-{step}", ACTION, STEP_ACTOR[step], requests, served)


def _claim_served(m, t, rs):
    _redirected_to(rs[0], reverse("workflows:inbox"))
    task = _task(t.tasks["collect"])
    assert task.status == STATUS.ASSIGNED and task.owner == m.users[officer(t.village)]


def _release_served(m, t, rs):
    _redirected_to(rs[0], reverse("workflows:inbox"))
    task = _task(t.tasks["score"])
    assert task.status == STATUS.NEW and task.owner_id is None


def _withdraw_requests(t: Target, attack: bool) -> list[Req]:
    keys = [k for k in t.cases if k != "audit"] if attack else ["collect"]
    return [
        Req(
            "post",
            reverse("workflows:withdraw", args=[t.cases[k].pk]),
            {"open_task": str(t.tasks[k]), "reason": REASON},
        )
        for k in keys
    ]


def _withdraw_served(m, t, rs):
    _redirected_to(rs[0], reverse("cases:detail", args=[t.cases["collect"].pk]))
    assert _state(t.cases["collect"]) == CaseState.WITHDRAWN


def _upload_requests(t: Target, attack: bool) -> list[Req]:
    item = required_evidence_items(t.cases["collect"]).first()
    url = reverse("workflows:evidence_upload", args=[t.tasks["collect"]])
    return [Req("post", url, {f"files_{item.pk}": [pdf_upload("ngoai-pham-vi.pdf")]})]


def _upload_served(m, t, rs):
    _redirected_to(rs[0], reverse("workflows:step", args=[t.tasks["collect"]]))
    assert EvidenceFile.objects.filter(case=t.cases["collect"]).count() == 2


def _remove_requests(t: Target, attack: bool) -> list[Req]:
    url = reverse("workflows:evidence_remove", args=[t.tasks["collect"], t.evidence["collect"]])
    return [Req("post", url, {"reason": REASON})]


def _remove_served(m, t, rs):
    _redirected_to(rs[0], reverse("workflows:step", args=[t.tasks["collect"]]))
    assert EvidenceFile.objects.get(pk=t.evidence["collect"]).removed_at is not None


def _nominate_requests(t: Target, attack: bool) -> list[Req]:
    data = {"mode": "existing", "subject": str(t.spare.pk), "title": "GDHT", "year": "2026"}
    return [Req("post", reverse("workflows:nominate"), data)]


def _nominate_served(m, t, rs):
    case = Case.objects.get(subject=t.spare)
    _redirected_to(rs[0], reverse("cases:detail", args=[case.pk]))


def _search(name: str, q: Callable[[Target], dict]) -> Callable[[Target, bool], list[Req]]:
    return lambda t, attack: [Req("get", reverse(name), q(t))]


def _by_name(t: Target) -> dict:
    return {"q": t.base_name}


def _by_reference(t: Target) -> dict:
    return {"q": t.cases["collect"].reference}


def _list_served(step: str):
    """The list shows the case open at `step` (its reference and its subject's name)."""
    return lambda m, t, rs: [_ok_html(r, t.cases[step].reference, t.name(step)) for r in rs]


def _batch_served(m, t, rs):
    """The review step opens the meeting page with its case; it is no decide step, so no decision."""
    session, decision = rs
    _redirected_to(session, reverse("approvals:session_new"))
    assert session["Location"].endswith(f"?case={t.cases['review'].pk}")
    assert decision.status_code == 302 and "approvals" not in decision["Location"]


def _task_lists() -> list[Endpoint]:
    # who has something of the village in each list: the assessor holds the claimed score step, the
    # officer can take the collect step and has done the collect step of the cases further on
    lists = {
        "inbox": (assessor, "score"),
        "queue": (officer, "collect"),
        "archive": (officer, "score"),
    }
    endpoints = []
    for name, (actor, step) in lists.items():
        url = f"workflows:{name}"
        endpoints += [
            Endpoint(url, LIST, actor, _search(url, lambda t: {}), _list_served(step)),
            Endpoint(f"{url}?q", LIST, actor, _search(url, _by_name), _list_served(step)),
        ]
    return endpoints


def _unit(t: Target):
    return t.cases["collect"].unit


def _supervision(name: str, args: Callable[[Target], list] | None = None):
    """A supervisor's page about the target village (`?unit=` its code)."""

    def requests(t: Target, attack: bool) -> list[Req]:
        return [Req("get", reverse(name, args=args(t) if args else None), {"unit": _unit(t).code})]

    return requests


def _assessor_pk(t: Target) -> list[int]:
    return [CaseTask.objects.get(pk=t.tasks["score"]).owner_id]  # the score step is left claimed


def _clock(name: str):
    def requests(t: Target, attack: bool) -> list[Req]:
        keys = t.tasks if attack else ("collect",)
        return [Req("post", reverse(name, args=[t.tasks[k]]), {"reason": REASON}) for k in keys]

    return requests


def _paused_served(m, t, rs):
    _redirected_to(rs[0], reverse("cases:detail", args=[t.cases["collect"].pk]))
    assert _task(t.tasks["collect"]).paused_at is not None


def _resume_served(m, t, rs):  # nothing is paused: the holder is told so on the case file
    _redirected_to(rs[0], reverse("cases:detail", args=[t.cases["collect"].pk]))
    assert _task(t.tasks["collect"]).paused_at is None


def _officer_role(t: Target) -> int:
    from registry.models import RoleAssignment

    return (
        RoleAssignment.objects.filter(user__username=officer(t.village), unit=_unit(t)).values_list(
            "pk", flat=True
        )
    ).first()


def _people_page(name: str):
    """People management about the target village: its officer's role, or the village as `?unit=`."""

    def requests(t: Target, attack: bool) -> list[Req]:
        if name in ("workflows:people", "workflows:people_sheet"):
            return [Req("get", reverse(name), {"unit": _unit(t).code})]
        url = reverse(name, args=[_officer_role(t)])
        posted = {"reason": REASON, "phone": "0912345000", "full_name": "Người Thay"}
        return [Req("get", url), *([Req("post", url, posted)] if attack else [])]

    return requests


def _people() -> list[Endpoint]:
    names = ("workflows:people", "workflows:people_sheet")
    return [
        *(
            Endpoint(
                name,
                DETAIL,
                supervisor,
                _people_page(name),
                lambda m, t, rs: _ok_html(rs[0], str(_unit(t).name)),
            )
            for name in names
        ),
        *(
            Endpoint(
                name,
                ACTION,
                supervisor,
                _people_page(name),
                lambda m, t, rs: _ok_html(rs[0], officer(t.village)),
            )
            for name in ("workflows:people_end", "workflows:people_hand_over", "workflows:people_reset")
        ),
    ]


ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "cases:list",
        LIST,
        officer,
        _search("cases:list", lambda t: {}),
        lambda m, t, rs: _ok_html(rs[0], *t.listed()),
    ),
    Endpoint(
        "cases:list?q",
        LIST,
        officer,
        lambda t, attack: [
            *_search("cases:list", _by_name)(t, attack),
            *_search("cases:list", _by_reference)(t, attack),
        ],
        lambda m, t, rs: (_ok_html(rs[0], *t.listed()), _ok_html(rs[1], t.cases["collect"].reference)),
    ),
    Endpoint(
        "cases:detail",
        DETAIL,
        officer,
        lambda t, attack: [
            Req("get", reverse("cases:detail", args=[t.cases[k].pk])) for k in (t.cases if attack else STEPS)
        ],
        lambda m, t, rs: [
            _ok_html(r, t.cases[s].reference, t.name(s)) for r, s in zip(rs, STEPS, strict=True)
        ],
    ),
    Endpoint(
        "cases:members",
        DETAIL,
        officer,
        lambda t, attack: [
            Req("get", reverse("cases:members", args=[t.cases[k].pk])) for k in (t.cases if attack else STEPS)
        ],
        lambda m, t, rs: [_ok_html(r, t.name(s).removeprefix("Hộ ")) for r, s in zip(rs, STEPS, strict=True)],
    ),
    Endpoint(
        "workflows:supervise",
        DETAIL,
        supervisor,
        _supervision("workflows:supervise"),
        lambda m, t, rs: _ok_html(rs[0], str(_unit(t).name)),
    ),
    Endpoint(
        "workflows:supervise_stalled",
        DETAIL,
        supervisor,
        _supervision("workflows:supervise_stalled"),
        lambda m, t, rs: _ok_html(rs[0], str(_unit(t).name)),
    ),
    Endpoint(
        "workflows:supervise_workload",
        DETAIL,
        supervisor,
        _supervision("workflows:supervise_workload"),
        lambda m, t, rs: _ok_html(rs[0], assessor(t.village)),
    ),
    Endpoint(
        "workflows:supervise_campaign",
        DETAIL,
        supervisor,
        _supervision("workflows:supervise_campaign"),
        lambda m, t, rs: _ok_html(rs[0], "15/11/"),
    ),
    Endpoint(
        "workflows:supervise_officer",
        DETAIL,
        supervisor,
        _supervision("workflows:supervise_officer", _assessor_pk),
        lambda m, t, rs: _ok_html(rs[0], t.cases["score"].reference),
    ),
    Endpoint("workflows:pause_clock", ACTION, supervisor, _clock("workflows:pause_clock"), _paused_served),
    Endpoint("workflows:resume_clock", ACTION, supervisor, _clock("workflows:resume_clock"), _resume_served),
    Endpoint("cases:evidence", DETAIL, officer, _evidence_page, lambda m, t, rs: _ok_pdf(rs[0])),
    Endpoint("workflows:evidence_preview", DETAIL, officer, _preview, lambda m, t, rs: _ok_pdf(rs[0])),
    *(_step_get(step) for step in STEPS),
    *(_step_post(step) for step in STEPS),
    Endpoint(
        "workflows:claim",
        ACTION,
        officer,
        lambda t, attack: [
            Req(
                "post",
                reverse("workflows:claim"),
                {
                    "task": [
                        str(pk) for k, pk in t.tasks.items() if (attack and k != "score") or k == "collect"
                    ]
                },
            )
        ],
        _claim_served,
    ),
    Endpoint(
        "workflows:release",
        ACTION,
        assessor,
        lambda t, attack: [
            Req("post", reverse("workflows:release", args=[t.tasks[k]]))
            for k in (("score", "moved_held") if attack and "moved_held" in t.tasks else ("score",))
        ],
        _release_served,
    ),
    Endpoint(
        "workflows:batch",
        ACTION,
        head,
        lambda t, attack: [
            Req("post", reverse("workflows:batch"), {"task": [str(t.tasks["review"])], "batch": batch})
            for batch in ("session", "decision")
        ],
        _batch_served,
    ),
    Endpoint("workflows:withdraw", ACTION, officer, _withdraw_requests, _withdraw_served),
    Endpoint("workflows:evidence_upload", ACTION, officer, _upload_requests, _upload_served),
    Endpoint("workflows:evidence_remove", ACTION, officer, _remove_requests, _remove_served),
    Endpoint("workflows:nominate-POST", ACTION, officer, _nominate_requests, _nominate_served),
    Endpoint(
        "workflows:nominate?q",
        LIST,
        officer,
        _search("workflows:nominate", lambda t: {"q": t.base_name, "title": "GDHT", "year": "2026"}),
        lambda m, t, rs: _ok_html(rs[0], t.name("spare"), t.name("collect")),
        may_forbid=True,
    ),
    *_task_lists(),
    *_people(),
]
BY_NAME = {endpoint.name: endpoint for endpoint in ENDPOINTS}
assert len(BY_NAME) == len(ENDPOINTS)

# (user, village) pairs whose grants do not cover the village
OUTSIDERS = [
    ("officer_a1", "B1"),
    ("officer_a1", "A2"),
    ("supervisor_a", "B1"),
    ("supervisor_b", "A1"),
    (MOVED, "B1"),
    (NOBODY, "A1"),
    (NOBODY, "A2"),
    (NOBODY, "B1"),
    (ANONYMOUS, "A1"),
    (ANONYMOUS, "A2"),
    (ANONYMOUS, "B1"),
]


# --- running a cell -------------------------------------------------------------------------------------


def snapshot() -> dict:
    """Everything an action could change, across all units."""
    return {
        "cases": sorted(Case.objects.values_list("pk", "state", "updated_at")),
        "tasks": sorted(CaseTask.objects.values_list("pk", "status", "owner_id", "paused_at")),
        "evidence": sorted(EvidenceFile.objects.values_list("pk", "removed_at")),
        "events": AuditEvent.objects.count(),
        "subjects": Subject.objects.count(),
    }


def _send(client, req: Req):
    return getattr(client, req.method)(req.url, req.data)


def _assert_denied(client, endpoint: Endpoint, target: Target, user_key: str, req: Req, response) -> None:
    status = response.status_code
    secrets = target.secrets(echoed=req.data.get("q", ""))
    if user_key == ANONYMOUS:
        assert status == 302, f"anonymous got {status}"
        assert urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL)
        return
    assert not getattr(response, "streaming", False), f"served a file ({status})"
    leaked = [s for s in secrets if s in _text(response)]
    assert not leaked, f"{status} shows {leaked}"
    if endpoint.kind == LIST:
        if _area_refuses(response):
            assert status == 403, status
        else:
            allowed = {200, 403} if endpoint.may_forbid else {200}
            assert status in allowed, status
    elif endpoint.kind == DETAIL:
        assert status in (403, 404), status
    else:
        assert status in (200, 302, 403, 404), status
        if status == 200:  # a re-rendered form (the posted id refused as a choice)
            assert endpoint.name == "workflows:nominate-POST", "an action answered 200"
        if status == 302:  # back to the user's own page with a warning: it must not name the case either
            target_pages = {reverse("cases:detail", args=[c.pk]) for c in target.cases.values()}
            target_pages |= {reverse("workflows:step", args=[pk]) for pk in target.tasks.values()}
            location = urlsplit(response["Location"]).path
            assert location not in target_pages, f"redirected to {location}"
            page = client.get(response["Location"])
            assert page.status_code == 200
            leaked = [s for s in secrets if s in _text(page)]
            assert not leaked, f"the page after the redirect shows {leaked}"


def _area_refuses(response) -> bool:
    """The shell keeps users out of an area that has no menu entry for them (config/site.py), e.g. a
    supervisor or a user without any role out of the work lists."""
    request = response.wsgi_request
    area = getattr(request.resolver_match, "app", None)
    return area is not None and not area.has_view_permission(request.user)


def _login(client, matrix: Matrix, user_key: str) -> None:
    if user_key != ANONYMOUS:
        client.force_login(matrix.users[user_key])


@pytest.mark.parametrize(
    ("user_key", "village", "endpoint_name"),
    [(u, v, e.name) for u, v in OUTSIDERS for e in ENDPOINTS],
    ids=[f"{u}-{v}-{e.name}" for u, v in OUTSIDERS for e in ENDPOINTS],
)
def test_outsider_sees_and_changes_nothing(client, db, matrix, user_key, village, endpoint_name):
    endpoint, target = BY_NAME[endpoint_name], matrix.targets[village]
    _login(client, matrix, user_key)
    before = snapshot()
    for req in endpoint.requests(target, True):
        response = _send(client, req)
        _assert_denied(client, endpoint, target, user_key, req, response)
        assert snapshot() == before, f"{req.method.upper()} {req.url} {req.data} changed the data"


@pytest.mark.parametrize(
    ("village", "endpoint_name"),
    [(v, e.name) for e in ENDPOINTS for v in VILLAGES],
    ids=[f"{e.actor(v)}-{v}-{e.name}" for e in ENDPOINTS for v in VILLAGES],
)
def test_covering_user_is_served(client, db, matrix, village, endpoint_name):
    endpoint, target = BY_NAME[endpoint_name], matrix.targets[village]
    _login(client, matrix, endpoint.actor(village))
    responses = [_send(client, req) for req in endpoint.requests(target, False)]
    endpoint.served(matrix, target, responses)


def test_the_matrix_covers_every_url_that_takes_an_id_or_lists_cases():
    from cases.urls import urlpatterns as case_urls
    from workflows.urls import urlpatterns as workflow_urls

    names = {f"cases:{p.name}" for p in case_urls} | {f"workflows:{p.name}" for p in workflow_urls}
    covered = {e.name.split("-")[0].split("?")[0] for e in ENDPOINTS}
    assert names <= covered, names - covered
