from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from audit.models import AuditEvent
from criteria.models import PlanTarget
from reports import coverage as cov
from reports.targets import load_national_targets
from tests.builders import gdht


def test_national_targets_load_once_and_keep_local_edits(world):
    created = load_national_targets(world.province, actor=None)
    assert {t.title_type.code: t.target_percent for t in created} == {
        "GDHT": 70,
        "DHHT": 65,
        "CDHT_THON": 65,
        "DVHT": 80,
        "CDHT_XA": 65,  # the commune's own title, now that it exists
    }
    event = AuditEvent.objects.get(stream=f"config:plan_targets:{world.province.code}")
    assert event.data["targets"]["GDHT"] == "70"
    # the province raises its own household target; loading again changes nothing
    PlanTarget.objects.filter(unit=world.province, title_type=gdht()).update(target_percent=80)
    assert load_national_targets(world.province, actor=None) == []
    assert PlanTarget.objects.get(unit=world.province, title_type=gdht()).target_percent == 80
    assert AuditEvent.objects.filter(stream=f"config:plan_targets:{world.province.code}").count() == 1
    assert cov.coverage(world.commune_a, title=gdht(), year=2025).total.target == Decimal(80)
    assert cov.coverage(world.commune_a, title=gdht(), year=2026).total.target is None


def test_national_targets_go_onto_provinces_only(world):
    with pytest.raises(ValidationError):
        load_national_targets(world.commune_a, actor=None)
    assert not PlanTarget.objects.exists()


def test_command_loads_the_targets(world, capsys):
    call_command("load_plan_targets", world.province.code)
    assert (
        PlanTarget.objects.filter(unit=world.province).count() == 5
    )  # the five shipped titles with a target
    assert "5" in capsys.readouterr().out
