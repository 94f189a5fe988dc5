"""The scope matrix: no page or action shows, serves or changes a case outside the user's units.

Every page and action that takes an object id or lists objects is tried by users whose grants do not cover
the target village (each cell named `user-village-endpoint`), and by a user who does cover it (the
positive control, so a wrong URL or over-blocking fails too). The world is built once per module inside a
transaction that is rolled back at the end; each cell runs in its own savepoint, so an action that does go
through in one cell is gone in the next.
"""

from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import reverse

from audit.models import AuditEvent
from cases.models import Case, EvidenceFile
from registry.models import Subject
from workflows.models import CaseTask

from .scope_endpoints import BY_NAME, DETAIL, ENDPOINTS, LIST, OUTSIDERS, Endpoint, Req, _text
from .scope_world import ANONYMOUS, VILLAGES, Matrix, Target, _build


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("scope-matrix-media")
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        override_settings(MEDIA_ROOT=str(media), CELERY_TASK_ALWAYS_EAGER=True, PASSWORD_HASHERS=hashers),
        django_db_blocker.unblock(),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _isolated_media(matrix):
    """Replaces the suite's per-test media root: the module's evidence files live in the module's root."""


@pytest.fixture(scope="module")
def _module_client():
    return Client()  # its handler loads the middleware once (WhiteNoise scans the static files then)


@pytest.fixture
def client(_module_client):
    """The module's client with no session: every cell logs in afresh."""
    _module_client.cookies = SimpleCookie()
    return _module_client


# --- running a cell -------------------------------------------------------------------------------------


def snapshot() -> dict:
    """Everything an action could change, across all units."""
    return {
        "cases": sorted(Case.objects.values_list("pk", "state", "updated_at")),
        "tasks": sorted(CaseTask.objects.values_list("pk", "status", "owner_id", "paused_at")),
        "evidence": sorted(EvidenceFile.objects.values_list("pk", "removed_at")),
        "events": AuditEvent.objects.count(),
        "subjects": Subject.objects.count(),
    }


def _send(client, req: Req):
    return getattr(client, req.method)(req.url, req.data)


def _assert_denied(client, endpoint: Endpoint, target: Target, user_key: str, req: Req, response) -> None:
    status = response.status_code
    secrets = target.secrets(echoed=req.data.get("q", ""))
    if user_key == ANONYMOUS:
        assert status == 302, f"anonymous got {status}"
        assert urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL)
        return
    assert not getattr(response, "streaming", False), f"served a file ({status})"
    leaked = [s for s in secrets if s in _text(response)]
    assert not leaked, f"{status} shows {leaked}"
    if endpoint.kind == LIST:
        if _area_refuses(response):
            assert status == 403, status
        else:
            allowed = {200, 403} if endpoint.may_forbid else {200}
            assert status in allowed, status
    elif endpoint.kind == DETAIL:
        assert status in (403, 404), status
    else:
        assert status in (200, 302, 403, 404), status
        if status == 200:  # a re-rendered form (the posted id refused as a choice)
            assert endpoint.name == "workflows:nominate-POST", "an action answered 200"
        if status == 302:  # back to the user's own page with a warning: it must not name the case either
            target_pages = {reverse("cases:detail", args=[c.pk]) for c in target.cases.values()}
            target_pages |= {reverse("workflows:step", args=[pk]) for pk in target.tasks.values()}
            location = urlsplit(response["Location"]).path
            assert location not in target_pages, f"redirected to {location}"
            page = client.get(response["Location"])
            assert page.status_code == 200
            leaked = [s for s in secrets if s in _text(page)]
            assert not leaked, f"the page after the redirect shows {leaked}"


def _area_refuses(response) -> bool:
    """The shell keeps users out of an area that has no menu entry for them (config/site.py), e.g. a
    supervisor or a user without any role out of the work lists."""
    request = response.wsgi_request
    area = getattr(request.resolver_match, "app", None)
    return area is not None and not area.has_view_permission(request.user)


def _login(client, matrix: Matrix, user_key: str) -> None:
    if user_key != ANONYMOUS:
        client.force_login(matrix.users[user_key])


@pytest.mark.parametrize(
    ("user_key", "village", "endpoint_name"),
    [(u, v, e.name) for u, v in OUTSIDERS for e in ENDPOINTS],
    ids=[f"{u}-{v}-{e.name}" for u, v in OUTSIDERS for e in ENDPOINTS],
)
def test_outsider_sees_and_changes_nothing(client, db, matrix, user_key, village, endpoint_name):
    endpoint, target = BY_NAME[endpoint_name], matrix.targets[village]
    _login(client, matrix, user_key)
    before = snapshot()
    for req in endpoint.requests(target, True):
        response = _send(client, req)
        _assert_denied(client, endpoint, target, user_key, req, response)
        assert snapshot() == before, f"{req.method.upper()} {req.url} {req.data} changed the data"


@pytest.mark.parametrize(
    ("village", "endpoint_name"),
    [(v, e.name) for e in ENDPOINTS for v in VILLAGES],
    ids=[f"{e.actor(v)}-{v}-{e.name}" for e in ENDPOINTS for v in VILLAGES],
)
def test_covering_user_is_served(client, db, matrix, village, endpoint_name):
    endpoint, target = BY_NAME[endpoint_name], matrix.targets[village]
    _login(client, matrix, endpoint.actor(village))
    responses = [_send(client, req) for req in endpoint.requests(target, False)]
    endpoint.served(matrix, target, responses)


def test_the_matrix_covers_every_url_that_takes_an_id_or_lists_cases():
    from cases.urls import urlpatterns as case_urls
    from workflows.urls import urlpatterns as workflow_urls

    names = {f"cases:{p.name}" for p in case_urls} | {f"workflows:{p.name}" for p in workflow_urls}
    covered = {e.name.split("-")[0].split("?")[0] for e in ENDPOINTS}
    assert names <= covered, names - covered
