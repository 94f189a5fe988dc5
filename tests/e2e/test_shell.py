"""The viewflow shell on a phone: the inbox and the case file fit the screen; the menu opens and leads on."""

import os

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the `dev` extra installs it
    if os.environ.get("REQUIRE_SERVICES") == "1":
        raise
    pytest.skip("needs the playwright Python package (pip install -e '.[dev]')", allow_module_level=True)

from tests.workflows.walk import open_case
from workflows import services

from .conftest import PHONE, login, screenshot

# The page may scroll inside viewflow's content pane as well as the document: neither may scroll sideways.
OVERFLOW = """() => [
  document.scrollingElement.scrollWidth,
  document.querySelector('.vf-page__content').scrollWidth,
  window.innerWidth,
]"""


def _fits(page) -> None:
    document_width, content_width, inner_width = page.evaluate(OVERFLOW)
    assert inner_width == PHONE["width"]
    assert document_width <= inner_width, f"page is {document_width}px wide on a {inner_width}px screen"
    assert content_width <= inner_width, f"content is {content_width}px wide on a {inner_width}px screen"


def test_inbox_and_case_file_fit_a_phone_and_the_menu_is_reachable(phone_page, live_server, live_world):
    page = phone_page
    case = open_case(live_world)
    services.claim_task(services.open_task(case), actor=live_world.user("officer_a1"))

    login(page, live_server, "officer_a1", next_path="/cong-viec/hop-viec/")
    expect(page).to_have_url(f"{live_server.url}/cong-viec/hop-viec/")
    expect(page.locator("h1")).to_have_text("Hộp việc")
    expect(page.get_by_role("link", name=case.reference, exact=True)).to_be_visible()
    _fits(page)
    # on a phone the menu is a drawer, closed until the menu button opens it
    menu = page.locator("aside.vf-page__menu")
    expect(menu.get_by_role("link", name="Hồ sơ", exact=True)).not_to_be_visible()
    screenshot(page, "inbox-phone.png")

    page.get_by_role("button", name="Trình đơn").click()
    for label in ("Hộp việc", "Hàng chờ", "Đã xử lý", "Lập hồ sơ mới", "Hồ sơ"):
        expect(menu.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(menu.locator(".who")).to_have_text("officer_a1")
    shot = screenshot(page, "menu-phone.png")
    assert shot.is_file() and shot.stat().st_size > 0

    page.evaluate("window.shellMarker = 1")
    with page.expect_navigation():
        menu.get_by_role("link", name="Hồ sơ", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/ho-so/")
    # a full page load (Turbo Drive is off: pages' scripts and downloads behave as plain HTML)
    assert page.evaluate("window.shellMarker") is None
    expect(page.locator("h1")).to_have_text("Hồ sơ công nhận")

    with page.expect_navigation():
        page.get_by_role("link", name=case.reference, exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/ho-so/{case.pk}/")
    expect(page.locator("dl.facts").first).to_contain_text(case.reference)
    _fits(page)
    shot = screenshot(page, "case-file-phone.png")
    assert shot.is_file() and shot.stat().st_size > 0
