"""The public pages on a 360 px phone: a household looks its case up, then signs in with a code, sees it."""

import re

import pytest
from playwright.sync_api import expect

from registry.models import Household
from tests.e2e.conftest import _close, _new_page, screenshot
from tests.workflows.walk import open_case

pytestmark = pytest.mark.e2e

SENT: list[tuple[str, str]] = []


class RecordingChannel:
    def send(self, phone, text):
        SENT.append((phone, text))


@pytest.fixture
def small_phone(browser, transactional_db):
    context, page = _new_page(browser, {"width": 360, "height": 740})
    yield page
    _close(context, page)


def fits(page) -> None:
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert inner_width == 360
    assert scroll_width <= inner_width, f"page is {scroll_width}px wide on a {inner_width}px screen"


def test_a_household_follows_its_case_on_a_small_phone(small_phone, live_server, live_world, settings):
    settings.PUBLIC_SIGN_IN = {
        **settings.PUBLIC_SIGN_IN,
        "CHANNEL": "tests.e2e.test_public_pages.RecordingChannel",
    }
    SENT.clear()
    case = open_case(live_world)
    Household.objects.filter(pk=case.subject_id).update(phone="0912345678", head_id_last4="0421")
    page = small_phone

    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_role("link", name="Hồ sơ của tôi đang ở đâu?").click()
    page.fill("#id_reference", case.reference.lower())
    page.fill("#id_check", "0421")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("2026")
    expect(page.locator(".steps li.current")).to_have_count(1)
    fits(page)
    screenshot(page, "public-status-360.png")

    page.get_by_role("link", name="Hồ sơ của hộ gia đình").click()
    page.fill("#id_phone", "0912 345 678")
    page.get_by_role("button", name="Gửi mã cho tôi").click()
    code = re.search(r"\b(\d{6})\b", SENT[-1][1]).group(1)
    page.fill("#id_code", code)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text(case.reference)).to_be_visible()
    fits(page)
