"""The OpenAPI document and the interactive docs: served by us, assets included (no CDN), no inline script."""

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_schema_lists_every_operation_with_problem_responses():
    response = Client().get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    for step, outcome in (
        ("collect", "complete"),
        ("score", "score"),
        ("decide", "decide"),
        ("audit", "revoke"),
    ):
        assert f"steps_{step}_{outcome}" in operations
    claim = schema["paths"]["/api/queue/claim/"]["post"]["responses"]
    assert "application/problem+json" in claim["400"]["content"]
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_the_docs_load_their_assets_from_this_site():
    response = Client().get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    # no inline script or style: a strict Content-Security-Policy admits the page
    assert "<script>" not in html and "<style" not in html
    for source in sources:
        if source.endswith(".js"):
            assert Client().get(source).status_code == 200, source
