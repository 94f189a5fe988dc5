"""Computed share items (issue 15 item 6): counted from this system's cases of the year, over the subject's
households, scored by the item's bands; a value the assessor types for them is ignored."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from cases import services
from cases.models import CaseState, Score
from criteria.models import CriterionItem, TitleType
from registry.models import Clan, Role
from tests.builders import (
    advance,
    full_marks,
    make_household,
    make_user,
    nominate,
    pdf_upload,
    required_evidence_items,
)


def _clan_case(world, households):
    clan = Clan.objects.create(code="DH-NGUYEN", name="Dòng họ Nguyễn Văn", unit=world.commune_a)
    clan.households.set(households)
    officer = world.user("commune_officer_a")
    case = services.nominate_case(
        clan, title_type=TitleType.objects.get(code="DHHT"), year=2026, actor=officer
    )
    for item in required_evidence_items(case):
        services.add_evidence(case, item=item, upload=pdf_upload(), actor=officer)
    return services.complete_evidence_collection(case, actor=officer)


def test_a_clans_share_of_learning_families_equals_the_hand_computation_and_ignores_a_typed_value(world):
    households = [make_household(world.village_a1, f"Hộ Nguyễn Văn {i}") for i in range(5)]
    # of the clan's five households: two recognised in 2026, one only scored, one recognised in 2025 only
    for household in households[:2]:
        advance(world, nominate(world, household=household), CaseState.COMMUNE_DECIDED)
    advance(world, nominate(world, household=households[2]), CaseState.SCORED)
    advance(world, nominate(world, household=households[3], year=2025), CaseState.COMMUNE_DECIDED)
    # a recognised household outside the clan does not count
    advance(world, nominate(world), CaseState.COMMUNE_DECIDED)
    case = _clan_case(world, households)
    share_item = CriterionItem.objects.get(criterion__criteria_set=case.criteria_set, code="1.1")
    assert share_item.is_computed and share_item.max_points == 15
    typed = full_marks(case)  # 15 points typed for the computed item
    case = services.score_case(case, values=typed, actor=make_user(Role.ASSESSOR, world.commune_a))

    # by hand: 2 of 5 households = 40.0 %, the sample bands give 5 points from 40 % (10 from 60, 15 from 80)
    assert Score.objects.get(case=case, item=share_item).points == Decimal(5)
    assert case.total_score == sum(typed.values()) - 15 + 5
    event = AuditEvent.objects.filter(stream=case.stream, event_type="case.scored").get()
    assert event.data["after"]["computed"] == {
        "1.1": {"recognised": 2, "population": 5, "share": "40.0", "points": "5"}
    }


def test_a_clan_without_households_scores_nothing_for_the_share(world):
    case = _clan_case(world, [])
    case = services.score_case(case, values=full_marks(case), actor=make_user(Role.ASSESSOR, world.commune_a))
    share_item = CriterionItem.objects.get(criterion__criteria_set=case.criteria_set, code="1.1")
    assert Score.objects.get(case=case, item=share_item).points == 0


@pytest.mark.parametrize(
    "bands",
    [[], [{"from": 120, "points": 5}], [{"from": 50, "points": 99}], [{"from": 50}], "80:15"],
)
def test_bands_that_cannot_score_are_refused(world, bands):
    item = CriterionItem.objects.get(
        criterion__criteria_set__title_type__code="DHHT", criterion__criteria_set__version=1, code="1.1"
    )
    item.bands = bands
    with pytest.raises(ValidationError) as refused:
        item.full_clean()
    assert "bands" in refused.value.message_dict


def test_the_share_is_recounted_when_the_village_reviews_the_case(world):
    households = [make_household(world.village_a1, f"Hộ Trần Văn {i}") for i in range(5)]
    for household in households[:2]:
        advance(world, nominate(world, household=household), CaseState.COMMUNE_DECIDED)
    pending = advance(world, nominate(world, household=households[2]), CaseState.VILLAGE_REVIEWED)
    case = _clan_case(world, households)
    case = services.score_case(case, values=full_marks(case), actor=make_user(Role.ASSESSOR, world.commune_a))
    share_item = CriterionItem.objects.get(criterion__criteria_set=case.criteria_set, code="1.1")
    scored_total = case.total_score
    assert Score.objects.get(case=case, item=share_item).points == 5  # 2 of 5: 40 %
    # a third household is recognised after the scoring, before the review: 3 of 5 = 60 %, 10 points
    advance(world, pending, CaseState.COMMUNE_DECIDED)
    case = services.review_in_village(case, proposed=True, actor=world.user("commune_officer_a"))
    assert Score.objects.get(case=case, item=share_item).points == 10
    assert case.total_score == scored_total + 5
    event = AuditEvent.objects.filter(stream=case.stream, event_type="case.proposed").get()
    assert event.data["recounted"]["items"]["1.1"] == {
        "recognised": 3,
        "population": 5,
        "share": "60.0",
        "points": "10",
    }


def test_the_score_page_shows_the_count_and_takes_no_typed_value(client, world):
    from workflows import services as flow

    households = [make_household(world.village_a1, f"Hộ Lê Văn {i}") for i in range(4)]
    advance(world, nominate(world, household=households[0]), CaseState.COMMUNE_DECIDED)
    clan = Clan.objects.create(code="DH-LE", name="Dòng họ Lê Văn", unit=world.commune_a)
    clan.households.set(households)
    officer = world.user("commune_officer_a")
    case = flow.open_case(clan, title_type=TitleType.objects.get(code="DHHT"), year=2026, actor=officer)
    for item in required_evidence_items(case):
        services.add_evidence(case, item=item, upload=pdf_upload(), actor=officer)
    flow.perform_step(case, step="collect", outcome="complete", actor=officer)
    assessor = make_user(Role.ASSESSOR, world.commune_a)
    task = flow.open_task(case, "score")
    client.force_login(assessor)
    page = client.get(reverse("workflows:step", args=[task.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 of 4 households recognised (25.0 %), 0 points" in page
    share_item = CriterionItem.objects.get(criterion__criteria_set=case.criteria_set, code="1.1")
    field = re.search(rf'<input[^>]*name="score-item_{share_item.pk}"[^>]*>', page).group(0)
    assert "disabled" in field
