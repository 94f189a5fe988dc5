"""Inspectors cannot change anything: every write page and endpoint of the site answers 403 to them
(the admin sends them to its login), and nothing changes. A new URL must be classified here to pass."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.models import AuditEvent
from cases.models import Case, EvidenceFile
from registry.models import Role
from tests.builders import make_user, pdf_upload, required_evidence_items
from tests.workflows.walk import open_case
from workflows import services as flow

# Pages that only read (GET); each is also checked not to accept a POST that changes anything.
READ = {
    "home",
    "login",
    "logout",
    "set_language",
    "cases:list",
    "cases:detail",
    "cases:evidence",
    "cases:members",
    # each shell area's index leads to its first page (config/site.py)
    "workflows:index",
    "cases:index",
    "approvals:index",
    "inspection:index",
    "notifications:index",
    "reports:index",
    "reports:coverage_index",
    "reports:coverage",
    "reports:unrecognised",
    "reports:coverage_export",
    "reports:coverage_pdf",
    "reports:imports",
    "reports:import_template",
    "reports:import_job",
    "workflows:inbox",
    "workflows:queue",
    "workflows:archive",
    "workflows:evidence_preview",
    "inspection:search",
    "inspection:export",
    "inspection:case_history",
    "inspection:dossier",
    "inspection:integrity",
    "inspection:checkpoint_file",
    "inspection:access_log",
    "inspection:subject_access",
    "notifications:list",
    "workflows:supervise",
    "workflows:supervise_stalled",
    "workflows:supervise_workload",
    "workflows:supervise_campaign",
    "workflows:people",
    "workflows:people_sheet",  # records that links were issued; 403 to anyone who manages no roles
    "reports:golive",
}
# Writes to the user's own notifications and e-mail settings: open to everyone, inspectors included (they
# are notified of failed verifications); nothing about cases changes.
OWN = {
    "notifications:open",
    "notifications:mark_all_read",
    "notifications:preferences",
    "activate",  # a person sets their own password through their one-time link (nothing else changes)
}
# The public pages for households and citizens (portal/): outside the officers' site, signed in by a code to
# the household's phone or not at all; through them a household sees its own cases and chooses its messages.
PUBLIC = {
    "portal:status",
    "portal:sign_in",
    "portal:code",
    "portal:my_cases",
    "portal:texts",
    "portal:sign_out",
}
WRITE = {
    "workflows:claim",
    "workflows:release",
    "workflows:withdraw",
    "workflows:step",
    "workflows:evidence_upload",
    "workflows:evidence_remove",
    "workflows:nominate",
    "inspection:verify_now",
    "workflows:supervise_officer",
    "workflows:pause_clock",
    "workflows:resume_clock",
    "reports:import_upload",
    "reports:commit_job",
    "workflows:people_end",
    "workflows:people_hand_over",
    "workflows:people_reset",
    "reports:golive_confirm",
}


def _names(patterns, namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.app_name in ("admin", "api"):
                # the API's operations are classified by its own matrix (tests/api/test_scope_matrix.py)
                continue
            yield from _names(p.url_patterns, p.namespace or namespace)
        elif isinstance(p, URLPattern):
            yield f"{namespace}:{p.name}" if namespace else p.name


def test_every_url_of_the_site_is_classified():
    assert set(_names(get_resolver().url_patterns)) == READ | WRITE | OWN | APPROVALS_WRITE | PUBLIC


@pytest.fixture
def open_flow_case(world):
    case = open_case(world)
    item = required_evidence_items(case).first()
    from cases import services

    evidence = services.add_evidence(case, item=item, upload=pdf_upload(), actor=world.user("officer_a1"))
    return case, flow.open_task(case), evidence


def _snapshot():
    return (
        AuditEvent.objects.count(),
        list(Case.objects.order_by("pk").values_list("pk", "state", "updated_at")),
        list(EvidenceFile.objects.order_by("pk").values_list("pk", "removed_at")),
    )


def test_every_write_endpoint_answers_403_to_an_inspector(client, world, open_flow_case):
    case, task, evidence = open_flow_case
    household = case.subject
    posts = {
        "workflows:claim": (reverse("workflows:claim"), {"task": [task.pk]}),
        "workflows:release": (reverse("workflows:release", args=[task.pk]), {}),
        "workflows:withdraw": (
            reverse("workflows:withdraw", args=[case.pk]),
            {"open_task": task.pk, "reason": "Thử rút"},
        ),
        "workflows:step": (reverse("workflows:step", args=[task.pk]), {"outcome": "complete"}),
        "workflows:evidence_upload": (
            reverse("workflows:evidence_upload", args=[task.pk]),
            {"item": evidence.item_id, "file": pdf_upload()},
        ),
        "workflows:evidence_remove": (
            reverse("workflows:evidence_remove", args=[task.pk, evidence.pk]),
            {"reason": "Thử gỡ"},
        ),
        "workflows:nominate": (
            reverse("workflows:nominate"),
            {"village": world.village_a1.pk, "name": "Hộ Mới", "head_name": "Nguyễn Văn Mới", "year": 2026},
        ),
        "inspection:verify_now": (reverse("inspection:verify_now"), {}),
        "workflows:pause_clock": (reverse("workflows:pause_clock", args=[task.pk]), {"reason": "Thử"}),
        "reports:import_upload": (
            reverse("reports:import_upload", args=["dang-ky"]),
            {"file": pdf_upload("dang-ky.csv")},
        ),
        "reports:commit_job": (reverse("reports:commit_job", args=[1]), {}),
        "workflows:resume_clock": (reverse("workflows:resume_clock", args=[task.pk]), {}),
        "workflows:supervise_officer": (
            reverse("workflows:supervise_officer", args=[world.user("officer_a1").pk]),
            {"task": [task.pk], "to_user": world.user("officer_a2").pk, "reason": "Thử giao lại"},
        ),
    }
    role = world.user("officer_a1").role_assignments.get().pk
    for name in ("workflows:people_end", "workflows:people_hand_over", "workflows:people_reset"):
        posts[name] = (
            reverse(name, args=[role]),
            {"reason": "Thử", "phone": "0912345000", "full_name": "Thử"},
        )
    posts["reports:golive_confirm"] = (reverse("reports:golive_confirm"), {"item": "deadlines", "year": 2026})
    assert set(posts) == WRITE
    for inspector in (world.user("inspector"), make_user(Role.INSPECTOR, world.commune_a, "thanhtra_xa")):
        client.force_login(inspector)
        before = _snapshot()
        for name, (url, data) in posts.items():
            assert client.post(url, data).status_code == 403, name
            assert client.get(url).status_code in (403, 405), name
        assert (
            client.post(reverse("reports:golive_confirm"), {"item": "x"}).status_code == 302
        )  # refused form
        admin = client.get(reverse("admin:index"))
        assert admin.status_code == 302 and "/login/" in admin["Location"]
        admin_post = client.post(reverse("admin:cases_case_changelist"), {"action": "delete_selected"})
        assert admin_post.status_code == 302 and "/login/" in admin_post["Location"]
        assert _snapshot() == before
    assert household.pk  # untouched subject


def test_read_pages_refuse_posts_from_an_inspector(client, world, open_flow_case):
    case, _task, _evidence = open_flow_case
    client.force_login(world.user("inspector"))
    before = _snapshot()
    for url in (
        reverse("inspection:search"),
        reverse("inspection:case_history", args=[case.pk]),
        reverse("inspection:integrity"),
        reverse("inspection:access_log"),
        reverse("inspection:dossier", args=[case.pk]),
    ):
        assert client.post(url).status_code == 405, url
    assert _snapshot() == before


# The collective steps (approvals) and the inbox's batch action: reads and writes, walked the same way.
APPROVALS_READ = {
    "approvals:sessions",
    "approvals:session",
    "approvals:session_minutes",
    "approvals:proposals",
    "approvals:proposal",
    "approvals:decisions",
    "approvals:decision",
    "approvals:decision_document",
    "approvals:certificate",
    "approvals:audit",
    "approvals:finding_file",
}
APPROVALS_WRITE = {
    "workflows:batch",
    "approvals:session_new",
    "approvals:session_results",
    "approvals:session_comment",
    "approvals:session_close",
    "approvals:session_drop",
    "approvals:session_cancel",
    "approvals:proposal_new",
    "approvals:decision_new",
    "approvals:decision_outcomes",
    "approvals:decision_sign",
    "approvals:decision_discard",
    "approvals:decision_drop",
    "approvals:audit_open",
    "approvals:audit_finding",
    "approvals:audit_close",
}
READ |= APPROVALS_READ


def test_collective_step_writes_answer_403_to_an_inspector(client, world):
    from approvals import services as approvals
    from approvals.models import Audit, Decision, ReviewSession
    from tests.approvals.builders import proposed_cases, scored_cases, session_for, signed_decision
    from tests.builders import gdht

    session = session_for(world, scored_cases(world, 1))
    draft = approvals.draft_decision(
        world.commune_a,
        title_type=gdht(),
        year=2026,
        cases=proposed_cases(world, 1),
        actor=world.user("commune_officer_a"),
    )
    signed = signed_decision(world, proposed_cases(world, 1))
    audit = approvals.open_audit(signed, actor=world.user("auditor"))
    sample = audit.samples.first()
    entry = signed.entries.first()
    posts = {
        "workflows:batch": (reverse("workflows:batch"), {"action": "session", "task": []}),
        "approvals:session_new": (reverse("approvals:session_new"), {"village": world.village_a1.pk}),
        "approvals:session_results": (reverse("approvals:session_results", args=[session.pk]), {}),
        "approvals:session_comment": (
            reverse("approvals:session_comment", args=[session.pk]),
            {"author": "x", "text": "y"},
        ),
        "approvals:session_close": (reverse("approvals:session_close", args=[session.pk]), {}),
        "approvals:session_drop": (
            reverse("approvals:session_drop", args=[session.pk]),
            {"entry": session.entries.first().pk, "reason": "x"},
        ),
        "approvals:session_cancel": (reverse("approvals:session_cancel", args=[session.pk]), {"reason": "x"}),
        "approvals:proposal_new": (reverse("approvals:proposal_new"), {"commune": world.commune_a.pk}),
        "approvals:decision_new": (reverse("approvals:decision_new"), {"commune": world.commune_a.pk}),
        "approvals:decision_outcomes": (reverse("approvals:decision_outcomes", args=[draft.pk]), {}),
        "approvals:decision_sign": (
            reverse("approvals:decision_sign", args=[draft.pk]),
            {"signer_name": "Thanh Tra"},
        ),
        "approvals:decision_discard": (
            reverse("approvals:decision_discard", args=[draft.pk]),
            {"reason": "x"},
        ),
        "approvals:decision_drop": (
            reverse("approvals:decision_drop", args=[draft.pk]),
            {"entry": draft.entries.first().pk, "reason": "x"},
        ),
        "approvals:audit_open": (reverse("approvals:audit_open", args=[signed.pk]), {}),
        "approvals:audit_finding": (
            reverse("approvals:audit_finding", args=[audit.pk, sample.pk]),
            {f"s{sample.pk}-result": "confirmed"},
        ),
        "approvals:audit_close": (reverse("approvals:audit_close", args=[audit.pk]), {}),
    }
    assert set(posts) == APPROVALS_WRITE
    assert entry is not None

    def state():
        return (
            _snapshot(),
            list(ReviewSession.objects.values_list("pk", "status")),
            list(Decision.objects.values_list("pk", "status", "number")),
            list(Audit.objects.values_list("pk", "status")),
        )

    client.force_login(world.user("inspector"))
    before = state()
    for name, (url, data) in posts.items():
        assert client.post(url, data).status_code == 403, name
    assert state() == before
