"""Shared by the API tests: a client that speaks with a token, and a case opened in the workflow."""

from rest_framework.test import APIClient

from api.services import issue_token
from tests.builders import gdht, make_household
from workflows import services


def token_client(user) -> APIClient:
    _token, raw = issue_token(user, name="tích hợp thử", actor=None)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def open_case(world, village=None, name: str = "Hộ Nguyễn Văn An"):
    village = village or world.village_a1
    officer = {
        world.village_a1.pk: "officer_a1",
        world.village_a2.pk: "officer_a2",
        world.village_b1.pk: "officer_b1",
    }[village.pk]
    return services.open_case(
        make_household(village, name=name), title_type=gdht(), year=2026, actor=world.user(officer)
    )
