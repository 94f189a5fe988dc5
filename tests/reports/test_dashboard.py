"""The coverage page's charts: trend by year against the target, the year's cases by state, the drill-down
from each number to the case list behind it, and levels where a title has them."""

import datetime
import io
import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import CaseState
from criteria.models import PlanTarget
from registry.models import Role
from reports import dashboard
from tests.builders import advance, gdht, make_household, make_user, nominate

S = CaseState
D = Decimal


@pytest.fixture
def years(world):
    """Commune A: five households in village A1 and one in A2, cases over three years.
    2024: h0 audited, h1 refused.                                       plan 2021-2025: 50 %
    2025: h0, h1, h2 recognised, h3 nominated.                          plan 2021-2025: 50 %
    2026: h0 and h4 recognised, h1 scored, h2 and A2's g0 nominated,
          h3 withdrawn.                                                 plan 2026-2030: 80 %
    Commune B: one household, recognised in 2026: never counted for commune A."""
    h = [make_household(world.village_a1, f"Hộ Đông {i}") for i in range(5)]
    g0 = make_household(world.village_a2, "Hộ Tây 0")
    cases = {
        2024: {
            S.DISTRICT_AUDITED: [
                advance(world, nominate(world, household=h[0], year=2024), S.DISTRICT_AUDITED)
            ],
            S.NOT_RECOGNIZED: [advance(world, nominate(world, household=h[1], year=2024), S.NOT_RECOGNIZED)],
        },
        2025: {
            S.COMMUNE_DECIDED: [
                advance(world, nominate(world, household=h[i], year=2025), S.COMMUNE_DECIDED)
                for i in range(3)
            ],
            S.NOMINATED: [nominate(world, household=h[3], year=2025)],
        },
        2026: {
            S.COMMUNE_DECIDED: [
                advance(world, nominate(world, household=h[0]), S.COMMUNE_DECIDED),
                advance(world, nominate(world, household=h[4]), S.COMMUNE_DECIDED),
            ],
            S.SCORED: [advance(world, nominate(world, household=h[1]), S.SCORED)],
            S.NOMINATED: [nominate(world, household=h[2]), nominate(world, world.village_a2, household=g0)],
            S.WITHDRAWN: [advance(world, nominate(world, household=h[3]), S.WITHDRAWN)],
        },
    }
    b = make_household(world.village_b1, "Hộ Nam")
    cases["b"] = nominate(world, world.village_b1, household=b)
    title = gdht()
    for year_from, year_to, percent in ((2021, 2025, 50), (2026, 2030, 80)):
        PlanTarget.objects.create(
            unit=world.province,
            title_type=title,
            year_from=year_from,
            year_to=year_to,
            target_percent=percent,
        )
    return cases


def test_trend_matches_the_hand_computation(world, years):
    report, points = dashboard.coverage_with_trend(world.commune_a, title=gdht(), year=2026)

    # six households in commune A today: the denominator of every year (the registry keeps no history)
    assert [(p.year, p.total, p.registered, p.recognised, p.pct_total, p.target) for p in points] == [
        (2022, 6, 0, 0, D("0.0"), D("50")),
        (2023, 6, 0, 0, D("0.0"), D("50")),
        # 2024: h0 audited + h1 refused = 2 registered; 1 recognised: 1/6 = 16.7 %
        (2024, 6, 2, 1, D("16.7"), D("50")),
        # 2025: 4 registered, 3 recognised: 3/6 = 50.0 %
        (2025, 6, 4, 3, D("50.0"), D("50")),
        # 2026: six cases, the withdrawn one is no registration: 5; h0 and h4 recognised: 2/6 = 33.3 %
        (2026, 6, 5, 2, D("33.3"), D("80")),
    ]
    assert (report.total.registered, report.total.recognised) == (5, 2)


def test_pipeline_matches_the_hand_computation(world, years):
    report, _points = dashboard.coverage_with_trend(world.commune_a, title=gdht(), year=2026)
    assert [(bar.state, bar.count) for bar in dashboard.pipeline(report)] == [
        (S.NOMINATED, 2),
        (S.SCORED, 1),
        (S.COMMUNE_DECIDED, 2),
        (S.WITHDRAWN, 1),
    ]
    # the province's pipeline adds commune B's one nominated case
    province, _points = dashboard.coverage_with_trend(world.province, title=gdht(), year=2026)
    assert dict((bar.state, bar.count) for bar in dashboard.pipeline(province))[S.NOMINATED] == 3


def _links(page: str, section: str) -> list[str]:
    """The hrefs inside one <section id=...> of the page."""
    block = re.search(rf'<section[^>]*id="{section}".*?</section>', page, re.S).group(0)
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', block)]


def _references(client, url: str) -> set[str]:
    page = client.get(url).content.decode()
    return set(re.findall(r">(GDHT-\d{4}-[\w-]+)</a>", page))


@pytest.fixture
def commune_officer_client(client, world):
    client.force_login(world.user("commune_officer_a"))
    return client


def test_pipeline_links_land_on_lists_of_exactly_those_cases(commune_officer_client, world, years):
    client = commune_officer_client
    page = client.get(
        reverse("reports:coverage", args=[world.commune_a.code]), {"title": "GDHT", "year": 2026}
    )
    html = page.content.decode()
    links = [u for u in _links(html, "pipeline") if "state=" in u]
    assert links
    for state, cases in years[2026].items():
        url = next(u for u in links if f"state={state}" in u)
        assert f"unit={world.commune_a.code}" in url
        assert _references(client, url) == {c.reference for c in cases}, state


