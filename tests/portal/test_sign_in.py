"""Households sign in without a password: a code sent to the phone they gave, single-use, expiring and
limited; then they see their own cases and nobody else's."""

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEvent
from notifications.sms import DeliveryFailed, HttpSmsChannel
from portal.models import SignInCode
from registry.models import Household
from tests.workflows.walk import open_case

SENT: list[tuple[str, str]] = []


class RecordingChannel:
    def send(self, phone, text):
        SENT.append((phone, text))


class BrokenChannel:
    def send(self, phone, text):
        raise DeliveryFailed("gateway down")


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.PUBLIC_SIGN_IN = {
        **settings.PUBLIC_SIGN_IN,
        "CHANNEL": "tests.portal.test_sign_in.RecordingChannel",
        "CODES_PER_PHONE": 3,
        "CODES_PER_ADDRESS": 10,
        "MAX_ATTEMPTS": 5,
        "CODE_MINUTES": 10,
    }
    SENT.clear()
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


@pytest.fixture
def household_case(world):
    case = open_case(world)
    Household.objects.filter(pk=case.subject_id).update(phone="0912345678")
    return case


def ask(client, phone="0912 345 678", ip="203.0.113.5"):
    return client.post(reverse("portal:sign_in"), {"phone": phone}, REMOTE_ADDR=ip)


def last_code() -> str:
    return re.search(r"\b(\d{6})\b", SENT[-1][1]).group(1)


def enter(client, code):
    return client.post(reverse("portal:code"), {"code": code})


def test_a_code_signs_the_household_in_and_shows_its_cases_only(client, world, household_case):
    other = open_case(world)  # another household of the same village, another phone
    Household.objects.filter(pk=other.subject_id).update(phone="0987654321")
    assert ask(client).status_code == 302
    assert SENT[0][0] == "0912345678"
    assert enter(client, last_code()).url == reverse("portal:my_cases")
    response = client.get(reverse("portal:my_cases"))
    refs = [row["reference"] for row in response.context["rows"]]
    assert refs == [household_case.reference]
    assert other.reference not in response.content.decode()
    events = AuditEvent.objects.filter(event_type="personal_data.viewed", data__what="public_own_cases")
    assert [e.stream for e in events] == [f"subject:{household_case.subject_id}"]


def test_only_a_hash_of_the_code_is_kept(client, household_case):
    ask(client)
    row = SignInCode.objects.get()
    assert last_code() not in row.code_hash and len(row.code_hash) == 64


def test_a_code_works_once(client, household_case):
    ask(client)
    code = last_code()
    assert enter(client, code).status_code == 302
    client.post(reverse("portal:sign_out"))
    client.post(reverse("portal:sign_in"), {"phone": "0912345678"})
    SENT.clear()
    SignInCode.objects.filter(used_at__isnull=True).delete()  # only the used code is left
    response = enter(client, code)
    assert response.status_code == 400
    assert "wrong, expired or already used" in response.content.decode()
    assert client.get(reverse("portal:my_cases")).status_code == 302


def test_a_code_expires(client, household_case):
    ask(client)
    code = last_code()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        assert enter(client, code).status_code == 400
    assert client.get(reverse("portal:my_cases")).url == reverse("portal:sign_in")


def test_wrong_codes_spend_the_code_after_the_allowed_attempts(client, household_case):
    ask(client)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert enter(client, wrong).status_code == 400
    assert enter(client, code).status_code == 400  # the right code no longer works


def test_codes_per_number_are_limited_with_the_wait_shown(client, household_case):
    for n in range(3):
        assert ask(client, ip=f"198.51.100.{n}").status_code == 302
    response = ask(client, ip="198.51.100.99")
    assert response.status_code == 429
    assert "Too many codes were asked for. Please try again in 15 minute(s)." in response.content.decode()
    assert len(SENT) == 3


def test_codes_per_address_are_limited(client, settings, household_case):
    settings.PUBLIC_SIGN_IN = {**settings.PUBLIC_SIGN_IN, "CODES_PER_ADDRESS": 2}
    ask(client, phone="0912345678")
    ask(client, phone="0900000001")
    assert ask(client, phone="0900000002").status_code == 429


def test_an_unregistered_number_gets_the_same_answer_and_no_message(client, household_case):
    response = ask(client, phone="0900000001")
    assert response.status_code == 302 and response.url == reverse("portal:code")
    assert SENT == [] and not SignInCode.objects.exists()
    page = client.get(reverse("portal:code")).content.decode()
    assert "If the number ending in 001 is registered" in page


def test_a_channel_that_fails_says_so_and_signs_nobody_in(client, settings, household_case):
    broken = "tests.portal.test_sign_in.BrokenChannel"
    settings.PUBLIC_SIGN_IN = {**settings.PUBLIC_SIGN_IN, "CHANNEL": broken}
    response = ask(client)
    assert response.status_code == 503
    assert "could not be sent" in response.content.decode()


@pytest.mark.parametrize("phone", ["", "12345", "٠٩١٢٣٤٥٦٧٨", "x" * 500])
def test_strange_numbers_are_refused_clearly(client, phone):
    response = ask(client, phone=phone)
    assert response.status_code == 400
    assert response.context["form"].errors["phone"]


@pytest.mark.parametrize("code", ["", "12345", "１２３４５６", "12a456", "1234567"])
def test_strange_codes_are_refused_clearly(client, household_case, code):
    ask(client)
    response = enter(client, code)
    assert response.status_code == 400
    assert response.context["form"].errors["code"]


def test_the_code_page_needs_a_number_first(client):
    assert client.get(reverse("portal:code")).url == reverse("portal:sign_in")


def test_the_http_gateway_posts_json_and_fails_clearly(settings):
    with pytest.raises(DeliveryFailed):
        HttpSmsChannel(url="ftp://example.invalid/")
    with pytest.raises(DeliveryFailed):
        HttpSmsChannel(url="http://127.0.0.1:9/", token="t", timeout=0.5).send("0912345678", "x")
