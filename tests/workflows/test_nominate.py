"""The nomination page: new households and existing subjects, duplicates, scoping and bad input."""

import pytest
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import STATUS

from audit.models import AuditEvent
from cases.models import Case, CaseState
from registry.models import Household, HouseholdMember, Subject
from tests.builders import gdht, make_household
from workflows import selectors
from workflows.models import CaseProcess, CaseTask

URL = reverse("workflows:nominate")


def login(client, world, key):
    client.force_login(world.user(key))
    return client


def household_post(world, *, village=None, year=None, members=None, head="Trần Thị Bình", **extra):
    members = (
        members
        if members is not None
        else [("Trần Thị Bình", "1980", "head"), ("Lê Văn Cường", "2012", "child")]
    )
    data = {
        "mode": "household",
        "title": "GDHT",
        "year": str(year or timezone.localdate().year),
        "village": str((village or world.village_a1).pk),
        "head_name": head,
        "address": "Số 5, Thôn Đông",
        "members-TOTAL_FORMS": str(max(len(members), 1)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "20",
    }
    for i, (name, birth, relation) in enumerate(members):
        data |= {
            f"members-{i}-full_name": name,
            f"members-{i}-birth_year": birth,
            f"members-{i}-relation": relation,
        }
    data.update(extra)
    return data


def existing_post(subject, year=None):
    return {
        "mode": "existing",
        "title": "GDHT",
        "year": str(year or timezone.localdate().year),
        "subject": str(subject.pk),
    }


def counts():
    return (
        Subject.objects.count(),
        HouseholdMember.objects.count(),
        Case.objects.count(),
        CaseProcess.objects.count(),
        AuditEvent.objects.count(),
    )


def test_nominating_a_new_household_registers_it_and_opens_its_case(client, world):
    login(client, world, "officer_a1")
    response = client.post(URL, household_post(world))

    household = Household.objects.get(head_name="Trần Thị Bình")
    assert household.unit == world.village_a1
    assert household.name == "Hộ Trần Thị Bình"
    assert household.code.startswith(f"HGD-{world.village_a1.code}-")
    assert sorted(household.members.values_list("full_name", "birth_year", "relation")) == [
        ("Lê Văn Cường", 2012, "child"),
        ("Trần Thị Bình", 1980, "head"),
    ]
    case = Case.objects.get(subject=household)
    assert case.state == CaseState.NOMINATED
    assert case.title_type == gdht() and case.year == timezone.localdate().year
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])

    assert CaseProcess.objects.filter(case=case).exists()
    task = CaseTask.objects.get(case=case, flow_task_type="HUMAN")
    assert task.flow_task.name == "collect" and task.status == STATUS.NEW and task.owner_id is None
    assert list(selectors.queue_for(world.user("officer_a1"))) == [task]

    assert AuditEvent.objects.filter(stream=f"subject:{household.pk}", event_type="subject.created").exists()
    created = AuditEvent.objects.get(stream=f"subject:{household.pk}", event_type="subject.created")
    assert created.actor_name == "officer_a1"
    assert AuditEvent.objects.filter(stream=case.stream, event_type="case.nominated").exists()

    page = client.get(response["Location"])
    assert case.reference in page.content.decode()  # the success message names the new case


def test_the_same_subject_cannot_be_nominated_twice(client, world):
    login(client, world, "officer_a1")
    client.post(URL, household_post(world))
    case = Case.objects.get()
    before = counts()

    response = client.post(URL, existing_post(case.subject))

    assert response.status_code == 200
    html = response.content.decode()
    assert case.reference in html
    assert f'href="{reverse("cases:detail", args=[case.pk])}"' in html
    assert counts() == before


def test_a_subject_outside_the_users_units_is_refused(client, world):
    foreign = make_household(world.village_b1)
    login(client, world, "officer_a1")
    before = counts()

    response = client.post(URL, existing_post(foreign))

    assert response.status_code == 200
    form = response.context["existing_form"]
    assert "subject" in form.errors
    assert "ngoài các đơn vị" in response.content.decode()  # the refusal is in Vietnamese
    assert counts() == before
    assert not Case.objects.filter(subject=foreign).exists()


def test_a_household_cannot_be_registered_in_another_village(client, world):
    login(client, world, "officer_a1")
    before = counts()
    response = client.post(URL, household_post(world, village=world.village_b1))
    assert response.status_code == 200
    assert "village" in response.context["household_form"].errors
    assert counts() == before


def test_a_malformed_birth_year_is_refused_next_to_the_field(client, world):
    login(client, world, "officer_a1")
    before = counts()

    response = client.post(
        URL,
        household_post(world, members=[("Trần Thị Bình", "19a0", "head"), ("Lê Văn Cường", "1850", "child")]),
    )

    assert response.status_code == 200
    formset = response.context["member_formset"]
    assert "birth_year" in formset.forms[0].errors
    assert "birth_year" in formset.forms[1].errors
    html = response.content.decode()
    malformed = formset.forms[0].errors["birth_year"][0]
    assert "bốn chữ số" in malformed  # Vietnamese, and says what a year looks like
    # the message sits in the member row, right after the birth-year input it is about
    field_html = html.split('id="id_members-0-birth_year"', 1)[1].split('class="field', 1)[0]
    assert malformed in field_html
    assert counts() == before


def test_an_assessment_year_out_of_range_is_refused(client, world):
    login(client, world, "officer_a1")
    before = counts()
    response = client.post(URL, household_post(world, year=1999))
    assert response.status_code == 200
    assert "year" in response.context["household_form"].errors
    assert counts() == before


@pytest.mark.parametrize("key", ["supervisor_a", "assessor_a1", "auditor"])
def test_users_who_nominate_nowhere_get_403(client, world, key):
    login(client, world, key)
    assert client.get(URL).status_code == 403
    assert client.post(URL, household_post(world)).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_search_is_diacritic_insensitive_and_scoped(client, world):
    mine = make_household(world.village_a1, name="Hộ Nguyễn Văn Đức")
    make_household(world.village_b1, name="Hộ Nguyễn Văn Đức")
    login(client, world, "officer_a1")

    response = client.get(URL, {"title": "GDHT", "q": "nguyen van duc"})

    assert response.status_code == 200
    assert [s.pk for s in response.context["results"]] == [mine.pk]


def test_search_results_are_limited_to_20(client, world):
    for i in range(23):
        make_household(world.village_a1, name=f"Hộ Phạm Văn {i}", members=1)
    login(client, world, "officer_a1")
    response = client.get(URL, {"title": "GDHT", "q": "pham"})
    assert len(response.context["results"]) == 20


def test_an_existing_subject_is_nominated_from_the_search_results(client, world):
    household = make_household(world.village_a2)
    login(client, world, "commune_officer_a")  # commune officers nominate in all the commune's villages
    page = client.get(URL, {"title": "GDHT", "q": household.name})
    assert [s.pk for s in page.context["results"]] == [household.pk]

    response = client.post(URL, existing_post(household))

    case = Case.objects.get(subject=household)
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.nominated_by == world.user("commune_officer_a")
