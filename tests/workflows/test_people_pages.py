"""People management pages: scoped lists, ending, handing over, access resets, the activation sheet."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from viewflow.workflow.status import STATUS

from audit.models import AuditEvent
from registry import accounts
from registry.models import Role, RoleAssignment
from registry.services import assign_role
from workflows import services

from .walk import open_case

User = get_user_model()


def assignment_of(user, unit):
    return RoleAssignment.objects.get(user=user, unit=unit)


def test_a_commune_officer_sees_the_people_of_their_commune_only(world, client):
    client.force_login(world.user("commune_officer_a"))
    page = client.get(reverse("workflows:people"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "officer_a1" in body and "officer_a2" in body  # positive control
    assert "officer_b1" not in body and "supervisor_b" not in body
    b_role = assignment_of(world.user("officer_b1"), world.village_b1)
    for name in ("workflows:people_end", "workflows:people_hand_over", "workflows:people_reset"):
        assert client.get(reverse(name, args=[b_role.pk])).status_code == 404
        assert client.post(reverse(name, args=[b_role.pk]), {"reason": "x"}).status_code == 404
    # another commune by the unit filter: not found, nothing listed
    assert client.get(reverse("workflows:people"), {"unit": world.commune_b.code}).status_code == 404
    # the commune's chair is listed but not the commune officer's to manage
    chair = assignment_of(world.user("chair_a"), world.commune_a)
    assert client.post(reverse("workflows:people_end", args=[chair.pk]), {"reason": "x"}).status_code == 403
    assert assignment_of(world.user("chair_a"), world.commune_a).valid_to is None
    assert assignment_of(world.user("officer_b1"), world.village_b1).valid_to is None


def test_people_pages_are_not_for_village_officers_or_anonymous_users(world, client):
    assert client.get(reverse("workflows:people")).status_code == 302  # to the login page
    client.force_login(world.user("officer_a1"))
    assert client.get(reverse("workflows:people")).status_code == 403
    assert client.get(reverse("workflows:people_sheet")).status_code == 403


def test_bad_parameters_get_a_clear_answer(world, client):
    client.force_login(world.user("supervisor_a"))
    assert client.get(reverse("workflows:people"), {"role": "pope", "page": "x"}).status_code == 200
    officer = assignment_of(world.user("officer_a1"), world.village_a1)
    response = client.post(
        reverse("workflows:people_end", args=[officer.pk]), {"reason": "", "on": "31/02/2026"}
    )
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    response = client.post(
        reverse("workflows:people_hand_over", args=[officer.pk]), {"phone": "12ab", "reason": "Bàn giao"}
    )
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert assignment_of(world.user("officer_a1"), world.village_a1).valid_to is None


def test_ending_a_role_on_the_page_returns_its_steps(world, client):
    officer = world.user("officer_a1")
    case = open_case(world)
    services.claim_task(services.open_task(case), actor=officer)
    client.force_login(world.user("commune_officer_a"))
    role = assignment_of(officer, world.village_a1)
    response = client.post(reverse("workflows:people_end", args=[role.pk]), {"reason": "Nghỉ việc"})
    assert response.status_code == 302
    assert services.open_task(case).status == STATUS.NEW
    assert AuditEvent.objects.filter(event_type="role.ended", actor=world.user("commune_officer_a")).exists()


def test_handing_over_to_a_new_person_creates_their_account_and_shows_their_link(world, client):
    officer = world.user("officer_a1")
    case = open_case(world)
    services.claim_task(services.open_task(case), actor=officer)
    client.force_login(world.user("supervisor_a"))
    role = assignment_of(officer, world.village_a1)
    response = client.post(
        reverse("workflows:people_hand_over", args=[role.pk]),
        {"phone": "0912 000 111", "full_name": "Hoàng Thị Thu", "reason": "Bàn giao do nghỉ hưu"},
    )
    assert response.status_code == 200
    successor = User.objects.get(username="0912000111")
    assert "/kich-hoat/" in response.content.decode()
    assert not successor.has_usable_password()
    assert services.open_task(case).owner == successor
    assert RoleAssignment.objects.active().filter(user=successor, unit=world.village_a1).exists()
    assert assignment_of(officer, world.village_a1).valid_to is not None


def test_resetting_access_closes_the_password_and_gives_a_new_one_time_link(world, client):
    officer = world.user("officer_a1")
    assert officer.check_password("pw")
    client.force_login(world.user("commune_officer_a"))
    role = assignment_of(officer, world.village_a1)
    response = client.post(reverse("workflows:people_reset", args=[role.pk]), {"reason": "Quên mật khẩu"})
    assert response.status_code == 200
    officer.refresh_from_db()
    assert not officer.has_usable_password()
    link = accounts.activation_path(officer)
    assert link in response.content.decode()
    event = AuditEvent.objects.get(stream=f"user:{officer.pk}", event_type="account.access_reset")
    assert event.actor == world.user("commune_officer_a") and event.reason == "Quên mật khẩu"


def test_the_activation_sheet_lists_the_accounts_awaiting_activation_in_scope(world, client):
    waiting_a = accounts.create_account(username="0911000001", full_name="Người Xã A", actor=None)
    waiting_b = accounts.create_account(username="0911000002", full_name="Người Xã B", actor=None)
    assign_role(waiting_a, role=Role.ASSESSOR, unit=world.village_a2, actor=None)
    assign_role(waiting_b, role=Role.ASSESSOR, unit=world.village_b1, actor=None)
    client.force_login(world.user("commune_officer_a"))
    body = client.get(reverse("workflows:people_sheet")).content.decode()
    assert "Người Xã A" in body and accounts.activation_path(waiting_a) in body
    assert "Người Xã B" not in body and "officer_a1" not in body  # activated accounts are not listed
    assert AuditEvent.objects.filter(stream=f"user:{waiting_a.pk}", event_type="account.link_issued").exists()
    assert not AuditEvent.objects.filter(
        stream=f"user:{waiting_b.pk}", event_type="account.link_issued"
    ).exists()
