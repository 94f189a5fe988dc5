""" "Where is my case?": a case number and four check digits show the step, its dates and the outcome; nothing
else, the same answer for a wrong number and wrong digits, and attempts limited."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from cases.models import CaseState
from registry.models import Household
from tests.builders import advance, nominate
from tests.workflows.walk import open_case

URL = "/tra-cuu/"


@pytest.fixture(autouse=True)
def _fresh_counters_in_english(settings):
    settings.PUBLIC_LOOKUP = {
        "PER_ADDRESS": 20,
        "WINDOW_SECONDS": 600,
        "FAILURES_PER_CASE": 10,
        "CASE_WINDOW_SECONDS": 86400,
    }
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


@pytest.fixture
def case(world):
    """A case in the flow, its household with a phone and the last digits of the head's citizen ID."""
    case = open_case(world)
    Household.objects.filter(pk=case.subject_id).update(phone="0912345678", head_id_last4="0421")
    return case


def lookup(client, reference, check, ip="203.0.113.5"):
    return client.post(URL, {"reference": reference, "check": check}, REMOTE_ADDR=ip)


def answer(response, reference: str) -> str:
    """The page without what differs by design: the CSRF token and the case number as typed."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return html.replace(reference, "REFERENCE")


def test_the_url_is_the_public_page():
    assert reverse("portal:status") == URL


def test_the_form_is_open_to_anyone(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert 'name="reference"' in response.content.decode() and 'name="check"' in response.content.decode()


@pytest.mark.parametrize("check", ["0421", "5678"])
def test_the_head_id_digits_or_the_phone_digits_show_the_case(client, case, check):
    response = lookup(client, case.reference.lower(), check)
    assert response.status_code == 200
    status = response.context["status_of"]
    assert status["reference"] == case.reference
    assert status["state"] == case.get_state_display()
    assert [s["status"] for s in status["steps"]][:2] == ["done", "current"]
    assert status["steps"][0]["on"] is not None and status["steps"][1]["on"] is not None


def test_the_answer_names_nobody(client, case):
    household = Household.objects.get(pk=case.subject_id)
    html = lookup(client, case.reference, "0421").content.decode()
    assert case.reference in html
    for private in (household.name, household.head_name, household.address or "Không có", "0912345678"):
        if private:
            assert private not in html
    for member in household.members.all():
        assert member.full_name not in html


def test_steps_done_carry_their_dates_and_the_outcome_shows(client, world):
    case = advance(world, nominate(world), CaseState.SCORED)
    Household.objects.filter(pk=case.subject_id).update(head_id_last4="1234")
    status = lookup(client, case.reference, "1234").context["status_of"]
    assert status["state"] == case.get_state_display()


def test_a_wrong_number_and_wrong_digits_get_the_same_answer_with_the_same_work(client, case):
    other = case.reference[:-1] + "9"
    with CaptureQueriesContext(connection) as wrong_digits:
        a = lookup(client, case.reference, "9999")
    with CaptureQueriesContext(connection) as wrong_number:
        b = lookup(client, other, "0421")
    assert a.status_code == b.status_code == 200
    assert a.context["status_of"] is None and b.context["status_of"] is None
    assert answer(a, case.reference) == answer(b, other)
    assert "No case matches this case number and these check digits" in answer(a, case.reference)
    assert 'value="9999"' not in a.content.decode() and 'value="0421"' not in b.content.decode()
    assert len(wrong_digits.captured_queries) == len(wrong_number.captured_queries)


def test_a_case_whose_household_gave_no_digits_never_opens(client, world):
    case = open_case(world)
    assert Household.objects.get(pk=case.subject_id).head_id_last4 == ""
    assert lookup(client, case.reference, "0000").context["status_of"] is None


def test_a_lookup_is_in_the_personal_data_access_log(client, case):
    lookup(client, case.reference, "0421")
    event = AuditEvent.objects.get(stream=f"subject:{case.subject_id}", event_type="personal_data.viewed")
    assert event.data["what"] == "public_status"
    assert event.data["case"] == case.reference
    assert event.actor_id is None
    # a failed lookup shows nothing, so it records no access
    lookup(client, case.reference, "9999")
    assert AuditEvent.objects.filter(event_type="personal_data.viewed").count() == 1


def test_attempts_per_address_are_limited_even_with_the_right_digits(client, case, settings):
    settings.PUBLIC_LOOKUP = {**settings.PUBLIC_LOOKUP, "PER_ADDRESS": 3}
    for _ in range(3):
        assert lookup(client, case.reference, "9999").context["status_of"] is None
    response = lookup(client, case.reference, "0421")
    assert response.status_code == 429
    assert "Too many lookups. Please try again in 10 minute(s)." in response.content.decode()
    assert response.context["status_of"] is None
    # another address is not held back by this one
    assert lookup(client, case.reference, "0421", ip="198.51.100.7").status_code == 200


def test_failures_on_one_case_number_block_it_from_every_address(client, case, settings):
    settings.PUBLIC_LOOKUP = {**settings.PUBLIC_LOOKUP, "FAILURES_PER_CASE": 2}
    for n in range(2):
        assert lookup(client, case.reference, f"000{n}", ip=f"198.51.100.{n}").context["status_of"] is None
    assert lookup(client, case.reference, "0421", ip="192.0.2.44").status_code == 429
    assert not AuditEvent.objects.filter(event_type="personal_data.viewed").exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"reference": "", "check": ""},
        {"reference": "GDHT-2026", "check": "١٢٣٤"},  # Arabic-Indic digits
        {"reference": "GDHT-2026", "check": "12345"},
        {"reference": "x" * 5000, "check": "1234"},
        {"reference": "GDHT\x00", "check": "12a4"},
        {"reference": ["a", "b"], "check": ["1", "2"]},
    ],
)
def test_strange_input_is_a_clear_400_and_counts_nothing(client, data):
    response = client.post(URL, data, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 400
    assert response.context["form"].errors
    assert cache.get("portal:lookup:ip:203.0.113.9") is None


def test_other_methods_are_refused(client):
    assert client.put(URL).status_code == 405


def test_the_sign_in_page_shows_households_the_way_to_their_case(client):
    html = client.get(reverse("login")).content.decode()
    assert f'href="{URL}"' in html
