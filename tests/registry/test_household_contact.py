"""A household's phone and the last four digits of its head's citizen ID: checked by the registry's rules,
entered on the nomination page and in the household import, and nothing else of the ID kept."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from registry.households import create_household, normal_phone
from registry.models import Household
from reports.models import ImportJob
from tests.reports.imports import commit, problems, run_import
from tests.reports.sheets import HEADER, household_rows, sheet_bytes
from tests.workflows.test_nominate import URL, counts, household_post, login


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("0912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("02083 852 123", "02083852123"),
        ("", ""),
    ],
)
def test_phone_numbers_are_kept_in_one_form(typed, kept):
    assert normal_phone(typed) == kept


@pytest.mark.parametrize(
    "typed", ["12345", "0912-345-67a", "٠٩١٢٣٤٥٦٧٨", "09123456789012", "+1 202 555 0100"]
)
def test_what_is_not_a_vietnamese_phone_number_is_refused(typed):
    with pytest.raises(ValidationError) as refused:
        normal_phone(typed)
    assert "Enter a Vietnamese phone number" in refused.value.message_dict["phone"][0]


@pytest.mark.parametrize("digits", ["042", "04211", "04a1", "٠٤٢١", "012345678901"])
def test_only_four_ascii_digits_of_the_citizen_id_are_accepted(world, digits):
    with pytest.raises(ValidationError) as refused:
        create_household(world.village_a1, head_name="Lê Thị Hoa", head_id_last4=digits, actor=None)
    assert "last four digits" in refused.value.message_dict["head_id_last4"][0]
    assert not Household.objects.exists()


def test_the_nomination_page_keeps_the_phone_and_the_digits(client, world):
    login(client, world, "officer_a1")
    response = client.post(URL, household_post(world, phone="+84 912 345 678", head_id_last4="0421"))
    assert response.status_code == 302
    household = Household.objects.get(head_name="Trần Thị Bình")
    assert (household.phone, household.head_id_last4) == ("0912345678", "0421")


def test_a_bad_phone_on_the_nomination_page_is_shown_on_its_field_and_nothing_is_written(client, world):
    login(client, world, "officer_a1")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    before = counts()
    response = client.post(URL, household_post(world, phone="12345"))
    assert response.status_code == 200
    assert "Enter a Vietnamese phone number" in response.content.decode()
    assert counts() == before


def test_the_household_import_reads_the_phone_and_digits_from_the_head_row(
    world, django_capture_on_commit_callbacks
):
    officer = world.user("commune_officer_a")
    rows = household_rows([world.village_a1.code], 2)
    rows = [[*row, "0912 345 678" if n == 0 else "", "0421" if n == 0 else ""] for n, row in enumerate(rows)]
    data = sheet_bytes([*HEADER, "Số điện thoại", "4 số cuối CCCD chủ hộ"], rows)
    capture = django_capture_on_commit_callbacks
    job = commit(run_import(data, officer, capture, kind="households"), officer, capture)
    assert job.status == ImportJob.Status.DONE, job.errors
    first, second = Household.objects.order_by("code")
    assert (first.phone, first.head_id_last4) == ("0912345678", "0421")
    assert (second.phone, second.head_id_last4) == ("", "")


def test_a_household_import_with_a_bad_phone_is_refused_on_its_row(world, django_capture_on_commit_callbacks):
    officer = world.user("commune_officer_a")
    rows = household_rows([world.village_a1.code], 1)
    rows = [[*row, "12345" if n == 0 else ""] for n, row in enumerate(rows)]
    data = sheet_bytes([*HEADER, "Số điện thoại"], rows)
    job = run_import(data, officer, django_capture_on_commit_callbacks, kind="households")
    assert job.status == ImportJob.Status.INVALID
    assert problems(job) == [(2, "registry_refused")]
    assert not Household.objects.exists()
