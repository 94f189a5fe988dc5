"""A supervisor hands three steps of a departing officer to a colleague, with a reason, in the browser."""

import os

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the `dev` extra installs it
    if os.environ.get("REQUIRE_SERVICES") == "1":
        raise
    pytest.skip("needs the playwright Python package (pip install -e '.[dev]')", allow_module_level=True)

from audit.models import AuditEvent
from registry.models import Role
from tests.builders import make_user
from tests.workflows.walk import open_case
from workflows import services

from .conftest import login, screenshot


def test_supervisor_bulk_reassigns_three_steps(page, live_server, live_world):
    world = live_world
    leaving = world.user("officer_a1")
    newcomer = make_user(Role.VILLAGE_OFFICER, world.village_a1, "officer_a1_moi")
    cases = [open_case(world) for _ in range(3)]
    for case in cases:
        services.claim_task(services.open_task(case), actor=leaving)

    login(page, live_server, "supervisor_a")
    expect(page.locator("h1")).to_contain_text("Giám sát")  # supervisors land in their workspace
    page.get_by_role("link", name="Khối lượng việc theo cán bộ").click()
    page.get_by_role("link", name="officer_a1", exact=True).click()
    for case in cases:
        page.get_by_label(case.reference).first.check()
    page.get_by_label("Giao các bước đã chọn cho").select_option(label="officer_a1_moi")
    page.get_by_label("Lý do").fill("Cán bộ chuyển công tác")
    screenshot(page, "supervisor-reassign.png")
    page.get_by_role("button", name="Giao lại").click()
    expect(page.get_by_text("Đã giao 3 bước cho officer_a1_moi.")).to_be_visible()

    # the new officer's inbox has them; the old officer's does not
    page.context.clear_cookies()
    login(page, live_server, "officer_a1_moi", next_path="/cong-viec/hop-viec/")
    for case in cases:
        expect(page.get_by_role("link", name=case.reference, exact=True)).to_be_visible()
    page.context.clear_cookies()
    login(page, live_server, "officer_a1", next_path="/cong-viec/hop-viec/")
    for case in cases:
        expect(page.get_by_role("link", name=case.reference, exact=True)).to_have_count(0)
    moved = AuditEvent.objects.filter(event_type="task.reassigned", reason="Cán bộ chuyển công tác")
    assert moved.count() == 3
    assert newcomer.pk
