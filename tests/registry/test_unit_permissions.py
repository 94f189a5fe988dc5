"""One permission model: role assignments are the source; django-guardian's grants on units are derived from
them, equal to them (checked here through guardian's own backend), and read by the admin and by viewflow."""

import datetime
from collections import defaultdict
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from viewflow.workflow import flow

from cases.permissions import ACTION_PERMISSIONS, authorising_grant, roles_for, step_permission
from inspection.permissions import INSPECTION_ROLES
from registry.models import Role, UnitLevel
from registry.permissions import UNIT_PERMISSIONS, permission_roles
from tests.builders import make_user
from workflows.flows import RecognitionFlow
from workflows.selectors import STEP_ACTIONS

HCM = datetime.timezone(datetime.timedelta(hours=7))
DAY0 = datetime.date(2027, 3, 1)


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
    is a subset of the role rule: it never opens a step to a user can() refuses."""
    units = [world.commune_a, world.commune_b, world.village_a1, world.village_a2, world.village_b1]
    users = [*world.users.values(), make_user(Role.COMMUNE_OFFICER, world.commune_b)]
    users.append(make_user(Role.ASSESSOR, world.commune_a))
    allowed_by_viewflow = defaultdict(set)
    for step, action in STEP_ACTIONS.items():
        node = getattr(RecognitionFlow, step)
        assert node._owner_permission == step_permission(action), step
        for unit in units:
            process = SimpleNamespace(case=SimpleNamespace(unit=unit))
            task = SimpleNamespace(owner_id=None, owner_permission=node._owner_permission, process=process)
            for user in users:
                user = get_user_model().objects.get(pk=user.pk)
                if flow.View.can_assign(node, user, task):
                    assert authorising_grant(user, action, unit.path, unit.level), (step, user, unit.code)
                    allowed_by_viewflow[step].add((user.username, unit.code))
    assert set(allowed_by_viewflow) == set(STEP_ACTIONS)  # each step opens to someone
    assert ("commune_officer_a", world.commune_a.code) in allowed_by_viewflow[
        "review"
    ]  # commune-level review
    assert ("head_a1", world.village_a1.code) in allowed_by_viewflow["review"]
