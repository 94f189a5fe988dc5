"""A criteria set scores a province's cases only once the province adopted it for the year (item 7)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from cases import services
from cases.models import Case, CaseState, Score
from criteria.models import CriteriaSet, CriteriaSetAdoption, CriterionItem
from criteria.services import adopt_criteria_set
from registry.models import Role, UnitLevel
from registry.services import create_unit
from tests.builders import advance, full_marks, make_user, nominate

DECIDED = datetime.date(2025, 12, 20)


def _unadopt(case):
    CriteriaSetAdoption.objects.filter(criteria_set=case.criteria_set, year=case.year).delete()


def test_the_shipped_sets_mark_what_no_published_source_gives(db):
    household = CriteriaSet.objects.get(title_type__code="GDHT", version=1)
    assert household.thresholds_are_sample and household.legal_reference
    sample = set(
        CriterionItem.objects.filter(criterion__criteria_set=household, is_sample_value=True).values_list(
            "criterion__code", flat=True
        )
    )
    # Decision 448/QĐ-KHVN publishes the first two criteria; the weights of the other two are not public
    assert sample == {"3", "4"}
    clan = CriteriaSet.objects.get(title_type__code="DHHT", version=1)
    assert not CriterionItem.objects.filter(criterion__criteria_set=clan, is_sample_value=False).exists()


def test_scoring_against_a_set_not_adopted_for_the_year_is_refused_and_changes_nothing(world):
    case = advance(world, nominate(world), CaseState.EVIDENCE_COLLECTED)
    _unadopt(case)
    events = AuditEvent.objects.filter(stream=case.stream).count()
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        services.score_case(case, values=full_marks(case), actor=world.user("assessor_a1"))
    message = " ".join(refused.value.messages)
    assert "chưa được" in message and "Tỉnh Bắc Ninh" in message and "2026" in message
    case = Case.objects.get(pk=case.pk)
    assert case.state == CaseState.EVIDENCE_COLLECTED and case.total_score is None
    assert not Score.objects.filter(case=case).exists()
    assert AuditEvent.objects.filter(stream=case.stream).count() == events


def test_another_provinces_adoption_does_not_count(world):
    case = advance(world, nominate(world), CaseState.EVIDENCE_COLLECTED)
    _unadopt(case)
    other = create_unit(code="04", name="Tỉnh Cao Bằng", level=UnitLevel.PROVINCE)
    adopt_criteria_set(
        case.criteria_set,
        province=other,
        year=case.year,
        decision_reference="210/QĐ-UBND",
        decision_date=DECIDED,
        actor=None,
    )
    with pytest.raises(ValidationError):
        services.score_case(case, values=full_marks(case), actor=world.user("assessor_a1"))
    adopt_criteria_set(
        case.criteria_set,
        province=world.province,
        year=case.year,
        decision_reference="187/QĐ-UBND",
        decision_date=DECIDED,
        actor=None,
    )
    case = services.score_case(case, values=full_marks(case), actor=world.user("assessor_a1"))
    assert case.state == CaseState.SCORED


def test_a_province_administrator_adopts_with_the_decision_and_it_is_audited(world):
    admin = make_user(Role.ADMINISTRATOR, world.province)
    revised = CriteriaSet.objects.get(title_type__code="GDHT", version=1)
    CriteriaSetAdoption.objects.filter(criteria_set=revised, year=2026).delete()
    adoption = adopt_criteria_set(
        revised,
        province=world.province,
        year=2026,
        decision_reference=" 187/QĐ-UBND ",
        decision_date=DECIDED,
        actor=admin,
    )
    assert (adoption.decision_reference, adoption.adopted_by) == ("187/QĐ-UBND", admin)
    event = AuditEvent.objects.filter(event_type="criteria_set.adopted").latest("seq")
    assert event.actor_id == admin.pk
    assert event.data["decision_reference"] == "187/QĐ-UBND" and event.data["year"] == 2026
    assert event.data["sample_thresholds"] is True and "3.1" in event.data["sample_items"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"decision_reference": ""}, "decision_reference"),
        ({"decision_reference": "quyết định của tỉnh"}, "decision_reference"),
        ({"decision_date": None}, "decision_date"),
        ({"decision_date": datetime.date(2999, 1, 1)}, "decision_date"),
        ({"year": 2014}, "year"),  # the set applies from 2015
        ({"year": 1}, "year"),
    ],
)
def test_bad_adoptions_are_refused_per_field_and_change_nothing(world, changes, field):
    cset = CriteriaSet.objects.get(title_type__code="GDHT", version=1)
    before = (CriteriaSetAdoption.objects.count(), AuditEvent.objects.count())
    arguments = {
        "province": world.province,
        "year": 2027,
        "decision_reference": "187/QĐ-UBND",
        "decision_date": DECIDED,
        **changes,
    }
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        adopt_criteria_set(cset, actor=None, **arguments)
    assert field in refused.value.message_dict
    assert (CriteriaSetAdoption.objects.count(), AuditEvent.objects.count()) == before


def test_only_the_provinces_administrator_adopts(world):
    cset = CriteriaSet.objects.get(title_type__code="GDHT", version=1)
    other = create_unit(code="04", name="Tỉnh Cao Bằng", level=UnitLevel.PROVINCE)
    foreign_admin = make_user(Role.ADMINISTRATOR, other)
    for actor in (world.user("commune_officer_a"), world.user("supervisor_a"), foreign_admin):
        with pytest.raises(PermissionDenied):
            adopt_criteria_set(
                cset,
                province=world.province,
                year=2027,
                decision_reference="187/QĐ-UBND",
                decision_date=DECIDED,
                actor=actor,
            )
    # the positive control: the same call by the province's administrator
    adopt_criteria_set(
        cset,
        province=world.province,
        year=2027,
        decision_reference="187/QĐ-UBND",
        decision_date=DECIDED,
        actor=make_user(Role.ADMINISTRATOR, world.province),
    )
    with pytest.raises(ValidationError):  # twice is refused
        adopt_criteria_set(
            cset,
            province=world.province,
            year=2027,
            decision_reference="187/QĐ-UBND",
            decision_date=DECIDED,
            actor=None,
        )


def test_the_admin_adopts_through_the_service_and_shows_errors(world, client):
    staff = get_user_model().objects.create_user("tinh.admin", password="pw", is_staff=True)
    staff.user_permissions.add(*_adoption_permissions())
    make_user(Role.ADMINISTRATOR, world.province)  # another one: the staff user needs their own role
    client.force_login(staff)
    cset = CriteriaSet.objects.get(title_type__code="GDHT", version=1)
    url = reverse("admin:criteria_criteriasetadoption_add")
    form = {
        "criteria_set": cset.pk,
        "province": world.province.pk,
        "year": 2027,
        "decision_reference": "187/QĐ-UBND",
        "decision_date": "2025-12-20",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200 and not CriteriaSetAdoption.objects.filter(year=2027).exists()
    from registry.services import assign_role

    assign_role(staff, role=Role.ADMINISTRATOR, unit=world.province, actor=None, valid_from=DECIDED)
    bad = client.post(url, {**form, "decision_reference": "không số"})
    assert bad.status_code == 200 and "decision_reference" in bad.context["adminform"].form.errors
    done = client.post(url, form)
    assert done.status_code == 302
    adoption = CriteriaSetAdoption.objects.get(year=2027)
    assert adoption.adopted_by == staff
    assert AuditEvent.objects.filter(event_type="criteria_set.adopted", actor=staff).count() == 1


def _adoption_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(
        content_type__app_label="criteria", codename__endswith="criteriasetadoption"
    )


def test_the_score_page_warns_before_the_assessor_types_anything(world, client):
    from tests.workflows.walk import open_case, walk
    from workflows import services as flow

    case = walk(world, open_case(world), through="collect")
    task = flow.open_task(case, "score")
    client.force_login(world.user("assessor_a1"))
    url = reverse("workflows:step", args=[task.pk])
    assert "data-not-adopted" not in client.get(url).content.decode()  # the positive control
    _unadopt(case)
    page = client.get(url).content.decode()
    assert "data-not-adopted" in page and "data-sample-thresholds" in page
