"""Villages and residential groups from spreadsheets: row report, commit, re-import, mergers, scope."""

import pytest

from audit.models import AuditEvent
from registry.models import AdministrativeUnit, UnitLevel, UnitSuccession
from reports.models import ImportJob

from .imports import commit, problems, run_import
from .sheets import sheet_bytes

S = ImportJob.Status
HEADER = ["Mã xã", "Mã thôn", "Tên thôn, tổ dân phố", "Loại", "Sáp nhập từ", "Ngày sáp nhập"]
KIND = "villages"


@pytest.fixture
def officer(world):
    return world.user("commune_officer_a")


def villages_of(commune):
    return list(
        AdministrativeUnit.objects.filter(parent=commune).order_by("code").values_list("code", "name")
    )


def units_and_events():
    return AdministrativeUnit.objects.count(), UnitSuccession.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_villages_are_created_under_their_commune_and_a_reimport_changes_nothing(
    world, officer, fmt, django_capture_on_commit_callbacks
):
    a = world.commune_a.code
    rows = [
        [a, "", "Bắc", "Thôn", "", ""],
        [a, "", "Bản Nà Rì", "Bản", "", ""],
        [a, "24-07627-TDP1", "Số 1", "Tổ dân phố", "", ""],
        [a, "", "Thôn Đông", "Thôn", "", ""],  # already registered (by name): left unchanged
    ]
    data = sheet_bytes(HEADER, rows, fmt)
    job = run_import(data, officer, django_capture_on_commit_callbacks, kind=KIND, name=f"thon.{fmt}")
    assert job.status == S.VALIDATED, job.errors
    assert (job.new_count, job.existing_count) == (3, 1)
    job = commit(job, officer, django_capture_on_commit_callbacks)
    assert job.status == S.DONE
    names = dict((name, code) for code, name in villages_of(world.commune_a))
    assert {"Thôn Bắc", "Bản Nà Rì", "Tổ dân phố Số 1", "Thôn Đông", "Thôn Tây"} == set(names)
    assert names["Tổ dân phố Số 1"] == "24-07627-TDP1"
    assert names["Thôn Bắc"] == "24-07627-03"  # next free number after -01 and -02
    bac = AdministrativeUnit.objects.get(code=names["Thôn Bắc"])
    assert bac.level == UnitLevel.VILLAGE and bac.path == f"{world.commune_a.path}{bac.code}/"
    assert bac.area_class == world.commune_a.area_class
    assert AuditEvent.objects.filter(event_type="unit.created").count() == 3
    assert AuditEvent.objects.get(event_type="registry.villages_imported").data["created"] == 3

    before = units_and_events()
    again = run_import(data, officer, django_capture_on_commit_callbacks, kind=KIND, name=f"thon.{fmt}")
    assert (again.new_count, again.existing_count) == (0, 4)
    again = commit(again, officer, django_capture_on_commit_callbacks)
    assert again.status == S.DONE
    after = units_and_events()
    assert after[:2] == before[:2] and after[2] == before[2] + 1  # only the import's own event


def test_bad_rows_are_reported_and_nothing_is_written(world, officer, django_capture_on_commit_callbacks):
    a, b = world.commune_a.code, world.commune_b.code
    rows = [
        [a, "", "Bắc", "Thôn", "", ""],  # 2: good
        [b, "", "Nam 2", "Thôn", "", ""],  # 3: commune B is outside the officer's area
        [a, "", "Bắc", "Thôn", "", ""],  # 4: the same name again
        [a, "", "Hạ", "Phum", "", ""],  # 5: unknown kind
        [a, world.village_b1.code, "Lạ", "Thôn", "", ""],  # 6: a code of commune B's village
        [a, "", "Mới", "Thôn", "Thôn Không Có", ""],  # 7: merged from an unknown village
        [a, "", "Mới 2", "Thôn", "Thôn Tây", "31/02/2026"],  # 8: not a date
        ["", "", "", "Thôn", "", ""],  # 9: commune code and name empty
    ]
    before = units_and_events()
    job = run_import(sheet_bytes(HEADER, rows), officer, django_capture_on_commit_callbacks, kind=KIND)
    assert job.status == S.INVALID
    assert problems(job) == [
        (3, "unknown_commune"),
        (4, "duplicate_name"),
        (5, "village_kind"),
        (6, "unit_code_taken"),
        (7, "unknown_merged_village"),
        (8, "bad_date"),
        (9, "required"),
        (9, "required"),
    ]
    assert units_and_events() == before


def test_reimport_after_a_merger_records_the_succession_once_and_ends_the_old_villages(
    world, officer, django_capture_on_commit_callbacks
):
    a = world.commune_a.code
    rows = [[a, "", "Đông Tây", "Thôn", "Thôn Đông; 24-07627-02", "01/07/2026"]]
    job = run_import(sheet_bytes(HEADER, rows), officer, django_capture_on_commit_callbacks, kind=KIND)
    assert (job.status, job.new_count, job.linked_count) == (S.VALIDATED, 1, 2)
    job = commit(job, officer, django_capture_on_commit_callbacks)
    assert job.status == S.DONE
    merged = AdministrativeUnit.objects.get(name="Thôn Đông Tây")
    successions = UnitSuccession.objects.filter(new_unit=merged)
    assert {s.old_unit.code for s in successions} == {world.village_a1.code, world.village_a2.code}
    assert {str(s.effective_date) for s in successions} == {"2026-07-01"}
    world.village_a1.refresh_from_db()
    assert str(world.village_a1.valid_to) == "2026-06-30"
    assert AuditEvent.objects.filter(event_type="unit.merged").count() == 2
    # the same file again: the village and its succession exist, nothing is repeated
    again = commit(
        run_import(sheet_bytes(HEADER, rows), officer, django_capture_on_commit_callbacks, kind=KIND),
        officer,
        django_capture_on_commit_callbacks,
    )
    assert again.status == S.DONE and again.new_count == 0
    assert UnitSuccession.objects.count() == 2
    assert AuditEvent.objects.filter(event_type="unit.merged").count() == 2


def test_a_village_officer_cannot_import_villages(world, django_capture_on_commit_callbacks):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run_import(
            sheet_bytes(HEADER, [[world.commune_a.code, "", "Bắc", "Thôn", "", ""]]),
            world.user("officer_a1"),
            django_capture_on_commit_callbacks,
            kind=KIND,
        )
