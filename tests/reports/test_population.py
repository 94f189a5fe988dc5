"""Targets with their population (issue 15 item 8): the coverage report divides by what the target is a share
of, counted from the registry or taken from a figure the unit entered for the year, and says which."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from cases import services
from cases.models import CaseState
from criteria.models import PlanTarget, Population, PopulationFigure, TitleType
from criteria.services import record_population_figure
from registry.models import HouseholdMember, Person
from reports import coverage as cov
from tests.builders import advance, make_household

D = Decimal


def _adult(household, name, born):
    HouseholdMember.objects.create(
        household=household, full_name=name, birth_year=born, relation=HouseholdMember.Relation.SPOUSE
    )


def _household_path_for_citizens(world):
    """The province decides learning citizens the household way (village head reviews, commune chair decides),
    so the builders' walk recognises them: who decides is the province's data, not what this report counts."""
    from criteria.models import RecognitionAuthority
    from criteria.services import configure_authority

    if RecognitionAuthority.objects.filter(title_type__code="CONGDAN", province=world.province).exists():
        return
    row = RecognitionAuthority.objects.get(title_type__code="GDHT", province=None)
    row.pk, row.province = None, world.province
    row.title_type = TitleType.objects.get(code="CONGDAN")
    configure_authority(row, actor=None)


def _recognised_citizen(world, household, name):
    _household_path_for_citizens(world)
    person = Person.objects.create(
        code=f"CD-{name}", name=name, unit=household.unit, birth_year=1980, member_of=household
    )
    case = services.nominate_case(
        person, title_type=TitleType.objects.get(code="CONGDAN"), year=2026, actor=world.user("officer_a1")
    )
    return advance(world, case, CaseState.COMMUNE_DECIDED)


@pytest.fixture
def citizens(world):
    title = TitleType.objects.get(code="CONGDAN")
    PlanTarget.objects.create(
        unit=world.province,
        title_type=title,
        year_from=2026,
        year_to=2030,
        target_percent=70,
        population=Population.ADULTS,
    )
    # village A1: three households; adults born 2008 or earlier count in 2026 (18 or over)
    first = make_household(world.village_a1, "Hộ Phạm Văn Bình", members=3)  # head 1975 + two born 2010
    _adult(first, "Nguyễn Thị Hoa", 1978)
    second = make_household(world.village_a1, "Hộ Đỗ Văn Cường", members=1)
    _adult(second, "Đỗ Thị Lan", 2008)  # just 18
    _adult(second, "Đỗ Văn Tí", 2009)  # 17: not an adult in 2026
    make_household(world.village_a1, "Hộ Vũ Văn Dũng", members=2)  # head + one child
    # adults in A1 by hand: first 2 (head, Hoa), second 2 (head, Lan), third 1 (head) = 5
    _recognised_citizen(world, first, "Phạm Văn Bình")
    _recognised_citizen(world, second, "Đỗ Thị Lan")
    make_household(world.village_a2, "Hộ Mai Văn Em", members=1)  # A2: one adult in the registry
    return title


def test_learning_citizens_are_a_share_of_the_adults_in_families(world, citizens):
    report = cov.coverage(world.commune_a, title=citizens, year=2026)
    assert report.population == Population.ADULTS
    a1, a2 = report.rows
    # by hand: 2 recognised learning citizens of 5 adults = 40.0 %, target 70 %: 30 points missing, 2 to go
    assert (a1.total, a1.recognised, a1.pct_total, a1.target, a1.gap) == (5, 2, D("40.0"), D(70), D("30.0"))
    assert a1.still_needed == 2 and not a1.from_figure
    assert (a2.total, a2.recognised) == (1, 0)
    assert (report.total.total, report.total.recognised, report.total.pct_total) == (6, 2, D("33.3"))


def test_a_figure_the_commune_enters_replaces_the_registry_count_and_is_marked(world, citizens, client):
    record_population_figure(
        world.village_a2,
        year=2026,
        population=Population.ADULTS,
        count=120,
        source="Số liệu dân số thôn Tây 2026",
        actor=world.user("commune_officer_a"),
    )
    report = cov.coverage(world.commune_a, title=citizens, year=2026)
    a1, a2 = report.rows
    assert (a1.total, a1.from_figure) == (5, False)
    assert (a2.total, a2.from_figure) == (120, True)
    # by hand: 2 of (5 + 120) = 1.6 %
    assert (report.total.total, report.total.pct_total, report.total.from_figure) == (125, D("1.6"), True)
    # another year keeps the registry's count
    assert cov.coverage(world.commune_a, title=citizens, year=2027).rows[1].total == 1
    client.force_login(world.user("commune_officer_a"))
    page = client.get(
        reverse("reports:coverage", args=[world.commune_a.code]), {"title": "CONGDAN", "year": 2026}
    ).content.decode()
    assert 'data-population="adults"' in page and 'class="population-figure"' in page


def test_a_target_without_a_population_or_with_a_foreign_one_is_refused(world):
    title = TitleType.objects.get(code="CONGDAN")
    target = PlanTarget(
        unit=world.province, title_type=title, year_from=2026, year_to=2030, target_percent=40
    )
    with pytest.raises(ValidationError) as refused:
        target.full_clean()
    assert "population" in refused.value.message_dict
    target.population = Population.HOUSEHOLDS
    with pytest.raises(ValidationError) as refused:
        target.full_clean()
    assert "population" in refused.value.message_dict
    target.population = Population.ADULTS
    target.full_clean()


def test_figures_are_entered_only_by_the_units_officers_and_bad_figures_change_nothing(world):
    before = (PopulationFigure.objects.count(), AuditEvent.objects.count())
    with pytest.raises(PermissionDenied):
        record_population_figure(
            world.village_a1,
            year=2026,
            population=Population.ADULTS,
            count=10,
            actor=world.user("officer_b1"),
        )
    for bad in ({"count": -1}, {"count": "mười"}, {"population": "dogs"}, {"year": 1800}):
        arguments = {"year": 2026, "population": Population.ADULTS, "count": 10, **bad}
        with pytest.raises(ValidationError):
            record_population_figure(world.village_a1, actor=world.user("commune_officer_a"), **arguments)
    assert (PopulationFigure.objects.count(), AuditEvent.objects.count()) == before
    figure = record_population_figure(
        world.village_a1,
        year=2026,
        population=Population.ADULTS,
        count=10,
        actor=world.user("commune_officer_a"),
    )
    again = record_population_figure(
        world.village_a1,
        year=2026,
        population=Population.ADULTS,
        count=12,
        actor=world.user("commune_officer_a"),
    )
    assert again.pk == figure.pk and again.count == 12
    event = AuditEvent.objects.filter(event_type="population_figure.entered").latest("seq")
    assert (event.data["from"], event.data["to"]) == (10, 12)


def test_the_figures_admin_lists_only_the_staff_members_units(world, client):
    from django.contrib.auth.models import Permission

    for village, count in ((world.village_a1, 40), (world.village_b1, 70)):
        record_population_figure(village, year=2026, population=Population.ADULTS, count=count, actor=None)
    officer = world.user("commune_officer_a")
    officer.is_staff = True
    officer.save()
    officer.user_permissions.add(*Permission.objects.filter(codename__endswith="populationfigure"))
    client.force_login(officer)
    page = client.get(reverse("admin:criteria_populationfigure_changelist")).content.decode()
    assert world.village_a1.name in page  # the positive control
    assert world.village_b1.name not in page
    foreign = PopulationFigure.objects.get(unit=world.village_b1)
    assert client.get(reverse("admin:criteria_populationfigure_change", args=[foreign.pk])).status_code in (
        302,
        404,
    )
