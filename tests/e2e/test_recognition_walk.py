"""The recognition flow in a real browser: each step done through the UI by the officer of the right role.

One household walks all six steps (nomination to audit); a second is returned for rework at scoring; a third
is not proposed at the village review. Cases 2 and 3 are brought to the step before the interesting one
through the services; everything after that happens on the pages.
"""

import os
import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the `dev` extra installs it
    if os.environ.get("REQUIRE_SERVICES") == "1":
        raise
    pytest.skip("needs the playwright Python package (pip install -e '.[dev]')", allow_module_level=True)

from django.utils import timezone, translation

from audit.models import AuditEvent
from cases import services as case_services
from cases.models import Case, CaseState
from tests.builders import (
    full_marks,
    gdht,
    jpeg_bytes,
    make_household,
    pdf_bytes,
    pdf_upload,
    required_evidence_items,
)
from workflows import services

from .conftest import login, screenshot


def vi(msgid: str) -> str:
    """What the Vietnamese pages show for an English msgid."""
    with translation.override("vi"):
        return translation.gettext(msgid)


def state_label(state: CaseState) -> str:
    """The Vietnamese label of a case state, as the case file's status badge shows it."""
    with translation.override("vi"):
        return str(state.label)


# --- moving around the UI -------------------------------------------------------------------------------


def logout(page):
    menu = page.locator(".vf-page__menu")
    menu.get_by_role("button", name=vi("Account")).click()  # the account actions under the user's name
    with page.expect_navigation():
        menu.get_by_role("button", name=vi("Log out")).click()
    expect(page.locator(".vf-page__menu .who")).to_have_count(0)


def switch_user(page, live_server, username: str):
    logout(page)
    login(page, live_server, username)
    expect(page.locator(".vf-page__menu .who")).to_have_text(username)


def go_to(page, nav_label: str):
    with page.expect_navigation():
        page.locator(".vf-page__menu nav").get_by_role("link", name=nav_label, exact=True).click()


def task_row(page, reference: str):
    return page.locator("table.list tbody tr").filter(
        has=page.get_by_role("link", name=reference, exact=True)
    )


def claim_from_queue(page, reference: str):
    go_to(page, "Hàng chờ")
    expect(page.locator("h1")).to_have_text("Hàng chờ")
    row = task_row(page, reference)
    expect(row).to_have_count(1)
    with page.expect_navigation():
        row.get_by_role("button", name=vi("Claim"), exact=True).click()
    expect(page.locator("ul.messages .success")).to_be_visible()
    expect(task_row(page, reference)).to_have_count(0)  # it left the queue


def open_step_from_case_file(page, reference: str):
    """Queue -> the case's file -> "Open step" in the work panel (the panel claims nothing by itself)."""
    go_to(page, "Hàng chờ")
    row = task_row(page, reference)
    expect(row).to_have_count(1)
    with page.expect_navigation():
        row.get_by_role("link", name=reference, exact=True).click()
    with page.expect_navigation():
        page.locator("section.work-panel").get_by_role("link", name=vi("Open step")).click()
    expect(page.locator("section.step-header")).to_contain_text(reference)


def submit_outcome(page, outcome: str):
    """Press the step's outcome button; the step POST redirects to the case file (or re-renders on errors)."""
    with page.expect_navigation():
        page.locator(f"button[name=outcome][value={outcome}]").click()
    page.wait_for_load_state()


def expect_state(page, state: CaseState):
    expect(page.locator("dl.facts .state").first).to_have_text(state_label(state))


def progress(page):
    return page.locator("section.work-panel ol.steps")


def assert_shot(page, name: str):
    shot = screenshot(page, name)
    assert shot.is_file() and shot.stat().st_size > 0
    # After a full-page capture Debian's headless Chromium can lose the next click (the renderer's scroll
    # offset and the one clicks are aimed with disagree); scrolling once puts them back in step.
    page.evaluate("window.scrollTo(0, 0)")


# --- setting up cases 2 and 3 through the services -----------------------------------------------------


def open_case(world, name: str) -> Case:
    household = make_household(world.village_a1, name)
    return services.open_case(household, title_type=gdht(), year=2026, actor=world.user("officer_a1"))


def collected(world, case: Case) -> Case:
    for item in required_evidence_items(case):
        case_services.add_evidence(case, item=item, upload=pdf_upload(), actor=world.user("officer_a1"))
    return services.perform_step(case, step="collect", outcome="complete", actor=world.user("officer_a1"))


def scored(world, case: Case) -> Case:
    return services.perform_step(
        case, step="score", outcome="score", actor=world.user("assessor_a1"), values=full_marks(case)
    )


# --- 1. the whole walk ------------------------------------------------------------------------------------


