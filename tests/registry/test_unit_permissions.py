"""One permission model: role assignments are the source; django-guardian's grants on units are derived from
them, equal to them (checked here through guardian's own backend), and read by the admin and by viewflow."""

import datetime
import io
from collections import defaultdict
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.models import GroupObjectPermission, UserObjectPermission
from guardian.shortcuts import assign_perm, remove_perm
from viewflow.workflow import flow

from audit.models import AuditEvent
from cases.permissions import ACTION_PERMISSIONS, authorising_grant, case_grant, roles_for, step_permission
from criteria.models import TitleType
from inspection.permissions import INSPECTION_ROLES
from registry.models import Role, RoleAssignment, UnitLevel
from registry.permissions import UNIT_PERMISSIONS, holds_unit_permission, permission_roles
from registry.services import assign_role, derive_unit_permissions, end_role_assignment, role_group_name
from registry.tasks import sync_role_groups
from tests.builders import make_user, nominate
from workflows.flows import RecognitionFlow
from workflows.steps.base import step_actions

HCM = datetime.timezone(datetime.timedelta(hours=7))
DAY0 = datetime.date(2027, 3, 1)


def on(day: datetime.date):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 9, tzinfo=HCM), tick=False)


def _units(world):
    return [
        world.province,
        world.commune_a,
        world.commune_b,
        world.village_a1,
        world.village_a2,
        world.village_b1,
    ]


def assert_guardian_equals_role_assignments(users, units, *, per_permission: bool = False) -> int:
    """For every user, unit permission and unit, guardian's backend answers what the role assignments active
    today answer; returns how many grants hold (the check is not empty). Guardian is asked through Django's
    auth API with the unit as object: user.get_all_permissions(unit), or user.has_perm("registry.<codename>",
    unit) for each permission (the same backend call, once per permission)."""
    held = 0
    for user in users:
        user = get_user_model().objects.get(pk=user.pk)  # nothing cached on the object
        for unit in units:
            by_roles = {c for c in UNIT_PERMISSIONS if holds_unit_permission(user, c, unit)}
            if per_permission:
                guardian = {c for c in UNIT_PERMISSIONS if user.has_perm(f"registry.{c}", unit)}
            else:
                guardian = user.get_all_permissions(unit)
            assert guardian == by_roles, (user.username, unit.code)
            held += len(by_roles)
    assert len(derive_unit_permissions(apply=False)) == 0
    return held


def test_each_unit_permission_is_held_by_exactly_the_roles_that_take_its_actions():
    expected = defaultdict(set)
    for action, codename in ACTION_PERMISSIONS.items():
        for level in UnitLevel.values:
            expected[codename] |= roles_for(action, level)
    expected["inspect_unit"] |= INSPECTION_ROLES
    assert set(expected) == set(UNIT_PERMISSIONS)
    for codename in UNIT_PERMISSIONS:
        assert permission_roles(codename) == expected[codename], codename


