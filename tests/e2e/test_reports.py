"""The province supervisor's coverage report in a real browser: drill-down and the annual spreadsheet."""

import io
import os

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the `dev` extra installs it
    if os.environ.get("REQUIRE_SERVICES") == "1":
        raise
    pytest.skip("needs the playwright Python package (pip install -e '.[dev]')", allow_module_level=True)

from openpyxl import load_workbook

from cases.models import CaseState
from registry.models import Role
from tests.builders import advance, make_household, make_user, nominate

from .conftest import login, screenshot


def test_province_supervisor_drills_down_to_unrecognised_households_and_downloads_the_report(
    page, live_server, live_world
):
    world = live_world
    recognised = make_household(world.village_a1, "Hộ Lê Văn Được")
    advance(world, nominate(world, household=recognised), CaseState.COMMUNE_DECIDED)
    registered = make_household(world.village_a1, "Hộ Trần Thị Chờ")
    nominate(world, household=registered)
    unregistered = make_household(world.village_a1, "Hộ Phạm Văn Chưa")
    elsewhere = make_household(world.village_a2, "Hộ Thôn Tây")
    make_user(Role.SUPERVISOR, world.province, "giamsat_tinh")

    login(page, live_server, "giamsat_tinh", next_path="/bao-cao/do-phu/")
    expect(page.locator("h1")).to_contain_text("Gia đình học tập — Tỉnh Bắc Ninh")
    expect(page.locator(".deadlines li")).to_have_count(2)
    expect(page.locator(".deadlines")).to_contain_text("15/11/")

    page.locator("#coverage-table").get_by_role("link", name=world.commune_a.name).click()
    expect(page.locator("h1")).to_contain_text(world.commune_a.name)
    village_row = page.locator("#coverage-table tbody tr", has_text=world.village_a1.name)
    # Thôn Đông: 3 households, 2 registered, 1 recognised -> 2 not recognised
    expect(village_row.locator("td").nth(1)).to_have_text("3")
    expect(village_row.locator("td").nth(3)).to_have_text("1")
    # the year's cases by state: the "Nominated" bar leads to exactly that case
    pipeline = page.locator("#pipeline")
    expect(pipeline.locator("a[data-state='nominated']")).to_have_text("1")
    expect(page.locator("#trend svg .trend-bar")).to_have_count(5)
    screenshot(page, "coverage-commune.png")
    pipeline.get_by_role("link", name="Đã đăng ký").click()
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody")).to_contain_text(registered.name)
    page.go_back()
    village_row = page.locator("#coverage-table tbody tr", has_text=world.village_a1.name)
    village_row.locator("a[href*='chua-cong-nhan']").click()

    expect(page.locator("h1")).to_contain_text(world.village_a1.name)
    listing = page.locator("#unrecognised-list tbody")
    expect(listing.locator("tr")).to_have_count(2)
    expect(listing).to_contain_text(registered.name)
    expect(listing).to_contain_text(unregistered.name)
    expect(listing).not_to_contain_text(recognised.name)
    expect(listing).not_to_contain_text(elsewhere.name)
    screenshot(page, "coverage-unrecognised.png")

    page.locator(".crumbs").get_by_role("link", name=world.province.name).click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải báo cáo năm").click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as fh:
        sheet = load_workbook(io.BytesIO(fh.read()))["GDHT"]
    lines = list(sheet.iter_rows(values_only=True))
    numbered = [i for i, r in enumerate(lines) if isinstance(r[0], int)]
    total = lines[numbered[-1] + 1]
    assert total[1] == "Tổng cộng"
    assert total[2:5] == (4, 2, 1)  # households, registered, recognised in the province