def test_one_household_walks_all_six_steps_through_the_pages(page, live_server, live_world, tmp_path):
    pdf = tmp_path / "bien-ban.pdf"
    pdf.write_bytes(pdf_bytes("Bien ban hop gia dinh"))
    jpeg = tmp_path / "anh-gia-dinh.jpg"
    jpeg.write_bytes(jpeg_bytes())

    # officer_a1 registers a new household and nominates it.
    login(page, live_server, "officer_a1")
    go_to(page, vi("New case"))
    expect(page.locator("h1")).to_have_text(vi("New case"))
    form = page.locator("form.nominate-household")
    form.locator("select[name=title]").select_option("GDHT")
    form.locator("select[name=village]").select_option(str(live_world.village_a1.pk))
    form.locator("input[name=head_name]").fill("Lê Văn Cường")
    form.locator("input[name=address]").fill("Xóm 3, Thôn Đông")
    form.locator("input[name='members-0-full_name']").fill("Lê Văn Cường")
    form.locator("input[name='members-0-birth_year']").fill("1978")
    form.locator("select[name='members-0-relation']").select_option("head")
    form.locator("input[name='members-1-full_name']").fill("Lê Thị Dung")
    form.locator("input[name='members-1-birth_year']").fill("2009")
    form.locator("select[name='members-1-relation']").select_option("child")
    with page.expect_navigation():
        form.get_by_role("button", name=vi("Register the household and open the case")).click()

    match = re.search(r"/ho-so/(\d+)/$", page.url)
    assert match, page.url
    case = Case.objects.get(pk=int(match[1]))
    ref = case.reference
    expect(page.locator("h1")).to_have_text("Hộ Lê Văn Cường")
    expect(page.locator("ul.messages .success")).to_contain_text(ref)
    expect_state(page, CaseState.NOMINATED)
    # the members are personal data: on their own page, one click away, each view logged
    page.get_by_role("link", name="Xem danh sách thành viên hộ").click()
    expect(page.get_by_role("row", name="Lê Thị Dung 2009")).to_be_visible()
    page.go_back()

    # ... finds the first step in the queue, claims it and sees it in the inbox.
    claim_from_queue(page, ref)
    go_to(page, "Hộp việc")
    expect(page.locator("h1")).to_have_text("Hộp việc")
    row = task_row(page, ref)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Hộ Lê Văn Cường")
    assert_shot(page, "inbox.png")

    # ... opens the step and uploads a PDF and a JPEG on the first required item, a PDF on the others.
    with page.expect_navigation():
        row.get_by_role("link", name=vi("Open"), exact=True).click()
    required = page.locator(".evidence-item").filter(has=page.locator("strong.required"))
    count = required.count()
    assert count == required_evidence_items(case).count() > 0
    for i in range(count):
        files = [pdf, jpeg] if i == 0 else [pdf]
        required.nth(i).locator("input[type=file]").set_input_files([str(f) for f in files])
    with page.expect_navigation():
        page.get_by_role("button", name=vi("Upload the chosen files")).click()
    expect(page.locator("ul.messages .success")).to_contain_text("anh-gia-dinh.jpg")
    expect(page.locator("p.notice")).to_have_count(0)  # nothing required is missing any more

    first = required.first
    thumb = first.get_by_role("img", name="anh-gia-dinh.jpg")
    thumb.scroll_into_view_if_needed()
    expect(thumb).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth === 32", arg=thumb.element_handle())
    expect(first.get_by_role("link", name="bien-ban.pdf")).to_be_visible()
    expect(first.locator(".evidence-meta").filter(has_text="bien-ban.pdf")).to_contain_text("(PDF)")
    for i in range(1, count):
        expect(required.nth(i).get_by_role("link", name="bien-ban.pdf")).to_have_count(1)

    submit_outcome(page, "complete")
    assert page.url == f"{live_server.url}/ho-so/{case.pk}/"
    expect_state(page, CaseState.EVIDENCE_COLLECTED)

    # assessor_a1 finds it in their own queue, claims it and fills the sheet with full marks.
    switch_user(page, live_server, "assessor_a1")
    claim_from_queue(page, ref)
    go_to(page, "Hộp việc")
    with page.expect_navigation():
        task_row(page, ref).get_by_role("link", name=vi("Open"), exact=True).click()
    sheet = page.locator("form.score-sheet")
    points = sheet.locator("input[type=number]")
    assert points.count() > 0
    for i in range(points.count()):
        box = points.nth(i)
        box.fill(box.get_attribute("max"))
    passed = sheet.locator("input[type=radio][value='1']")
    for i in range(passed.count()):
        passed.nth(i).check()
    expect(sheet.locator("[data-result]")).to_have_text(vi("Meets the criteria"))
    submit_outcome(page, "score")
    expect_state(page, CaseState.SCORED)

    # head_a1 records the village meeting's proposal.
    switch_user(page, live_server, "head_a1")
    open_step_from_case_file(page, ref)
    page.get_by_label(vi("Propose for recognition")).check()
    submit_outcome(page, "review")
    expect_state(page, CaseState.VILLAGE_REVIEWED)

    # chair_a signs: a one-case decision under the commune's first number of the year, dated today.
    switch_user(page, live_server, "chair_a")
    open_step_from_case_file(page, ref)
    page.get_by_label(vi("Recognise"), exact=True).check()
    page.locator("input[name='decide-signer_name']").fill("Trần Văn Chủ")
    submit_outcome(page, "decide")
    expect_state(page, CaseState.COMMUNE_DECIDED)
    today = timezone.localdate().strftime("%d/%m/%Y")
    expect(page.locator("dl.facts").first).to_contain_text(f"1/QĐ-UBND — {today}")

    # the auditor confirms the decision.
    switch_user(page, live_server, "auditor")
    open_step_from_case_file(page, ref)
    expect(page.locator("main")).to_contain_text("1/QĐ-UBND")
    submit_outcome(page, "confirm")

    expect(page).to_have_url(f"{live_server.url}/ho-so/{case.pk}/")
    expect_state(page, CaseState.DISTRICT_AUDITED)
    steps = progress(page).locator("li.step:not(.step-end)")
    expect(steps).to_have_count(6)
    expect(progress(page).locator("li.step-done")).to_have_count(6)
    expect(progress(page).locator("li.step-current, li.step-todo, li.step-stopped")).to_have_count(0)
    expect(page.locator("section.work-panel .panel-actions")).to_have_count(0)
    assert Case.objects.get(pk=case.pk).state == CaseState.DISTRICT_AUDITED
    assert_shot(page, "case-file-recognised.png")