def test_the_flow_steps_declare_their_actions_permission_and_viewflow_never_lets_more_through_than_can(world):
    """viewflow's own per-task check (View.can_assign: the step's permission on its object, through guardian)
    is a subset of the role rule: it never opens a step to a user whose roles cannot take its action there.
    Which of those roles acts on a title is its recognition authority's: the step's own check (CaseStep,
    through can()) adds it, and opens the step to exactly whom can() admits."""
    units = [world.commune_a, world.commune_b, world.village_a1, world.village_a2, world.village_b1]
    users = [*world.users.values(), make_user(Role.COMMUNE_OFFICER, world.commune_b)]
    users.append(make_user(Role.ASSESSOR, world.commune_a))
    users.append(make_user(Role.COMMUNE_HKH, world.commune_a, "hkh_a"))
    users.append(make_user(Role.PROVINCE_HKH, world.province, "hkh_province"))
    allowed_by_viewflow = defaultdict(set)
    titles = dict(TitleType.objects.values_list("code", "pk"))
    for step, action in step_actions().items():
        node = getattr(RecognitionFlow, step)
        assert node._owner_permission == step_permission(action), step
        for code, title_id in titles.items():
            for unit in units:
                case = SimpleNamespace(unit=unit, unit_path=unit.path, title_type_id=title_id)
                task = SimpleNamespace(
                    owner_id=None,
                    owner_permission=node._owner_permission,
                    process=SimpleNamespace(case=case),
                    case=case,
                )
                for user in users:
                    user = get_user_model().objects.get(pk=user.pk)
                    if flow.View.can_assign(node, user, task):
                        assert authorising_grant(user, action, unit.path, unit.level), (step, user, unit.code)
                        allowed_by_viewflow[step].add((code, user.username, unit.code))
                    assert node.can_assign(user, task) == bool(case_grant(user, action, case))
    assert set(allowed_by_viewflow) == set(step_actions())  # each step opens to someone
    assert ("DHHT", "commune_officer_a", world.commune_a.code) in allowed_by_viewflow["review"]
    assert ("GDHT", "head_a1", world.village_a1.code) in allowed_by_viewflow["review"]
    assert ("CONGDAN", "officer_a1", world.village_a1.code) in allowed_by_viewflow["review"]
    assert ("CONGDAN", "hkh_province", world.village_a1.code) in allowed_by_viewflow["decide"]
    assert ("GDHT", "hkh_province", world.village_a1.code) not in allowed_by_viewflow["decide"]


def test_guardian_says_what_the_role_assignments_say_through_assigning_ending_expiring_and_reassigning(world):
    supervisor = world.user("supervisor_a")
    lan, minh, hoa, tuan = (make_user(username=name) for name in ("lan", "minh", "hoa", "tuan"))
    users, units = [*world.users.values(), lan, minh, hoa, tuan], _units(world)
    day = datetime.timedelta(days=1)

    with on(DAY0):
        assign_role(lan, role=Role.ASSESSOR, unit=world.village_a1, actor=supervisor)
        assign_role(lan, role=Role.ASSESSOR, unit=world.commune_b, actor=supervisor, valid_to=DAY0 + 4 * day)
        officer = assign_role(minh, role=Role.COMMUNE_OFFICER, unit=world.commune_a, actor=supervisor)
        assign_role(
            hoa, role=Role.SUPERVISOR, unit=world.province, actor=supervisor, valid_from=DAY0 + 2 * day
        )
        admin_role = assign_role(tuan, role=Role.ADMINISTRATOR, unit=world.province, actor=None)
        assign_role(tuan, role=Role.INSPECTOR, unit=world.commune_b, actor=None)
        end_role_assignment(officer, actor=supervisor, on=DAY0 + day, reason="Nghỉ hưu")  # ends tomorrow
        assert assert_guardian_equals_role_assignments(users, units) > 20
        assert minh.has_perm("registry.review_case", world.commune_a)  # until the end of tomorrow
        assert not hoa.has_perm("registry.supervise_unit", world.province)  # not yet begun

    with on(DAY0 + 2 * day):  # minh's role has ended, hoa's begun: the nightly derivation catches up
        drift = derive_unit_permissions(apply=False)
        assert drift.missing_memberships == [("hoa", role_group_name(Role.SUPERVISOR, world.province))]
        assert drift.extra_memberships == [("minh", role_group_name(Role.COMMUNE_OFFICER, world.commune_a))]
        assert sync_role_groups() == 2
        assert_guardian_equals_role_assignments(users, units)
        assert AuditEvent.objects.filter(stream=f"user:{hoa.pk}", event_type="role.group_added").count() == 1
        assert (
            AuditEvent.objects.filter(stream=f"user:{minh.pk}", event_type="role.group_removed").count() == 1
        )

    with on(DAY0 + 5 * day):
        assert sync_role_groups() == 1  # lan's assessor role in commune B expired
        assert_guardian_equals_role_assignments(users, units)
        # re-assigned, and an administrator role ended as of yesterday
        assign_role(minh, role=Role.COMMUNE_OFFICER, unit=world.commune_a, actor=supervisor)
        assign_role(lan, role=Role.ASSESSOR, unit=world.commune_b, actor=supervisor)
        end_role_assignment(admin_role, actor=None, on=DAY0 + 4 * day, reason="Chuyển công tác")
        assert_guardian_equals_role_assignments(users, units)
        assert minh.has_perm("registry.review_case", world.commune_a)
        assert not get_user_model().objects.get(pk=tuan.pk).has_perm("registry.inspect_unit", world.province)
        # a role recorded after it ended is caught by the derivation
        assign_role(
            tuan,
            role=Role.VILLAGE_HEAD,
            unit=world.village_b1,
            actor=None,
            valid_from=DAY0,
            valid_to=DAY0 + day,
        )
        sync_role_groups()
        assert_guardian_equals_role_assignments(users, units, per_permission=True)
        assert sync_role_groups() == 0  # idempotent


