"""The unit a new meeting or decision is for, found among the user's units only."""

from approvals import selectors
from tests.builders import nominate


def test_the_chosen_unit_is_the_users_unit_the_case_lies_in(world):
    case_a1, case_b1 = nominate(world, world.village_a1), nominate(world, world.village_b1)
    villages = selectors.session_villages(world.user("head_a1"))
    communes = selectors.decision_communes(world.user("commune_officer_a"))

    assert selectors.chosen_unit(villages, case_id=case_a1.pk) == world.village_a1
    assert selectors.chosen_unit(communes, case_id=case_a1.pk) == world.commune_a
    # a case elsewhere, or none at all, names none of the user's units
    assert selectors.chosen_unit(villages, case_id=case_b1.pk) is None
    assert selectors.chosen_unit(communes, case_id=case_b1.pk) is None
    assert selectors.chosen_unit(communes, case_id=case_b1.pk + 1000) is None


def test_the_chosen_unit_by_id_must_be_one_of_the_users(world):
    communes = selectors.decision_communes(world.user("commune_officer_a"))
    assert selectors.chosen_unit(communes, pk=world.commune_a.pk) == world.commune_a
    assert selectors.chosen_unit(communes, pk=world.commune_b.pk) is None
    assert selectors.chosen_unit(communes) is None
