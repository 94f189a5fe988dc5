import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from registry.models import Role, RoleAssignment, UnitLevel
from registry.selectors import covering_paths, forget_grants, grants_for, scope_paths
from registry.services import assign_role, create_unit, end_role_assignment, role_group_name
from registry.text import fold
from tests.builders import make_user


def test_fold_removes_tones_and_d_stroke():
    assert fold("Nguyễn Văn Đức") == "nguyen van duc"
    assert fold("  ĐẶNG   thị  Ánh ") == "dang thi anh"


def test_paths_nest(world):
    assert world.village_a1.path.startswith(world.commune_a.path)
    assert world.commune_a.path.startswith(world.province.path)
    assert not world.village_b1.path.startswith(world.commune_a.path)


def test_unit_level_rules(world):
    with pytest.raises(ValidationError):
        create_unit(code="X1", name="Thôn lạc", level=UnitLevel.VILLAGE, parent=world.province)
    with pytest.raises(ValidationError):
        create_unit(code="X2", name="Xã mồ côi", level=UnitLevel.COMMUNE, parent=None)


def test_audit_unit_is_the_nearest_ancestor_above_the_commune(world):
    assert world.village_a1.audit_unit() == world.province
    district = create_unit(
        code="24-D1", name="Huyện Sơn Động (cũ)", level=UnitLevel.DISTRICT, parent=world.province
    )
    commune = create_unit(code="24-D1-C1", name="Xã cũ", level=UnitLevel.COMMUNE, parent=district)
    village = create_unit(code="24-D1-C1-01", name="Thôn cũ", level=UnitLevel.VILLAGE, parent=commune)
    assert village.audit_unit() == district


def test_assignment_syncs_guardian_group_on_the_unit_never_per_case(world):
    user = world.user("officer_a1")
    group = user.groups.get(name=role_group_name(Role.VILLAGE_OFFICER, world.village_a1))
    assert user.has_perm("registry.collect_evidence", world.village_a1)
    assert not user.has_perm("registry.collect_evidence", world.village_a2)
    assert not user.has_perm("registry.decide_case", world.village_a1)
    from guardian.models import GroupObjectPermission

    perms = GroupObjectPermission.objects.filter(group=group)
    assert {p.content_type.model for p in perms} == {"administrativeunit"}


def test_role_level_is_checked(world):
    user = make_user()
    with pytest.raises(ValidationError):
        assign_role(user, role=Role.COMMUNE_CHAIR, unit=world.village_a1, actor=None)
    with pytest.raises(ValidationError):
        assign_role(user, role=Role.AUDITOR, unit=world.commune_a, actor=None)
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_ending_an_assignment_removes_access_and_is_audited(world):
    user = make_user(Role.VILLAGE_OFFICER, world.village_a2)
    assignment = RoleAssignment.objects.get(user=user)
    with pytest.raises(ValidationError):
        end_role_assignment(assignment, actor=None, reason="")
    end_role_assignment(
        assignment, actor=world.user("supervisor_a"), reason="Chuyển công tác", on=datetime.date(2026, 1, 1)
    )
    forget_grants(user)
    user = type(user).objects.get(pk=user.pk)  # drop guardian's per-instance cache
    assert not user.groups.exists()
    assert not user.has_perm("registry.collect_evidence", world.village_a2)
    assert AuditEvent.objects.filter(
        stream=f"user:{user.pk}", event_type="role.ended", reason="Chuyển công tác"
    ).exists()


def test_grants_are_read_once_per_user_object(world, django_assert_num_queries):
    user = type(world.user("supervisor_a")).objects.get(pk=world.user("supervisor_a").pk)
    with django_assert_num_queries(1):
        grants_for(user)
        grants_for(user)
        scope_paths(user)
    assert scope_paths(user) == [world.commune_a.path]


def test_covering_paths_keep_only_the_outermost_subtrees():
    paths = {
        "/90/90-1/90-1-01/",
        "/90/90-1/",
        "/90/90-10/",
        "/90/90-1/90-1-02/",
        "/91/",
        "/90/90-10/90-10-01/",
    }
    # "/90/90-10/" is a sibling of "/90/90-1/", not inside it, although its text starts the same
    assert covering_paths(paths) == ["/90/90-1/", "/90/90-10/", "/91/"]
    assert covering_paths(["/90/", "/90/90-1/"]) == ["/90/"]
    assert covering_paths([]) == []


def test_assignments_that_expire_by_date_leave_their_guardian_group(world):
    from registry.tasks import sync_role_groups

    user = make_user()
    assign_role(
        user,
        role=Role.VILLAGE_OFFICER,
        unit=world.village_a2,
        actor=None,
        valid_from=datetime.date(2025, 1, 1),
        valid_to=datetime.date(2025, 12, 31),
    )
    keeper = make_user()
    assign_role(
        keeper,
        role=Role.VILLAGE_OFFICER,
        unit=world.village_a2,
        actor=None,
        valid_from=datetime.date(2025, 1, 1),
    )
    group = role_group_name(Role.VILLAGE_OFFICER, world.village_a2)
    assert user.groups.filter(name=group).exists()
    assert sync_role_groups() == 1
    assert not user.groups.filter(name=group).exists()
    assert keeper.groups.filter(name=group).exists()
    assert AuditEvent.objects.filter(stream=f"user:{user.pk}", event_type="role.group_removed").count() == 1
    assert sync_role_groups() == 0  # idempotent
