"""The staff import in a real browser: a file with one bad row is reported and writes nothing; the corrected
file assigns the roles; the new officer sets their own password through the activation sheet's link."""

import os

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the `dev` extra installs it
    if os.environ.get("REQUIRE_SERVICES") == "1":
        raise
    pytest.skip("needs the playwright Python package (pip install -e '.[dev]')", allow_module_level=True)

from django.contrib.auth import get_user_model

from registry.models import Role, RoleAssignment
from tests.builders import make_user
from tests.reports.sheets import sheet_bytes
from tests.reports.test_staff_import import HEADER

from .conftest import login, screenshot


def upload(page, live_server, path):
    page.goto(f"{live_server.url}/bao-cao/nhap/can-bo-va-vai-tro/")
    page.locator("input[type=file]").set_input_files(str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.locator("#import-status")).not_to_contain_text("Đang kiểm tra", timeout=20_000)


def test_staff_import_reports_the_bad_row_then_takes_the_corrected_file(
    page, live_server, live_world, tmp_path
):
    world = live_world
    make_user(Role.ADMINISTRATOR, world.province, "quantri_tinh")
    good = ["Hà Thị Mây", "0913579246", "", "Cán bộ chi hội khuyến học", world.village_a2.code, "", ""]
    bad = ["Nông Văn Khánh", "0913579247", "", "Chủ tịch UBND xã", world.village_a2.code, "", ""]
    fixed = ["Nông Văn Khánh", "0913579247", "", "Người chấm điểm", world.village_a2.code, "", ""]
    first, second = tmp_path / "can-bo.xlsx", tmp_path / "can-bo-da-sua.xlsx"
    first.write_bytes(sheet_bytes(HEADER, [good, bad]))
    second.write_bytes(sheet_bytes(HEADER, [good, fixed]))
    users = get_user_model().objects.count()

    login(page, live_server, "quantri_tinh")
    upload(page, live_server, first)
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.locator("td").first).to_have_text("3")
    expect(errors).to_contain_text("Chủ tịch UBND xã")
    screenshot(page, "staff-import-errors.png")
    assert get_user_model().objects.count() == users  # nothing written

    upload(page, live_server, second)
    expect(page.locator("#import-errors")).to_have_count(0)
    with page.expect_navigation():
        page.get_by_role("button", name="Giao 2 vai trò").click()
    expect(page.locator("#import-status")).to_contain_text("Đã nhập", timeout=20_000)
    assert (
        RoleAssignment.objects.filter(
            unit=world.village_a2, user__username__in=["0913579246", "0913579247"]
        ).count()
        == 2
    )

    page.get_by_role("link", name="Phiếu kích hoạt để in").click()
    row = page.locator("tr", has_text="Hà Thị Mây")
    link = row.locator("code").inner_text()
    screenshot(page, "staff-activation-sheet.png")
    page.context.clear_cookies()
    page.goto(link)
    page.fill("#id_new_password1", "May-thon-tay-2026")
    page.fill("#id_new_password2", "May-thon-tay-2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Đặt mật khẩu của tôi").click()
    login(page, live_server, "0913579246", "May-thon-tay-2026")
    expect(page.locator("body")).to_contain_text("Hộp việc")
    page.goto(link)
    expect(page.locator("[role=alert]")).to_contain_text("đã được dùng")
