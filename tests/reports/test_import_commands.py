"""manage.py import_villages and import_staff: the pages' checks and writers, scriptable."""

import csv

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from registry.models import AdministrativeUnit, Role, RoleAssignment

from .sheets import sheet_bytes
from .test_staff_import import HEADER as STAFF_HEADER
from .test_village_import import HEADER as VILLAGE_HEADER


def test_villages_then_staff_from_the_command_line(world, tmp_path, capsys):
    villages = tmp_path / "thon.xlsx"
    villages.write_bytes(sheet_bytes(VILLAGE_HEADER, [[world.commune_b.code, "", "Bắc Sơn", "Thôn", "", ""]]))
    call_command("import_villages", str(villages))
    village = AdministrativeUnit.objects.get(name="Thôn Bắc Sơn")
    assert village.parent == world.commune_b
    call_command("import_villages", str(villages))  # again: nothing new
    assert AdministrativeUnit.objects.filter(name="Thôn Bắc Sơn").count() == 1

    staff = tmp_path / "can-bo.csv"
    staff.write_bytes(
        sheet_bytes(
            STAFF_HEADER,
            [["Lò Văn Páo", "0905123456", "", "Cán bộ chi hội khuyến học", village.code, "", ""]],
            "csv",
        )
    )
    links = tmp_path / "links.csv"
    call_command("import_staff", str(staff), "--links", str(links))
    pao = get_user_model().objects.get(username="0905123456")
    assert RoleAssignment.objects.filter(user=pao, role=Role.VILLAGE_OFFICER, unit=village).exists()
    rows = list(csv.reader(links.open(encoding="utf-8-sig")))
    assert rows[1][:2] == ["Lò Văn Páo", "0905123456"] and "/kich-hoat/" in rows[1][3]
    assert AuditEvent.objects.filter(event_type="registry.staff_imported").count() == 1


def test_a_bad_file_lists_its_rows_and_writes_nothing(world, tmp_path, capsys):
    staff = tmp_path / "can-bo.xlsx"
    staff.write_bytes(
        sheet_bytes(
            STAFF_HEADER, [["Ai Đó", "0905123456", "", "Chủ tịch UBND xã", world.village_a1.code, "", ""]]
        )
    )
    users = get_user_model().objects.count()
    with pytest.raises(CommandError):
        call_command("import_staff", str(staff))
    assert "2" in capsys.readouterr().err
    assert get_user_model().objects.count() == users
    with pytest.raises(CommandError):
        call_command("import_staff", str(staff), "--user", "officer_a1")  # may not import at all
