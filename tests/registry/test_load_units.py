"""load_units: official communes/wards from vietnam_provinces, idempotently."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from registry.models import AdministrativeUnit, AreaClass, UnitLevel

pytestmark = pytest.mark.django_db


def load(*codes: int) -> str:
    out = StringIO()
    args = [arg for code in codes for arg in ("--province", str(code))]
    call_command("load_units", *args, stdout=out)
    return out.getvalue()


def test_bac_ninh_loads_its_99_communes_with_codes_and_paths():
    load(24)
    province = AdministrativeUnit.objects.get(code="24")
    assert province.name == "Tỉnh Bắc Ninh"
    assert province.level == UnitLevel.PROVINCE and province.parent is None and province.path == "/24/"
    communes = AdministrativeUnit.objects.filter(parent=province)
    assert communes.count() == 99
    assert AdministrativeUnit.objects.count() == 100
    for unit in communes:
        assert re.fullmatch(r"24-\d{5}", unit.code), unit.code
        assert unit.path == f"/24/{unit.code}/"
        assert unit.level == UnitLevel.COMMUNE
        assert unit.valid_from == datetime.date(2025, 7, 1)
        expected = AreaClass.URBAN if unit.name.startswith("Phường ") else AreaClass.ORDINARY
        assert unit.area_class == expected, unit.name
    dai_son = AdministrativeUnit.objects.get(code="24-07627")
    assert dai_son.name == "Xã Đại Sơn" and dai_son.area_class == AreaClass.ORDINARY
    kinh_bac = AdministrativeUnit.objects.get(code="24-09187")
    assert kinh_bac.name == "Phường Kinh Bắc" and kinh_bac.area_class == AreaClass.URBAN
    assert communes.filter(name__startswith="Phường ").count() == 33


def test_running_twice_creates_nothing_new():
    load(24)
    before = set(AdministrativeUnit.objects.values_list("pk", "code", "path", "name"))
    load(24)
    assert set(AdministrativeUnit.objects.values_list("pk", "code", "path", "name")) == before


def test_existing_units_are_kept_and_missing_ones_added():
    province = AdministrativeUnit.objects.create(code="24", name="Bắc Ninh (đã có)", level=UnitLevel.PROVINCE)
    load(24)
    province.refresh_from_db()
    assert province.name == "Bắc Ninh (đã có)"  # existing codes are skipped, not overwritten
    assert province.children.count() == 99


def test_several_provinces_in_one_run():
    load(24, 4)
    assert AdministrativeUnit.objects.get(code="4").name == "Tỉnh Cao Bằng"
    assert AdministrativeUnit.objects.filter(parent__code="4").count() == 56
    assert AdministrativeUnit.objects.filter(parent__code="4", name="Xã Trùng Khánh").exists()
    assert AdministrativeUnit.objects.filter(parent__code="24").count() == 99


def test_city_names_are_not_prefixed_twice():
    load(1)
    assert AdministrativeUnit.objects.get(code="1").name == "Thành phố Hà Nội"


def test_unknown_province_is_an_error():
    with pytest.raises(CommandError):
        load(99)
    assert not AdministrativeUnit.objects.exists()
