"""Tokens: only a hash is stored, a revoked token or a disabled user is refused, each issue and revocation is
audited; the command and the admin issue and revoke; the throttle counts per token."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import hash_key, issue_token, revoke_token
from api.throttling import PerTokenThrottle
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_a_token_is_stored_only_as_its_hash_and_works_until_revoked(world):
    user = world.user("officer_a1")
    token, raw = issue_token(user, name="Hệ thống một cửa", actor=world.user("inspector"))
    assert token.key_hash == hash_key(raw) and raw not in token.key_hash
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    assert _client(raw).get(reverse("api:inbox")).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None

    revoke_token(token, actor=user)
    response = _client(raw).get(reverse("api:inbox"))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Bearer"
    events = AuditEvent.objects.filter(stream=f"user:{user.pk}", event_type__startswith="api_token.")
    assert list(events.order_by("seq").values_list("event_type", flat=True)) == [
        "api_token.issued",
        "api_token.revoked",
    ]


def test_a_disabled_user_s_token_and_a_wrong_token_are_refused(world):
    user = world.user("officer_a1")
    _token, raw = issue_token(user, name="Tích hợp", actor=None)
    assert _client("x" + raw).get(reverse("api:inbox")).status_code == 401
    user.is_active = False
    user.save()
    assert _client(raw).get(reverse("api:inbox")).status_code == 401


def test_without_credentials_the_api_answers_401_in_vietnamese(world):
    response = APIClient().get(reverse("api:cases"))
    assert response.status_code == 401
    body = response.json()
    assert body["status"] == 401 and body["title"] == "Hãy đăng nhập hoặc dùng mã truy cập"


def test_the_command_issues_lists_and_revokes(world):
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", "create", "officer_a1", "--name", "Cổng dịch vụ công", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert _client(raw).get(reverse("api:inbox")).status_code == 200
    token = ApiToken.objects.get(key_hash=hash_key(raw))
    listing = io.StringIO()
    call_command("api_token", "list", "officer_a1", stdout=listing)
    assert token.prefix in listing.getvalue() and raw not in listing.getvalue()
    call_command("api_token", "revoke", str(token.pk), stdout=io.StringIO())
    assert _client(raw).get(reverse("api:inbox")).status_code == 401


def test_the_admin_shows_the_token_once_and_revokes(world, client):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("quantri", password="mat-khau-dai-123")
    client.force_login(admin)
    user = world.user("officer_a1")
    response = client.post(
        reverse("admin:api_apitoken_add"), {"user": user.pk, "name": "Hệ thống báo cáo"}, follow=True
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    shown = [str(m) for m in response.context["messages"]]
    raw = next(m for m in shown if token.prefix in m).split(": ")[1].split(".")[0]
    assert hash_key(raw) == token.key_hash
    client.post(
        reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_each_token_has_its_own_budget(world, monkeypatch, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"api": "3/min"})
    _t1, first = issue_token(world.user("officer_a1"), name="Một", actor=None)
    _t2, second = issue_token(world.user("officer_a1"), name="Hai", actor=None)
    url = reverse("api:inbox")
    assert [_client(first).get(url).status_code for _ in range(3)] == [200, 200, 200]
    throttled = _client(first).get(url)
    assert throttled.status_code == 429 and "Retry-After" in throttled
    assert throttled["Content-Type"] == "application/problem+json"
    assert _client(second).get(url).status_code == 200


def test_a_browser_session_needs_the_csrf_token_to_change_anything(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.user("officer_a1"))
    assert client.get(reverse("api:inbox")).status_code == 200
    response = client.post(reverse("api:claim"), {"tasks": [1]}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Kiểm tra bảo mật (CSRF) không đạt: hãy tải lại trang rồi thử lại."
