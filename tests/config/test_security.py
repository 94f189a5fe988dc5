"""Accounts and sessions: login lockout on every login page, password validators, sessions that end, the
client IP and request id the audit log records, the Content-Security-Policy header, and the demo seeder's
refusal outside the embedded database."""

import datetime

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from audit.middleware import client_ip, request_id_of
from registry.models import Role
from tests.builders import make_user


@pytest.fixture
def officer(world):
    return make_user(Role.COMMUNE_OFFICER, world.commune_a, "locked_officer")


def fail_logins(client, url, username, n, **extra):
    for _ in range(n):
        response = client.post(url, {"username": username, "password": "wrong"}, **extra)
        assert response.status_code in (200, 429)
    return response


def test_the_staff_login_locks_out_after_repeated_failures(client, officer, settings):
    url = reverse("login")
    assert fail_logins(client, url, officer.username, settings.AXES_FAILURE_LIMIT - 1).status_code == 200
    response = fail_logins(client, url, officer.username, 1)
    assert response.status_code == 429
    # even the right password is refused now, with a translated page
    response = client.post(url, {"username": officer.username, "password": "pw"})
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()


def test_the_lockout_is_per_address_and_ends(client, officer, settings):
    url = reverse("login")
    fail_logins(client, url, officer.username, settings.AXES_FAILURE_LIMIT)
    other = client.post(url, {"username": officer.username, "password": "pw"}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 302  # another address is not locked out
    later = timezone.now() + settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
    with time_machine.travel(later):
        client.logout()
        assert client.post(url, {"username": officer.username, "password": "pw"}).status_code == 302


def test_the_admin_login_is_throttled_too(client, world, settings):
    admin = make_user(Role.ADMINISTRATOR, world.province, "locked_admin")
    admin.is_staff = True
    admin.save()
    url = reverse("admin:login")
    response = fail_logins(client, url, admin.username, settings.AXES_FAILURE_LIMIT)
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("password", "fragment"),
    [("1234567890123", "là số"), ("password123", "quá phổ biến"), ("abc12", "quá ngắn")],
)
def test_weak_passwords_are_refused_with_reasons(password, fragment):
    from django.utils import translation

    with translation.override("vi"), pytest.raises(ValidationError) as err:
        validate_password(password)
    assert any(fragment in m for m in err.value.messages), err.value.messages


def test_a_password_like_the_username_is_refused(world):
    user = make_user(Role.COMMUNE_OFFICER, world.commune_a, "nguyenvanbinh")
    with pytest.raises(ValidationError):
        validate_password("nguyenvanbinh1", user)


def test_sessions_end_at_browser_close(client, world):
    response = client.post(reverse("login"), {"username": "officer_a1", "password": "pw"})
    cookie = response.cookies["sessionid"]
    assert not cookie["expires"] and not cookie["max-age"]


def test_sessions_end_after_the_idle_time_and_live_while_used(client, world, settings):
    assert client.post(reverse("login"), {"username": "officer_a1", "password": "pw"}).status_code == 302
    idle = datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    start = timezone.now()
    # working every (idle - 5) minutes keeps the session
    for step in range(1, 4):
        with time_machine.travel(start + step * (idle - datetime.timedelta(minutes=5))):
            assert client.get(reverse("cases:list")).status_code == 200
    with time_machine.travel(
        start + 3 * (idle - datetime.timedelta(minutes=5)) + idle + datetime.timedelta(1)
    ):
        response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def request(**meta):
    return RequestFactory().get("/", **meta)


def test_forwarded_for_is_ignored_from_an_untrusted_peer(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert client_ip(request(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")) == "203.0.113.9"
    settings.TRUSTED_PROXIES = []
    assert client_ip(request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")) == "10.0.0.1"


def test_forwarded_for_is_read_through_trusted_proxies_from_the_right(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    forwarded = "6.6.6.6, 198.51.100.7, 10.0.0.5"  # the client wrote 6.6.6.6 itself
    assert client_ip(request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)) == "198.51.100.7"
    assert client_ip(request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-ip")) == "10.0.0.1"
    assert client_ip(request(REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"


@pytest.mark.parametrize(
    "given", ["", "abc", "x" * 40, "0" * 65, "abcdef0123456789\nX-Evil: 1", "<script>", "1234-5678"]
)
def test_a_request_id_of_another_shape_is_replaced(given):
    chosen = request_id_of(request(HTTP_X_REQUEST_ID=given))
    assert chosen != given and len(chosen) == 32


@pytest.mark.parametrize("given", ["0123456789abcdef", "f" * 64, "3f2504e0-4f89-11d3-9a0c-0305e82c3301"])
def test_a_well_formed_request_id_is_kept(given):
    assert request_id_of(request(HTTP_X_REQUEST_ID=given)) == given


def test_the_audit_record_gets_the_generated_id_not_the_clients(client, world):
    from audit.models import AuditEvent

    client.post(
        reverse("login"),
        {"username": "officer_a1", "password": "pw"},
        HTTP_X_REQUEST_ID="evil\u202eid",
    )
    response = client.get(reverse("cases:list"), HTTP_X_REQUEST_ID="evil")
    assert response["X-Request-ID"] != "evil" and len(response["X-Request-ID"]) == 32
    assert not AuditEvent.objects.filter(request_id__startswith="evil").exists()


def test_pages_carry_a_content_security_policy_without_inline_scripts(client, world):
    client.force_login(world.user("officer_a1"))
    for url in (reverse("login"), reverse("workflows:inbox"), reverse("cases:list")):
        response = client.get(url, follow=True)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        page = response.content.decode()
        assert "<script>" not in page and " onchange=" not in page and " onclick=" not in page


def test_the_demo_refuses_a_database_that_is_not_the_embedded_one(db, settings):
    from config.management.commands.seed_demo import embedded_database
    from registry.models import AdministrativeUnit

    settings.PRODUCTION = True
    assert not embedded_database()
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", households=1)
    assert not AdministrativeUnit.objects.exists()


def test_the_demo_runs_on_the_embedded_database_only(db, settings):
    from django.db import connection

    from config.management.commands.seed_demo import embedded_database

    assert embedded_database() == (connection.vendor == "sqlite")
