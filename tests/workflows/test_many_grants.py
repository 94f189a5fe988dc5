"""A user with grants on more villages than MANY_PATHS: scoped by unit membership, same rows as by prefix."""

from cases.models import Case
from cases.selectors import cases_for
from registry.models import Role, UnitLevel
from registry.selectors import MANY_PATHS, scope_paths
from registry.services import assign_role, create_unit
from tests.builders import TODAY, gdht, make_household, make_user
from workflows import selectors, services

from .walk import open_case


def _open(village, actor):
    return services.open_case(make_household(village), title_type=gdht(), year=2026, actor=actor)


def _villages(world, n):
    return [
        create_unit(
            code=f"24-07627-{10 + i}", name=f"Thôn {i}", level=UnitLevel.VILLAGE, parent=world.commune_a
        )
        for i in range(n)
    ]


def test_many_village_grants_see_exactly_their_villages(world):
    villages = _villages(world, MANY_PATHS + 3)
    granted, other = villages[:-1], villages[-1]
    busy = make_user(Role.VILLAGE_OFFICER, granted[0], "busy")
    for village in granted[1:]:
        assign_role(busy, role=Role.VILLAGE_OFFICER, unit=village, actor=None, valid_from=TODAY)
    mine = [_open(village, busy) for village in granted]
    outside = [
        _open(other, make_user(Role.VILLAGE_OFFICER, other)),
        open_case(world, world.village_a1),
        _open(world.village_b1, world.user("officer_b1")),
    ]

    assert len(scope_paths(busy)) > MANY_PATHS
    assert set(cases_for(busy)) == set(mine)
    queued = {t.case_id for t in selectors.queue_for(busy)}
    assert queued == {c.pk for c in mine}
    assert not queued & {c.pk for c in outside}

    # claim two; the inbox (scoped the same way) shows exactly those
    for case in mine[:2]:
        services.claim_task(services.open_task(case), actor=busy)
    assert {t.case_id for t in selectors.inbox_for(busy)} == {mine[0].pk, mine[1].pk}
    assert Case.objects.count() == len(mine) + len(outside)
