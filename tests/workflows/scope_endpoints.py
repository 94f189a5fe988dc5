"""The scope matrix's endpoints (tests/workflows/test_scope_matrix.py): each page and action, how it is asked
for a target village, and what it serves to the user who covers it."""

import dataclasses
from collections.abc import Callable
from urllib.parse import urlsplit

from django.urls import reverse
from viewflow.workflow.status import STATUS

from cases.models import Case, CaseState, EvidenceFile
from registry.models import RoleAssignment
from tests.builders import (
    pdf_upload,
    required_evidence_items,
)
from workflows.models import CaseTask

from .scope_world import (
    ANONYMOUS,
    MOVED,
    NOBODY,
    REASON,
    STEP_ACTOR,
    STEPS,
    Matrix,
    Target,
    assessor,
    head,
    officer,
    supervisor,
)

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
