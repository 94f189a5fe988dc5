"""The collective steps in a real browser: the commune chair decides a batch from the inbox and downloads a
certificate; the province's auditor samples the decision and closes the audit with one problem found.

The cases are brought to the step before through the services (walk + a closed village meeting); everything
after that happens on the pages.
"""

import os

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the `dev` extra installs it
    if os.environ.get("REQUIRE_SERVICES") == "1":
        raise
    pytest.skip("needs the playwright Python package (pip install -e '.[dev]')", allow_module_level=True)

from django.utils import translation

from approvals import services as approvals
from approvals.models import Audit, Decision
from audit.models import AuditEvent
from cases.models import Case, CaseState
from tests.approvals.builders import session_for
from tests.approvals.pdfcheck import text_of
from tests.builders import gdht
from tests.workflows.walk import open_case, walk
from workflows import services

from .conftest import login, screenshot


def vi(msgid: str) -> str:
    with translation.override("vi"):
        return translation.gettext(msgid)


def proposed(world, n: int) -> list[Case]:
    cases = [walk(world, open_case(world), through="score") for _ in range(n)]
    services.close_session(session_for(world, cases), actor=world.user("head_a1"))
    return [Case.objects.get(pk=c.pk) for c in cases]


def test_the_chair_decides_a_batch_from_the_inbox_and_downloads_a_certificate(page, live_server, live_world):
    world = live_world
    cases = proposed(world, 3)
    chair = world.user("chair_a")
    for case in cases[:2]:  # two of the three were claimed earlier: they are in the chair's inbox
        services.claim_task(services.open_task(case, "decide"), actor=chair)

    login(page, live_server, "chair_a", next_path="/cong-viec/hop-viec/")
    for case in cases[:2]:
        page.get_by_label(vi("Select %(ref)s") % {"ref": case.reference}).check()
    with page.expect_navigation():
        page.get_by_role("button", name=vi("Draft a decision with the selected")).click()
    # the draft page lists the commune's proposed cases, the selected ones checked
    for case in cases[:2]:
        expect(page.get_by_label(f"{case.subject.name} · {case.reference}")).to_be_checked()
    expect(page.get_by_label(f"{cases[2].subject.name} · {cases[2].reference}")).not_to_be_checked()
    with page.expect_navigation():
        page.get_by_role("button", name=vi("Create the draft")).click()
    expect(page.locator(".messages")).to_contain_text(vi("The draft decision lists %(n)s cases.") % {"n": 2})

    page.get_by_label(vi("Signer's full name")).fill("Trần Văn Chủ")
    with page.expect_navigation():
        page.get_by_role("button", name=vi("Sign"), exact=True).click()
    expect(page.locator("h1")).to_contain_text("1/QĐ-UBND")
    expect(page.locator("main")).to_contain_text(vi("Ready"))
    screenshot(page, "decision-signed.png")

    with page.expect_download() as info:
        page.get_by_role("link", name=vi("Certificate")).first.click()
    download = info.value
    assert download.suggested_filename.startswith("giay-cong-nhan-") and download.suggested_filename.endswith(
        ".pdf"
    )
    text = text_of(open(download.path(), "rb").read())  # noqa: PTH123, SIM115
    assert "GIẤY CÔNG NHẬN" in text and "Số: 1/QĐ-UBND" in text and "Trần Văn Chủ" in text
    assert any(c.subject.name in text for c in cases[:2])

    decision = Decision.objects.get()
    assert decision.is_signed and decision.signed_by == chair
    states = dict(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("pk", "state"))
    assert [states[c.pk] for c in cases] == [
        CaseState.COMMUNE_DECIDED,
        CaseState.COMMUNE_DECIDED,
        CaseState.VILLAGE_REVIEWED,
    ]
    assert services.open_task(cases[0]).flow_task.name == "audit"
    assert (
        AuditEvent.objects.filter(event_type="document.downloaded", data__document="certificate").count() == 1
    )


def test_the_auditor_samples_and_closes_an_audit_with_one_problem(page, live_server, live_world):
    world = live_world
    cases = proposed(world, 3)
    decision = approvals.draft_decision(
        world.commune_a, title_type=gdht(), year=2026, cases=cases, actor=world.user("commune_officer_a")
    )
    decision = services.sign_decision(decision, actor=world.user("chair_a"), signer_name="Trần Văn Chủ")

    login(page, live_server, "auditor", next_path=f"/xet-duyet/quyet-dinh/{decision.pk}/")
    page.get_by_label(vi("Sample share")).fill("1")
    page.get_by_label(vi("Minimum sample size")).fill("0")
    page.get_by_label(vi("Seed")).fill("2026")
    with page.expect_navigation():
        page.get_by_role("button", name=vi("Open an audit and draw the sample")).click()
    audit = Audit.objects.get()
    assert audit.seed == 2026
    samples = list(audit.samples.select_related("case__subject").order_by("case_id"))
    assert len(samples) == 3
    expect(page.locator("main")).to_contain_text(vi("Random pick"))

    problem = samples[0]
    row = page.locator(f"#sample-{problem.pk}")
    row.locator(f"input[name='s{problem.pk}-finding'][value='problem']").check()
    row.locator(f"textarea[name='s{problem.pk}-description']").fill("Con thứ hai đã nghỉ học từ tháng 3")
    row.locator(f"input[name='s{problem.pk}-evidence']").fill("Xác nhận của Trường THCS Đại Sơn")
    with page.expect_navigation():
        row.get_by_role("button", name=vi("Record the finding")).click()
    for sample in samples[1:]:
        row = page.locator(f"#sample-{sample.pk}")
        row.locator(f"input[name='s{sample.pk}-finding'][value='confirmed']").check()
        with page.expect_navigation():
            row.get_by_role("button", name=vi("Record the finding")).click()
    with page.expect_navigation():
        page.get_by_role("button", name=vi("Close the audit")).click()
    expect(page.locator(".messages")).to_contain_text(
        vi("The audit was closed and the commune was notified.")
    )
    screenshot(page, "audit-closed.png")

    revoked = Case.objects.get(pk=problem.case_id)
    assert (
        revoked.state == CaseState.REVOKED and "Con thứ hai đã nghỉ học từ tháng 3" in revoked.outcome_reason
    )
    assert set(
        Case.objects.exclude(pk=revoked.pk)
        .filter(pk__in=[c.pk for c in cases])
        .values_list("state", flat=True)
    ) == {CaseState.DISTRICT_AUDITED}
    assert Audit.objects.get().status == Audit.Status.CLOSED
    assert Decision.objects.get(pk=decision.pk).is_signed