def test_a_role_that_starts_later_joins_its_group_on_its_first_day(world):
    user = make_user()
    with on(DAY0):
        assign_role(
            user, role=Role.VILLAGE_HEAD, unit=world.village_a2, actor=None, valid_from=DAY0.replace(day=3)
        )
        assert not user.groups.exists()
        assert RoleAssignment.objects.filter(user=user).exists()
    with on(DAY0.replace(day=3)):
        assert sync_role_groups() == 1
        user = get_user_model().objects.get(pk=user.pk)
        assert user.has_perm("registry.review_case", world.village_a2)


def test_the_command_reports_and_then_corrects_every_grant_not_derived_from_a_role(world):
    case = nominate(world)
    officer, stranger = world.user("officer_a1"), make_user(username="stranger")
    officer_group = Group.objects.get(name=role_group_name(Role.VILLAGE_OFFICER, world.village_a1))
    head_group = Group.objects.get(name=role_group_name(Role.VILLAGE_HEAD, world.village_a1))
    officer.groups.remove(officer_group)  # a member missing
    stranger.groups.add(head_group)  # a member without the role
    remove_perm("registry.review_case", head_group, world.village_a1)  # a group's grant missing
    assign_perm("registry.decide_case", officer_group, world.village_a1)  # a grant the role does not carry
    assign_perm("cases.view_case", officer_group, case)  # a grant per case
    assign_perm("registry.supervise_unit", stranger, world.commune_a)  # a grant to a user directly
    assign_perm(
        "registry.inspect_unit", Group.objects.create(name="ban chỉ đạo"), world.province
    )  # other group
    unit = f"registry.administrativeunit:{world.village_a1.pk}"
    expected = {
        ("officer_a1", officer_group.name),
        ("stranger", head_group.name),
        (head_group.name, "review_case", unit),
        (officer_group.name, "decide_case", unit),
        (officer_group.name, "view_case", f"cases.case:{case.pk}"),
        ("user:stranger", "supervise_unit", f"registry.administrativeunit:{world.commune_a.pk}"),
        ("ban chỉ đạo", "inspect_unit", f"registry.administrativeunit:{world.province.pk}"),
    }
    drift = derive_unit_permissions(apply=False)
    found = {
        *drift.missing_memberships,
        *drift.extra_memberships,
        *drift.missing_grants,
        *drift.extra_grants,
    }
    assert found == expected

    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("derive_unit_permissions", "--check", stdout=out, stderr=err)
    assert exited.value.code == 1
    assert len(out.getvalue().strip().splitlines()) == 7 and "ban chỉ đạo" in out.getvalue()
    assert not officer.groups.filter(pk=officer_group.pk).exists()  # --check changes nothing

    events_before = AuditEvent.objects.count()
    call_command("derive_unit_permissions", stdout=io.StringIO())
    assert AuditEvent.objects.count() == events_before + 7
    assert AuditEvent.objects.filter(stream=f"user:{officer.pk}", event_type="role.group_added").exists()
    assert AuditEvent.objects.filter(
        stream=f"user:{stranger.pk}", event_type="unit_permission.revoked", scope=world.commune_a.path
    ).exists()
    assert not UserObjectPermission.objects.exists()
    assert not GroupObjectPermission.objects.filter(group__name="ban chỉ đạo").exists()
    assert_guardian_equals_role_assignments([*world.users.values(), stranger], _units(world))
    call_command("derive_unit_permissions", "--check", stdout=io.StringIO())  # no SystemExit: all equal


