"""The go-live checklist: each missing piece makes its line red and names the gap; fixing it turns it
green."""

import datetime

from django.urls import reverse

from audit.models import AuditEvent
from criteria.models import PlanTarget, TitleType
from registry.models import Role, UnitLevel
from registry.services import create_unit
from reports import golive
from tests.builders import make_user

YEAR = datetime.date.today().year  # noqa: DTZ011 (the year the checklist defaults to)


def lines(year=YEAR):
    return {line.key: line for line in golive.checklist(year)}


def test_the_checklist_is_for_the_province_administrator_only(world, client):
    admin = make_user(Role.ADMINISTRATOR, world.province)
    client.force_login(world.user("commune_officer_a"))
    assert client.get(reverse("reports:golive")).status_code == 403
    assert client.post(reverse("reports:golive_confirm"), {"item": "deadlines"}).status_code == 403
    assert not AuditEvent.objects.filter(event_type="golive.confirmed").exists()
    client.force_login(admin)
    page = client.get(reverse("reports:golive"), {"year": "abc"})
    assert page.status_code == 200 and 'data-line="staff"' in page.content.decode()


def test_a_commune_without_villages_is_named(world):
    assert lines()["villages"].ok
    create_unit(code="24-09999", name="Xã Mới Lập", level=UnitLevel.COMMUNE, parent=world.province)
    villages = lines()["villages"]
    assert not villages.ok and len(villages.gaps) == 1 and "Xã Mới Lập" in villages.gaps[0]


def test_every_unit_needs_someone_for_every_step(world):
    staff = lines()["staff"]
    assert not staff.ok
    gaps = " ".join(staff.gaps)
    assert "Thôn Tây" in gaps and "Thôn Nam" in gaps and "Thôn Đông" not in gaps  # A1 has everyone
    for village in (world.village_a2, world.village_b1):
        make_user(Role.ASSESSOR, village)
        make_user(Role.VILLAGE_HEAD, village)
    make_user(Role.VILLAGE_OFFICER, world.village_b1)
    make_user(Role.COMMUNE_CHAIR, world.commune_b)
    make_user(Role.COMMUNE_OFFICER, world.commune_b)
    staff = lines()["staff"]
    # the titles decided above the commune (DVHT_TINH, CDHT_XA, learning citizens) need the province's own
    assert any(world.province.name in g for g in staff.gaps)
    for role in (Role.EDUCATION_DEPT, Role.PROVINCE_CHAIR, Role.PROVINCE_HKH):
        make_user(role, world.province)
    staff = lines()["staff"]
    # cases held at the commune (clans, organisations) are scored by an assessor of the commune or above
    assert (
        not staff.ok
        and len(staff.gaps) == 2
        and all(world.commune_b.name in g or world.commune_a.name in g for g in staff.gaps)
    )
    make_user(Role.ASSESSOR, world.commune_a)
    make_user(Role.ASSESSOR, world.commune_b)
    staff = lines()["staff"]
    assert staff.ok, staff.gaps


def test_criteria_targets_and_confirmations_each_have_their_line(world, client):
    TitleType.objects.create(code="NEW", name="Danh hiệu mới", subject_kind="household")
    criteria = lines()["criteria"]
    assert not criteria.ok and any("Danh hiệu mới" in gap for gap in criteria.gaps)

    targets = lines()["targets"]
    assert not targets.ok
    for title in TitleType.objects.filter(active=True):
        PlanTarget.objects.create(
            unit=world.province, title_type=title, year_from=YEAR - 1, year_to=YEAR + 3, target_percent=80
        )
    assert lines()["targets"].ok

    admin = make_user(Role.ADMINISTRATOR, world.province)
    assert not lines()["deadlines"].ok and not lines()["holidays"].ok
    client.force_login(admin)
    client.post(reverse("reports:golive_confirm"), {"item": "deadlines", "year": YEAR})
    assert lines()["deadlines"].ok and not lines()["holidays"].ok
    assert not lines(YEAR + 1)["deadlines"].ok  # each year is confirmed on its own
    event = AuditEvent.objects.get(event_type="golive.confirmed")
    assert event.actor == admin and event.data == {"item": "deadlines", "year": YEAR}
    assert client.post(reverse("reports:golive_confirm"), {"item": "nonsense"}).status_code == 302
    assert AuditEvent.objects.filter(event_type="golive.confirmed").count() == 1
