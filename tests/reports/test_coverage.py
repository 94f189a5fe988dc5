"""Coverage of a seeded province against a computation written out by hand."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import CaseState
from criteria.models import PlanTarget
from registry.models import AreaClass, Clan, Role
from reports import coverage as cov
from tests.builders import advance, gdht, make_household, make_user, nominate

S = CaseState
D = Decimal


@pytest.fixture
def seeded(world):
    """Village A1: six households — audited, decided, nominated, withdrawn, refused, and one recognised
    only in 2025. Village A2: two households, one nominated. Village B1 (mountainous): three, one nominated.
    A clan in commune A (not a household: never counted for GDHT)."""
    a1 = [make_household(world.village_a1, f"Hộ A1 số {i}") for i in range(6)]
    advance(world, nominate(world, household=a1[0]), S.DISTRICT_AUDITED)
    advance(world, nominate(world, household=a1[1]), S.COMMUNE_DECIDED)
    nominate(world, household=a1[2])
    advance(world, nominate(world, household=a1[3]), S.WITHDRAWN)
    advance(world, nominate(world, household=a1[4]), S.NOT_RECOGNIZED)
    advance(world, nominate(world, household=a1[5], year=2025), S.COMMUNE_DECIDED)
    a2 = [make_household(world.village_a2, f"Hộ A2 số {i}") for i in range(2)]
    nominate(world, world.village_a2, household=a2[0])
    world.village_b1.area_class = AreaClass.MOUNTAIN
    world.village_b1.save()
    b1 = [make_household(world.village_b1, f"Hộ B1 số {i}") for i in range(3)]
    nominate(world, world.village_b1, household=b1[0])
    Clan.objects.create(code="DH-1", name="Họ Nguyễn", unit=world.commune_a)
    title = gdht()
    for unit, percent, area in (
        (world.province, 90, ""),
        (world.province, 70, AreaClass.MOUNTAIN),
        (world.commune_a, 80, ""),
    ):
        PlanTarget.objects.create(
            unit=unit, title_type=title, year_from=2026, year_to=2030, target_percent=percent, area_class=area
        )
    # an expired plan: must not apply to 2026
    PlanTarget.objects.create(
        unit=world.province, title_type=title, year_from=2021, year_to=2025, target_percent=50
    )
    return {"a1": a1, "a2": a2, "b1": b1}


def numbers(row):
    return (
        row.total,
        row.registered,
        row.recognised,
        row.pct_registered,
        row.pct_total,
        row.target,
        row.gap,
        row.still_needed,
    )


def test_province_coverage_matches_the_hand_computation(world, seeded):
    report = cov.coverage(world.province, title=gdht(), year=2026)

    # commune A: 6 + 2 households; registered = A1 audited, decided, nominated, refused + A2 nominated = 5
    # (the withdrawn registration does not count); recognised = audited + decided = 2.
    # 2/5 = 40.0 %, 2/8 = 25.0 %; target 80 % (the commune's own) -> gap 55.0, ceil(6.4) - 2 = 5 still needed.
    a = next(r for r in report.rows if r.unit == world.commune_a)
    assert numbers(a) == (8, 5, 2, D("40.0"), D("25.0"), D("80"), D("55.0"), 5)
    # commune B: 3 households, 1 registered, 0 recognised; 0/1 = 0.0 %, 0/3 = 0.0 %;
    # target 90 % (the province's, commune B is not mountainous) -> gap 90.0, ceil(2.7) - 0 = 3.
    b = next(r for r in report.rows if r.unit == world.commune_b)
    assert numbers(b) == (3, 1, 0, D("0.0"), D("0.0"), D("90"), D("90.0"), 3)
    # province: 11 households, 6 registered, 2 recognised; 2/6 = 33.3 %, 2/11 = 18.2 %;
    # target 90 % -> gap 71.8, ceil(9.9) - 2 = 8.
    assert numbers(report.total) == (11, 6, 2, D("33.3"), D("18.2"), D("90"), D("71.8"), 8)
    assert [r.unit for r in report.rows] == [world.commune_b, world.commune_a]  # by path: 24-07615 < 24-07627
    assert report.total.by_state == {
        S.DISTRICT_AUDITED: 1,
        S.COMMUNE_DECIDED: 1,
        S.NOMINATED: 3,
        S.WITHDRAWN: 1,
        S.NOT_RECOGNIZED: 1,
    }


def test_commune_rows_are_villages_and_targets_follow_area_class(world, seeded):
    report = cov.coverage(world.commune_a, title=gdht(), year=2026)
    a1, a2 = report.rows
    # A1: 6 households, 4 registered, 2 recognised: 50.0 %, 33.3 %;
    # target 80 % (inherited) -> gap 46.7, ceil(4.8) - 2 = 3
    assert numbers(a1) == (6, 4, 2, D("50.0"), D("33.3"), D("80"), D("46.7"), 3)
    assert numbers(a2) == (2, 1, 0, D("0.0"), D("0.0"), D("80"), D("80.0"), 2)
    (b1,) = cov.coverage(world.commune_b, title=gdht(), year=2026).rows
    assert b1.target == D("70")  # the province's target for mountainous areas


def test_other_years_and_titles_are_apart(world, seeded):
    report_2025 = cov.coverage(world.province, title=gdht(), year=2025)
    assert (report_2025.total.registered, report_2025.total.recognised, report_2025.total.target) == (
        1,
        1,
        D("50"),
    )
    from criteria.models import TitleType

    clans = cov.coverage(world.province, title=TitleType.objects.get(code="DHHT"), year=2026)
    assert (clans.total.total, clans.total.registered) == (1, 0)


def test_deadlines_count_days_to_15_november_and_15_december():
    deadlines = cov.report_deadlines(2026, today=datetime.date(2026, 11, 1))
    assert [(d["date"], d["days_left"]) for d in deadlines] == [
        (datetime.date(2026, 11, 15), 14),
        (datetime.date(2026, 12, 15), 44),
    ]


def test_unrecognised_list_is_the_households_without_recognition(world, seeded):
    subjects = cov.unrecognised_subjects(world.village_a1, title=gdht(), year=2026)
    a1 = seeded["a1"]
    assert {s.pk for s in subjects} == {h.pk for h in a1[2:]}
    states = {s.pk: s.case_state for s in subjects}
    assert states == {a1[2].pk: S.NOMINATED, a1[3].pk: None, a1[4].pk: S.NOT_RECOGNIZED, a1[5].pk: None}


@pytest.fixture
def province_supervisor(world):
    return make_user(Role.SUPERVISOR, world.province, "supervisor_province")


def test_supervisor_drills_from_province_to_village_to_unrecognised_households(
    client, world, seeded, province_supervisor
):
    client.force_login(province_supervisor)
    response = client.get(reverse("reports:coverage_index"))
    assert response.status_code == 302
    province_page = client.get(response["Location"]).content.decode()
    commune_url = reverse("reports:coverage", args=[world.commune_a.code])
    assert f'href="{commune_url}?title=GDHT&amp;year=' in province_page
    assert "15/11/" in province_page and "15/12/" in province_page

    commune_page = client.get(commune_url, {"title": "GDHT", "year": 2026}).content.decode()
    village_list = reverse("reports:unrecognised", args=[world.village_a1.code])
    assert f"{village_list}?title=GDHT&amp;year=2026" in commune_page
    assert "33,3%" in commune_page  # Vietnamese decimal comma

    listing = client.get(village_list, {"title": "GDHT", "year": 2026}).content.decode()
    for household in seeded["a1"][2:]:
        assert household.name in listing
    for household in seeded["a1"][:2]:
        assert household.name not in listing


def test_case_list_drill_down_filters_by_unit(client, world, seeded, province_supervisor):
    client.force_login(province_supervisor)
    page = client.get(reverse("cases:list"), {"unit": world.village_a2.code, "year": 2026}).content.decode()
    assert "Hộ A2 số 0" in page
    assert "Hộ A1 số 0" not in page and "Hộ B1 số 0" not in page


@pytest.mark.parametrize(
    ("user_key", "unit_attr"),
    [
        ("supervisor_b", "commune_a"),
        ("supervisor_b", "province"),
        ("officer_a1", "commune_a"),
        ("officer_a1", "village_a2"),
        ("supervisor_a", "village_b1"),
    ],
)
def test_coverage_outside_the_users_area_is_404(client, world, seeded, user_key, unit_attr):
    client.force_login(world.user(user_key))
    code = getattr(world, unit_attr).code
    for name in ("reports:coverage", "reports:unrecognised", "reports:coverage_export"):
        assert client.get(reverse(name, args=[code]), {"year": 2026}).status_code == 404


def test_a_commune_supervisor_lands_on_their_commune(client, world, seeded):
    client.force_login(world.user("supervisor_b"))
    response = client.get(reverse("reports:coverage_index"))
    assert response["Location"] == reverse("reports:coverage", args=[world.commune_b.code])
    page = client.get(response["Location"]).content.decode()
    assert "Hộ A1" not in page and world.village_a1.name not in page


def test_annual_report_xlsx_has_a_sheet_per_title_and_totals_equal_the_rows(
    client, world, seeded, province_supervisor
):
    client.force_login(province_supervisor)
    response = client.get(reverse("reports:coverage_export", args=[world.province.code]), {"year": 2026})
    assert response["Content-Disposition"].startswith("attachment")
    workbook = load_workbook(io.BytesIO(response.content))
    assert {"GDHT", "DHHT", "DVHT"} <= set(workbook.sheetnames)
    sheet = workbook["GDHT"]
    lines = list(sheet.iter_rows(values_only=True))
    numbered = [i for i, r in enumerate(lines) if isinstance(r[0], int)]
    rows = [lines[i] for i in numbered]
    total = lines[numbered[-1] + 1]  # the totals row follows the unit rows
    assert total[1] == "Tổng cộng"
    assert [r[1] for r in rows] == [world.commune_b.name, world.commune_a.name]
    for column in (2, 3, 4, 9):  # total subjects, registered, recognised, still to recognise
        assert total[column] == sum(r[column] for r in rows)
    assert total[2:10] == (11, 6, 2, 33.3, 18.2, 90.0, 71.8, 8)


def test_annual_report_pdf_is_an_official_document_with_the_totals(
    client, world, seeded, province_supervisor
):
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("weasyprint")
    client.force_login(province_supervisor)
    response = client.get(reverse("reports:coverage_pdf", args=[world.province.code]), {"year": 2026})
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Gia đình học tập" in text and world.commune_a.name in text
    assert "Tổng cộng 11 6 2 33,3 18,2 90 71,8 8" in text
    assert "ngày " in text and "THỦ TRƯỞNG ĐƠN VỊ BÁO CÁO" in text


def test_pdf_report_of_another_area_is_404(client, world, seeded):
    client.force_login(world.user("supervisor_b"))
    assert client.get(reverse("reports:coverage_pdf", args=[world.commune_a.code])).status_code == 404


def test_cases_of_units_gone_in_the_reform_count_for_their_successors(world):
    """2024 cases were filed under the old district's commune; since 1 July 2025 it is part of commune A,
    except one old village that went to commune B's village B1."""
    from cases import services
    from registry.models import UnitLevel, UnitSuccession
    from registry.services import create_unit

    old_province = create_unit(code="OLD-24", name="Tỉnh Bắc Ninh (cũ)", level=UnitLevel.PROVINCE)
    district = create_unit(
        code="OLD-24-D1", name="Huyện Sơn Động", level=UnitLevel.DISTRICT, parent=old_province
    )
    commune = create_unit(code="OLD-24-D1-C1", name="Xã An Lạc", level=UnitLevel.COMMUNE, parent=district)
    kept = create_unit(code="OLD-24-D1-C1-V1", name="Thôn Một", level=UnitLevel.VILLAGE, parent=commune)
    moved = create_unit(code="OLD-24-D1-C1-V2", name="Thôn Hai", level=UnitLevel.VILLAGE, parent=commune)
    reform = datetime.date(2025, 7, 1)
    UnitSuccession.objects.create(old_unit=commune, new_unit=world.commune_a, effective_date=reform)
    UnitSuccession.objects.create(old_unit=moved, new_unit=world.village_b1, effective_date=reform)
    title = gdht()
    for village, households in ((kept, 2), (moved, 1)):
        officer = make_user(Role.VILLAGE_OFFICER, village)
        for i in range(households):
            household = make_household(village, f"Hộ {village.name} {i}")
            services.nominate_case(household, title_type=title, year=2024, actor=officer)

    report = cov.coverage(world.province, title=title, year=2024)

    registered = {r.unit: r.registered for r in report.rows}
    assert registered == {world.commune_a: 2, world.commune_b: 1}
    assert report.total.registered == 3
    # on commune A's page the old commune's cases have no village of their own: they count in the total
    commune_a = cov.coverage(world.commune_a, title=title, year=2024)
    assert (commune_a.total.registered, [r.registered for r in commune_a.rows]) == (2, [0, 0])
    assert [r.registered for r in cov.coverage(world.commune_b, title=title, year=2024).rows] == [1]
    assert cov.coverage(world.province, title=title, year=2026).total.registered == 0