@pytest.fixture
def admin_client(client, world, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.vn", "pw"))
    return client


def _holders(response):
    return {row["holder"].user.username: row["holder"] for row in response.context["rows"]}


def test_the_unit_admin_shows_who_holds_which_permission_as_guardian_answers(admin_client, world):
    change = admin_client.get(reverse("admin:registry_administrativeunit_change", args=[world.commune_a.pk]))
    url = reverse("admin:registry_administrativeunit_permissions", args=[world.commune_a.pk])
    assert url in change.content.decode()
    response = admin_client.get(url)
    assert response.status_code == 200
    holders = _holders(response)
    assert {name: set(h.permissions) for name, h in holders.items()} == {
        "commune_officer_a": {"nominate_case", "collect_evidence", "review_case"},
        "chair_a": {"decide_case"},
        "supervisor_a": {"supervise_unit"},
    }
    assert response.context["differing"] == 0
    assert [u.pk for u in response.context["ancestors"]] == [world.province.pk]
    assignments = admin_client.get(response.context["assignments_url"])
    assert {a.unit_id for a in assignments.context["cl"].result_list} == {world.commune_a.pk}

    # what the page shows is guardian's answer: grants made behind the role assignments' back show, flagged
    intruder = make_user(username="intruder")
    assign_perm("registry.audit_case", intruder, world.commune_a)
    world.user("chair_a").groups.clear()
    holders = _holders(admin_client.get(url))
    assert holders["intruder"].permissions == {"audit_case"} and not holders["intruder"].assignments
    assert holders["chair_a"].permissions == frozenset() and holders["chair_a"].derived_permissions == {
        "decide_case"
    }
    assert admin_client.get(url).context["differing"] == 2
    derive_unit_permissions()
    assert admin_client.get(url).context["differing"] == 0


def test_unit_permissions_cannot_be_edited_in_the_admin(admin_client, world):
    group = Group.objects.get(name=role_group_name(Role.COMMUNE_CHAIR, world.commune_a))
    pk = world.commune_a.pk
    before = set(GroupObjectPermission.objects.values_list("pk", flat=True))
    for name, args in (
        ("admin:registry_administrativeunit_permissions_manage_group", [pk, group.pk]),
        ("admin:registry_administrativeunit_permissions_manage_user", [pk, world.user("chair_a").pk]),
    ):
        url = reverse(name, args=args)
        assert admin_client.get(url).url == reverse(
            "admin:registry_administrativeunit_permissions", args=[pk]
        )
        admin_client.post(url, {"permissions": ["audit_case"]})
    page = admin_client.post(
        reverse("admin:registry_administrativeunit_permissions", args=[pk]),
        {"submit_manage_group": "1", "group": group.name},
    )
    assert page.status_code == 200 and b"<form" not in page.content.split(b'id="content-main"')[1]
    assert set(GroupObjectPermission.objects.values_list("pk", flat=True)) == before
    assert not UserObjectPermission.objects.exists()


def test_the_unit_permission_page_needs_the_view_permission_on_units(client, world):
    staff = make_user(username="nhanvien")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    url = reverse("admin:registry_administrativeunit_permissions", args=[world.commune_a.pk])
    assert client.get(url).status_code == 403


def test_the_unit_permission_page_reads_a_fixed_number_of_queries(admin_client, world):
    url = reverse("admin:registry_administrativeunit_permissions", args=[world.commune_a.pk])
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200
    for _ in range(15):
        make_user(Role.ASSESSOR, world.commune_a)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)
    assert len(_holders(response)) == 18
    assert len(many) == len(few) <= 15
