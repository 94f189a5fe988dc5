"""The inspector in a real browser: finds a revoked case, reads its history as of just before the revocation,
and downloads the sealed dossier."""

import os
import subprocess
import zipfile

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the `dev` extra installs it
    if os.environ.get("REQUIRE_SERVICES") == "1":
        raise
    pytest.skip("needs the playwright Python package (pip install -e '.[dev]')", allow_module_level=True)

from cases.models import CaseState
from tests.builders import advance, make_household, nominate

from .conftest import login, screenshot


def test_inspector_finds_a_revoked_case_reads_it_as_of_before_the_revocation_and_downloads_the_dossier(
    page, live_server, live_world, tmp_path
):
    household = make_household(live_world.village_a1, "Hộ Phạm Thị Hoa")
    revoked = advance(live_world, nominate(live_world, household=household), CaseState.REVOKED)
    nominate(live_world, live_world.village_a1)  # an open case that must not show up

    login(page, live_server, "inspector")
    # inspectors land in their workspace
    expect(page.locator("h1")).to_have_text("Tra cứu nhật ký")
    page.select_option("#id_event_type", "case.revoked")
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Bị thu hồi công nhận")

    with page.expect_navigation():
        rows.first.get_by_role("link", name=revoked.reference).click()
    expect(page.locator("h1")).to_contain_text("Hộ Phạm Thị Hoa")
    expect(page.locator("#current")).to_contain_text("Bị thu hồi công nhận")
    revocation = page.locator('ol.timeline li[data-event="case.revoked"]')
    expect(revocation.locator("table.diff")).to_contain_text("Hậu kiểm phát hiện sai lệch")

    # the event just before the revocation: the commune's recognition
    before = page.locator('ol.timeline li[data-event="case.recognised"]')
    with page.expect_navigation():
        before.get_by_role("link", name="Xem hồ sơ tại thời điểm sự kiện này").click()
    as_of = page.locator("#as-of")
    expect(as_of).to_contain_text("Xã đã quyết định công nhận")
    expect(as_of).to_contain_text("12/QĐ-UBND")
    expect(as_of).not_to_contain_text("Bị thu hồi")
    screenshot(page, "inspection-as-of.png")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải hồ sơ niêm phong (ZIP)").click()
    download = download_info.value
    assert download.suggested_filename == f"{revoked.reference}.zip"
    archive = tmp_path / download.suggested_filename
    download.save_as(archive)
    with zipfile.ZipFile(archive) as dossier:
        dossier.extractall(tmp_path / "dossier")
    check = subprocess.run(  # noqa: S603
        ["/usr/bin/sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / "dossier", capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
