"""The site shell: Vietnamese login, role-appropriate landing page, admin usable and audit read-only there."""

import pytest
from django.contrib import admin
from django.urls import reverse

from audit.models import AuditEvent
from registry.models import Role
from tests.builders import make_user, nominate


def test_login_page_is_vietnamese_by_default(client, db):
    response = client.get("/", follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert 'lang="vi"' in page
    assert "Đăng nhập" in page and "Mật khẩu" in page


def test_english_is_available(client, db):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in page and "Password" in page


def test_wrong_password_shows_a_vietnamese_error(client, world):
    page = client.post(reverse("login"), {"username": "officer_a1", "password": "sai"}).content.decode()
    assert "Đăng nhập" in page
    assert "mật khẩu" in page.lower()


def test_officer_lands_in_their_inbox_and_supervisor_in_supervision(client, world):
    nominate(world)
    client.login(username="officer_a1", password="pw")
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("workflows:inbox")
    client.login(username="supervisor_a", password="pw")
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("workflows:supervise")
    assert world.village_a1.name in response.content.decode()  # the commune's villages, with their counts


def test_administrator_lands_in_the_admin(client, world):
    admin_user = make_user(Role.ADMINISTRATOR, world.province, "quantri")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert "Quản trị" in response.content.decode() or "Cấu hình" in response.content.decode()


@pytest.fixture
def superuser_client(client, world, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.vn", "pw")
    client.force_login(user)
    nominate(world)
    return client


def test_every_admin_changelist_and_add_page_renders(superuser_client):
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        info = prefix
        response = superuser_client.get(reverse(f"{prefix}_changelist"))
        assert response.status_code == 200, info
        add = superuser_client.get(reverse(f"{prefix}_add"))
        assert add.status_code in (200, 403), info


def test_audit_events_are_read_only_in_the_admin(superuser_client):
    event = AuditEvent.objects.first()
    change_url = reverse("admin:audit_auditevent_change", args=[event.pk])
    page = superuser_client.get(change_url)
    assert page.status_code == 200  # viewable
    assert b'name="_save"' not in page.content
    assert superuser_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    delete_url = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 403
    superuser_client.post(change_url, {"event_type": "forged"})
    event_after = AuditEvent.objects.get(pk=event.pk)
    assert event_after.event_type == event.event_type and event_after.hash == event.hash


def test_cases_cannot_be_changed_in_the_admin(superuser_client):
    from cases.models import Case

    case = Case.objects.first()
    assert superuser_client.get(reverse("admin:cases_case_add")).status_code == 403
    superuser_client.post(reverse("admin:cases_case_change", args=[case.pk]), {"state": "district_audited"})
    assert Case.objects.get(pk=case.pk).state == case.state


def test_role_assignment_in_the_admin_goes_through_the_service(superuser_client, world):
    user = make_user()
    response = superuser_client.post(
        reverse("admin:registry_roleassignment_add"),
        {
            "user": user.pk,
            "role": Role.VILLAGE_OFFICER,
            "unit": world.village_a2.pk,
            "valid_from": "2026-01-01",
            "end_reason": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert user.groups.filter(name=f"village_officer@{world.village_a2.code}").exists()
    assert AuditEvent.objects.filter(stream=f"user:{user.pk}", event_type="role.assigned").exists()


def test_config_changes_in_the_admin_are_audited(superuser_client):
    from criteria.models import TitleType

    title = TitleType.objects.get(code="DVHT")
    url = reverse("admin:criteria_titletype_change", args=[title.pk])
    response = superuser_client.post(
        url,
        {
            "code": "DVHT",
            "name": "Đơn vị học tập",
            "subject_kind": "organisation",
            "case_unit_level": "commune",
            "active": "on",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(stream=f"config:criteria.titletype:{title.pk}")
    assert event.event_type == "config.changed" and "name" in event.data["changes"]