# --- 2. returned for rework -----------------------------------------------------------------------------


def test_assessor_returns_a_case_for_rework(page, live_server, live_world):
    case = collected(live_world, open_case(live_world, "Hộ Phạm Văn Em"))
    ref = case.reference
    reason = "Thiếu biên bản họp gia đình, bổ sung ảnh giấy khen"

    login(page, live_server, "assessor_a1")
    open_step_from_case_file(page, ref)
    side = page.locator("details.side-outcome").filter(has=page.locator("button[value=return]"))
    side.locator("summary").click()
    side.get_by_label(vi("What must be fixed")).fill(reason)
    submit_outcome(page, "return")

    expect(page).to_have_url(f"{live_server.url}/ho-so/{case.pk}/")
    expect(page.locator("ul.messages .success")).to_contain_text(ref)
    expect_state(page, CaseState.NOMINATED)
    current = progress(page).locator("li.step-current")
    expect(current).to_have_count(1)
    expect(current).to_contain_text(vi("Evidence collected"))
    expect(page.locator("section.work-panel dl.open-step")).to_contain_text(vi("Collect evidence"))
    expect(page.locator("ol.timeline li").filter(has_text=reason)).to_have_count(1)

    switch_user(page, live_server, "officer_a1")
    go_to(page, "Hàng chờ")
    row = task_row(page, ref)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(vi("Collect evidence"))


# --- 3. not proposed at the village review ------------------------------------------------------------


def test_village_review_refuses_with_a_reason(page, live_server, live_world):
    case = scored(live_world, collected(live_world, open_case(live_world, "Hộ Vũ Thị Giang")))
    ref = case.reference
    task = services.open_task(case, "review")
    events = AuditEvent.objects.filter(stream=case.stream).count()

    login(page, live_server, "head_a1")
    open_step_from_case_file(page, ref)
    step_url = page.url
    page.get_by_label(vi("Do not propose")).check()
    submit_outcome(page, "review")

    # Without a reason: the page comes back with the error next to the field, and nothing changed.
    assert page.url == step_url
    reason_box = page.locator("textarea[name='review-reason']")
    expect(reason_box).to_have_attribute("aria-invalid", "true")
    described_by = reason_box.get_attribute("aria-describedby").split()
    error_ids = [i for i in described_by if i.endswith("_error")]
    assert len(error_ids) == 1, described_by
    expect(page.locator(f"#{error_ids[0]}")).to_have_text(vi("A reason is required."))
    expect(page.get_by_label(vi("Do not propose"))).to_be_checked()
    expect(page.locator("section.step-header .state")).to_have_text(state_label(CaseState.SCORED))
    unchanged = Case.objects.get(pk=case.pk)
    assert unchanged.state == CaseState.SCORED and unchanged.outcome_reason == ""
    assert services.open_task(unchanged, "review").pk == task.pk
    assert AuditEvent.objects.filter(stream=case.stream).count() == events

    reason = "Hộ chưa tham gia sinh hoạt học tập cộng đồng trong năm"
    reason_box.fill(reason)
    submit_outcome(page, "review")

    expect(page).to_have_url(f"{live_server.url}/ho-so/{case.pk}/")
    expect_state(page, CaseState.NOT_RECOGNIZED)
    expect(page.locator("dl.facts").first).to_contain_text(reason)
    expect(page.locator("ol.timeline li").filter(has_text=reason)).to_have_count(1)
    expect(progress(page).locator("li.step-stopped")).to_contain_text(vi("Village review"))
    expect(progress(page).locator("li.step-end")).to_contain_text(state_label(CaseState.NOT_RECOGNIZED))
