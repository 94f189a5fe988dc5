from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from criteria.models import CriteriaSet, CriterionItem
from criteria.scoring import clean_values, evaluate
from registry.models import AreaClass


@pytest.fixture
def household_set(db):
    return CriteriaSet.objects.get(title_type__code="GDHT", version=1)


@pytest.fixture
def citizen_set(db):
    return CriteriaSet.objects.get(title_type__code="CONGDAN", version=1)


def marks(criteria_set, **overrides):
    items = CriterionItem.objects.filter(criterion__criteria_set=criteria_set)
    values = {i.pk: i.max_points for i in items}
    for code, value in overrides.items():
        values[items.get(code=code.replace("_", ".")).pk] = Decimal(value)
    return values


def test_household_set_is_four_criteria_30_30_20_20(household_set):
    maxima = [sum(i.max_points for i in c.items.all()) for c in household_set.criteria.order_by("order")]
    assert maxima == [30, 30, 20, 20]
    assert [c.max_points for c in household_set.criteria.order_by("order")] == [30, 30, 20, 20]


def test_threshold_depends_on_area_class(household_set):
    values = marks(household_set, **{"1_1": 0, "1_2": 6, "2_1": 0, "2_2": 6})  # 16 + 16 + 20 + 20 = 72
    assert evaluate(household_set, values, area_class=AreaClass.MOUNTAIN).passed is True
    ordinary = evaluate(household_set, values, area_class=AreaClass.ORDINARY)
    assert ordinary.total == 72 and ordinary.threshold == 80 and ordinary.passed is False


def test_each_criterion_needs_its_minimum_share(household_set):
    # criterion 3 gets 0 of 20: the total (80) meets the threshold, the criterion minimum (10) fails
    values = marks(household_set, **{"3_1": 0, "3_2": 0})
    result = evaluate(household_set, values, area_class=AreaClass.ORDINARY)
    assert result.total == 80
    assert result.passed is False
    assert [c.code for c in result.criteria if not c.passed] == ["3"]


def test_clean_values_rejects_out_of_range_and_foreign_items(household_set, citizen_set):
    item = CriterionItem.objects.filter(criterion__criteria_set=household_set).first()
    with pytest.raises(ValidationError) as err:
        clean_values(household_set, {**marks(household_set), item.pk: Decimal("11")})
    assert str(item.pk) in err.value.message_dict
    with pytest.raises(ValidationError):
        clean_values(household_set, {**marks(household_set), item.pk: "abc"})
    foreign = CriterionItem.objects.filter(criterion__criteria_set=citizen_set).first()
    with pytest.raises(ValidationError):
        clean_values(household_set, {**marks(household_set), foreign.pk: True})


def test_indicators_give_levels(citizen_set):
    items = list(CriterionItem.objects.filter(criterion__criteria_set=citizen_set))
    all_pass = {i.pk: True for i in items}
    assert evaluate(citizen_set, all_pass, area_class="").level == 2
    level2_missing = {i.pk: (i.level or 1) == 1 for i in items}
    result = evaluate(citizen_set, level2_missing, area_class="")
    assert result.passed is True and result.level == 1
    level1_missing = dict(all_pass)
    level1_missing[next(i.pk for i in items if (i.level or 1) == 1)] = False
    result = evaluate(citizen_set, level1_missing, area_class="")
    assert result.passed is False and result.level is None
    with pytest.raises(ValidationError):
        clean_values(citizen_set, {items[0].pk: Decimal(1)})


def test_a_set_in_use_cannot_be_edited_in_place(world):
    from tests.builders import nominate

    case = nominate(world)
    criterion = case.criteria_set.criteria.first()
    criterion.name = "Đổi tên"
    with pytest.raises(ValidationError):
        criterion.save()
    item = CriterionItem.objects.filter(criterion__criteria_set=case.criteria_set).first()
    item.max_points = 50
    with pytest.raises(ValidationError):
        item.save()
