"""The officer's pages in a real browser: Vietnamese login, scoped case list, case file, evidence download."""

import os
import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the `dev` extra installs it
    if os.environ.get("REQUIRE_SERVICES") == "1":
        raise
    pytest.skip("needs the playwright Python package (pip install -e '.[dev]')", allow_module_level=True)

from cases import services
from tests.builders import make_household, nominate, pdf_upload, required_evidence_items

from .conftest import login, screenshot


def _case_with_evidence(world):
    case = nominate(world, world.village_a1, household=make_household(world.village_a1, "Hộ Trần Thị Bình"))
    item = required_evidence_items(case).first()
    evidence = services.add_evidence(case, item=item, upload=pdf_upload(), actor=world.user("officer_a1"))
    return case, evidence


def test_login_page_is_vietnamese_and_rejects_a_wrong_password(page, live_server, live_world):
    page.goto(f"{live_server.url}/dang-nhap/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("h1")).to_have_text("Đăng nhập")

    page.fill("#id_username", "officer_a1")
    page.fill("#id_password", "sai-mat-khau")
    with page.expect_navigation():
        page.click("button[type=submit].primary")

    expect(page.locator(".error")).to_contain_text("mật khẩu chính xác")
    assert page.url.startswith(f"{live_server.url}/dang-nhap/")
    expect(page.locator("#id_password")).to_be_visible()
    expect(page.locator(".vf-page__menu .who")).to_have_count(0)


def test_village_officer_sees_only_their_villages_cases(page, live_server, live_world):
    mine = nominate(live_world, live_world.village_a1)
    theirs = nominate(live_world, live_world.village_b1)
    assert mine.reference != theirs.reference

    login(page, live_server, "officer_a1")
    assert not page.url.startswith(f"{live_server.url}/dang-nhap/")
    expect(page.locator(".vf-page__menu .who")).to_have_text("officer_a1")

    page.locator(".vf-page__menu nav a[href='/ho-so/']").click()

    expect(page).to_have_url(f"{live_server.url}/ho-so/")
    expect(page.locator("h1")).to_have_text("Hồ sơ công nhận")
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(1)
    expect(page.get_by_role("link", name=mine.reference, exact=True)).to_be_visible()
    expect(page.get_by_text(theirs.reference)).to_have_count(0)
    expect(rows.first).to_contain_text("Thôn Đông")
    expect(page.locator("main")).not_to_contain_text("Thôn Nam")

    shot = screenshot(page, "case-list.png")
    assert shot.is_file() and shot.stat().st_size > 0


def test_case_file_shows_the_case_and_serves_its_evidence(page, live_server, live_world):
    case, evidence = _case_with_evidence(live_world)

    login(page, live_server, "officer_a1", next_path="/ho-so/")
    page.get_by_role("link", name=case.reference, exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/ho-so/{case.pk}/")
    expect(page.locator("h1")).to_have_text("Hộ Trần Thị Bình")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(case.reference)
    expect(facts.locator(f".state.state-{case.state}")).to_have_text("Đã đăng ký")
    expect(page.locator('ol.timeline li[data-event="case.nominated"]')).to_have_count(1)
    expect(page.locator('ol.timeline li[data-event="evidence.added"]')).to_have_count(1)

    link = page.get_by_role("link", name=evidence.original_name)
    expect(link).to_have_attribute("href", f"/ho-so/{case.pk}/evidence/{evidence.pk}/")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename == "minh-chung.pdf"
    with open(download.path(), "rb") as fh:
        body = fh.read()
    assert body.startswith(b"%PDF")
    assert len(body) == evidence.size

    shot = screenshot(page, "case-file.png")
    assert shot.is_file() and shot.stat().st_size > 0


def test_case_list_fits_a_phone_without_horizontal_scroll(phone_page, live_server, live_world):
    case = nominate(live_world, live_world.village_a1)

    login(phone_page, live_server, "officer_a1", next_path="/ho-so/")
    expect(phone_page).to_have_url(f"{live_server.url}/ho-so/")

    expect(phone_page.get_by_role("link", name=case.reference, exact=True)).to_be_visible()
    scroll_width, inner_width = phone_page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert inner_width == 390
    assert scroll_width <= inner_width, f"page is {scroll_width}px wide on a {inner_width}px screen"
    # The table collapses into labelled blocks on small screens.
    expect(phone_page.locator("table.list thead")).to_be_hidden()
    label = phone_page.locator("table.list tbody td").first.evaluate(
        "td => getComputedStyle(td, '::before').content"
    )
    assert re.search("Số hồ sơ", label)

    shot = screenshot(phone_page, "case-list-phone.png")
    assert shot.is_file() and shot.stat().st_size > 0