def test_coverage_page_query_count_does_not_grow_with_units(
    client, world, seeded, province_supervisor, django_assert_max_num_queries
):
    from registry.services import create_unit

    client.force_login(province_supervisor)
    url = reverse("reports:coverage", args=[world.province.code])
    client.get(url)  # warm the session and the title list
    # session, user, grants, unit, titles, former units, targets (all the trend's years), subtree, subjects,
    # cases, the title's levels, cases by year (trend), unread notifications
    with django_assert_max_num_queries(13) as before:
        client.get(url, {"year": 2026})
    for i in range(5):
        commune = create_unit(code=f"24-9{i:04d}", name=f"Xã Mới {i}", level="commune", parent=world.province)
        create_unit(code=f"{commune.code}-01", name=f"Thôn {i}", level="village", parent=commune)
    with django_assert_max_num_queries(len(before.captured_queries)):
        page = client.get(url, {"year": 2026}).content.decode()
    assert "Xã Mới 4" in page


def test_annual_report_xlsx_writes_a_formula_like_unit_name_as_text(
    client, world, seeded, province_supervisor
):
    world.commune_b.name = '=HYPERLINK("http://evil.example","Xã B")'
    world.commune_b.save()
    client.force_login(province_supervisor)
    response = client.get(reverse("reports:coverage_export", args=[world.province.code]), {"year": 2026})
    sheet = load_workbook(io.BytesIO(response.content))["GDHT"]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == world.commune_b.name)
    assert cell.data_type == "s" and cell.quotePrefix
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
