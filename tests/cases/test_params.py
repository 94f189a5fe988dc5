"""Raw ids and numbers from URLs and forms: only ASCII digits, and few enough for the database; the views
that read them answer bad values with a message or an empty choice, never a 500."""

import pytest
from django.urls import reverse

from cases.params import ascii_int, ascii_ints
from tests.workflows.walk import open_case, walk
from workflows import services as flow_services

BAD = ["²", "١٢", "１２", "-1", "+1", " 1", "1.0", "", "9" * 19, "9" * 5000, "1e3", "0x1"]


@pytest.mark.parametrize("raw", BAD)
def test_anything_but_a_short_run_of_ascii_digits_is_none(raw):
    assert ascii_int(raw) is None


def test_ascii_digits_are_read():
    assert ascii_int("0") == 0 and ascii_int("123") == 123 and ascii_int("9" * 18) == 10**18 - 1
    assert ascii_int("2026", max_digits=4) == 2026 and ascii_int("20261", max_digits=4) is None
    assert ascii_int(None) is None and ascii_int(12) is None


def test_only_valid_ids_are_kept_up_to_the_limit():
    assert ascii_ints(["1", "²", "2", "9" * 40, "3", "4"], limit=3) == [1, 2, 3]


@pytest.mark.parametrize("raw", ["²", "١٢", "9" * 30])
def test_a_claim_of_odd_task_ids_is_a_message(world, client, raw):
    client.force_login(world.user("officer_a1"))
    response = client.post(reverse("workflows:claim"), {"task": [raw]})
    assert response.status_code == 302


@pytest.mark.parametrize("raw", ["²", "١٢", "9" * 30])
def test_a_batch_of_odd_task_ids_is_a_message(world, client, raw):
    case = walk(world, open_case(world), through="score")
    client.force_login(world.user("head_a1"))
    task = flow_services.open_task(case, "review").pk
    response = client.post(reverse("workflows:batch"), {"task": [str(task), raw], "batch": "session"})
    assert response.status_code == 302


@pytest.mark.parametrize("raw", ["²", "١٢", "9" * 30])
def test_a_meeting_form_given_odd_case_ids_opens_empty(world, client, raw):
    client.force_login(world.user("head_a1"))
    response = client.get(reverse("approvals:session_new"), {"case": raw, "village": raw})
    assert response.status_code == 200


def test_an_audit_seed_past_a_bigint_is_a_field_error():
    from approvals.forms import OpenAuditForm

    form = OpenAuditForm({"share": "0.1", "minimum": "5", "seed": str(2**70)})
    assert not form.is_valid() and "seed" in form.errors