def test_trend_links_land_on_the_recognised_cases_of_each_year(commune_officer_client, world, years):
    client = commune_officer_client
    html = client.get(
        reverse("reports:coverage", args=[world.commune_a.code]), {"title": "GDHT", "year": 2026}
    ).content.decode()
    svg = re.search(r"<svg.*?</svg>", html.split('id="trend"')[1], re.S).group(0)
    assert "<script" not in svg
    # coordinates stay machine numbers on a Vietnamese page (no decimal comma), bars on a 0-100 % scale
    coordinates = re.findall(r'\b(?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', svg)
    assert coordinates and all(float(c) >= 0 for c in coordinates)
    heights = [float(h) for h in re.findall(r'<rect[^>]*height="([^"]*)"', svg)]
    assert heights[2:] == [round(184 * share, 1) for share in (1 / 6, 3 / 6, 2 / 6)]
    links = _links(html, "trend")
    for year in (2024, 2025, 2026):
        url = next(u for u in links if f"year={year}" in u)
        recognised = {
            c.reference
            for state in (S.COMMUNE_DECIDED, S.DISTRICT_AUDITED)
            for c in years[year].get(state, [])
        }
        assert _references(client, url) == recognised, year


def test_a_commune_officer_never_sees_another_communes_numbers(client, world, years):
    officer_b = make_user(Role.COMMUNE_OFFICER, world.commune_b, "canbo_xa_b")
    client.force_login(officer_b)
    assert (
        client.get(reverse("reports:coverage", args=[world.commune_a.code]), {"year": 2026}).status_code
        == 404
    )
    assert (
        client.get(reverse("reports:coverage", args=[world.province.code]), {"year": 2026}).status_code == 404
    )
    html = client.get(
        reverse("reports:coverage", args=[world.commune_b.code]), {"title": "GDHT", "year": 2026}
    ).content.decode()
    # commune B: one household, one nominated case; nothing of commune A's eight 2026 cases
    assert [
        (bar.state, bar.count)
        for bar in dashboard.pipeline(
            dashboard.coverage_with_trend(world.commune_b, title=gdht(), year=2026)[0]
        )
    ] == [(S.NOMINATED, 1)]
    assert world.village_a1.name not in html
    # the drill-down into commune A's list, forged, shows commune B's officer nothing
    forged = (
        reverse("cases:list") + f"?title=GDHT&year=2026&unit={world.commune_a.code}&state=commune_decided"
    )
    assert _references(client, forged) == set()
    assert _references(client, reverse("cases:list") + "?year=2026") == {years["b"].reference}


# --- levels ----------------------------------------------------------------------------------------------


def recognise_citizen(world, person, *, level: int):
    """A learning citizen of 2025 (the sample set then in force had two levels) walked to recognition, scored
    to reach `level` of the pass/fail indicators: verified by the branch, recognised by the province
    Association (the title's recognition authority)."""
    from cases import services
    from criteria.models import CriterionItem, TitleType

    title = TitleType.objects.get(code="CONGDAN")
    officer = world.user("officer_a1")
    case = services.nominate_case(person, title_type=title, year=2025, actor=officer)
    case = services.complete_evidence_collection(case, actor=officer)
    items = CriterionItem.objects.filter(criterion__criteria_set=case.criteria_set)
    values = {i.pk: (i.level or 1) <= level for i in items}
    case = services.score_case(case, values=values, actor=world.user("assessor_a1"))
    assert case.level == level
    case = services.review_in_village(case, proposed=True, actor=officer)
    hkh = make_user(Role.PROVINCE_HKH, world.province)
    return services.decide_in_commune(
        case,
        recognised=True,
        actor=hkh,
        decision_reference="1/QĐ-HKH",
        decision_date=datetime.date(2025, 11, 5),
    )


def test_levels_are_counted_where_the_title_has_them(client, world):
    from criteria.models import TitleType
    from registry.models import Person

    people = [
        Person.objects.create(
            code=f"CD-{i}", name=f"Nguyễn Văn Học {i}", birth_year=1980, unit=world.village_a1
        )
        for i in range(4)
    ]
    for person, level in zip(people[:3], (1, 2, 2), strict=True):
        recognise_citizen(world, person, level=level)
    citizens = TitleType.objects.get(code="CONGDAN")

    report, _points = dashboard.coverage_with_trend(world.commune_a, title=citizens, year=2025)
    assert report.levels == [1, 2]
    a1, a2 = report.rows
    assert (a1.recognised, a1.level_counts, a2.level_counts) == (3, [1, 2], [0, 0])
    assert report.total.level_counts == [1, 2]
    assert dashboard.coverage_with_trend(world.commune_a, title=gdht(), year=2025)[0].levels == []

    client.force_login(make_user(Role.SUPERVISOR, world.province, "giamsat_tinh"))
    page = client.get(
        reverse("reports:coverage", args=[world.commune_a.code]), {"title": "CONGDAN", "year": 2025}
    )
    assert "Đạt mức độ 2" in page.content.decode()
    workbook = load_workbook(
        io.BytesIO(
            client.get(reverse("reports:coverage_export", args=[world.province.code]), {"year": 2025}).content
        )
    )
    lines = list(workbook["CONGDAN"].iter_rows(values_only=True))
    header = next(r for r in lines if r[0] == "STT")
    assert header[-2:] == ("Đạt mức độ 1", "Đạt mức độ 2")
    numbered = [r for r in lines if isinstance(r[0], int)]
    total = lines[lines.index(numbered[-1]) + 1]
    assert total[-2:] == (1, 2) == tuple(sum(r[c] for r in numbered) for c in (-2, -1))
    # titles scored in points keep the ten columns of the official layout
    assert len(next(r for r in workbook["GDHT"].iter_rows(values_only=True) if r[0] == "STT")) == 10
