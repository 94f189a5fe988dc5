import pytest

from cases.models import CaseState
from registry.models import Role
from tests.builders import advance, make_household, make_user, nominate


@pytest.fixture
def revoked(world):
    """A village-A1 case walked to its revocation by the district audit."""
    household = make_household(world.village_a1, name="Hộ Trần Thị Ánh")
    return advance(world, nominate(world, household=household), CaseState.REVOKED)


@pytest.fixture
def other_commune_case(world):
    return nominate(
        world, world.village_b1, household=make_household(world.village_b1, name="Hộ Lê Văn Bình")
    )


@pytest.fixture
def inspector_b(world):
    """An inspector of commune B only."""
    return make_user(Role.INSPECTOR, world.commune_b, "inspector_b")
