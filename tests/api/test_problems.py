"""Errors are problem documents (RFC 9457) with Vietnamese messages and the errors per field; lists are
paged by cursor, with a bounded number of queries whatever the page holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification
from tests.builders import make_household, nominate
from workflows import services

from .helpers import open_case, token_client

pytestmark = pytest.mark.django_db


def test_a_bad_filter_is_a_field_error_in_vietnamese(world):
    response = token_client(world.user("officer_a1")).get(reverse("api:cases"), {"year": "١٢", "state": "x"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["title"] == "Yêu cầu không hợp lệ"
    assert set(body["errors"]) == {"year", "state"}
    assert "2000" in body["errors"]["year"][0]


def test_an_unknown_address_and_a_huge_id_are_404_problems(world):
    client = token_client(world.user("officer_a1"))
    urls = (
        "/api/khong-co/",
        "/api/cases/99999999999999999999999/",
        "/api/cases/9999999999/",
        "/api/tasks/%22%0A%C3%8B/audit/confirm/",  # a newline in the address (schemathesis found it)
    )
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/problem+json"


def test_a_wrong_payload_type_names_the_field(world):
    response = token_client(world.user("officer_a1")).post(
        reverse("api:claim"), {"tasks": "một"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["tasks"]


def test_a_forged_cursor_is_a_400(world):
    response = token_client(world.user("officer_a1")).get(reverse("api:cases"), {"cursor": "cD1hYmM="})
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_the_case_list_pages_by_cursor(world):
    for n in range(3):
        nominate(world, household=make_household(world.village_a1, name=f"Hộ Trang {n}"))
    client = token_client(world.user("officer_a1"))
    first = client.get(reverse("api:cases"), {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    ids = [c["id"] for c in first["results"] + second["results"]]
    assert ids == sorted(ids, reverse=True)


def _page(client, url) -> tuple[int, int]:
    """(queries, rows) of the list's first page."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.json()["results"])


def _grow(world, name: str, n: int, start: int = 0) -> None:
    officer = world.user("officer_a1")
    for i in range(start, start + n):
        if name == "notifications":
            Notification.objects.create(user=officer, kind="test", title=f"Tin {i}", dedupe_key=f"{name}{i}")
            continue
        case = open_case(world, name=f"Hộ Thêm {i}")
        if name == "inbox":
            services.claim_task(services.open_task(case, "collect"), actor=officer)


@pytest.mark.parametrize("name", ["cases", "queue", "inbox", "notifications", "audit_events"])
def test_list_queries_do_not_grow_with_the_page(world, name):
    user = world.user("inspector" if name == "audit_events" else "officer_a1")
    client = token_client(user)
    url = reverse(f"api:{name}")
    _grow(world, name, 1)
    _page(client, url)  # warm the per-process caches (step table, titles)
    few, rows = _page(client, url)
    _grow(world, name, 4, start=1)
    more, more_rows = _page(client, url)
    assert more_rows > rows
    assert more == few


def test_the_framework_s_own_messages_are_vietnamese_too(world):
    client = token_client(world.user("officer_a1"))
    missing = client.post(reverse("api:claim"), {}, format="json").json()
    assert missing["errors"] == {"tasks": ["Trường này là bắt buộc."]}
    broken = client.post(reverse("api:claim"), "{không phải json", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["detail"] == "Nội dung yêu cầu không phải JSON hợp lệ."
    refused = client.get(reverse("api:cases"), HTTP_ACCEPT="text/csv")
    assert refused.status_code == 406 and "JSON" in refused.json()["detail"]
    wrong_method = client.put(reverse("api:cases"))
    assert (
        wrong_method.status_code == 405
        and wrong_method.json()["detail"] == "Phương thức “PUT” không được phép."
    )
