import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from registry.models import Household, HouseholdMember, Subject
from reports import services
from reports.imports.households import HouseholdImport
from reports.models import ImportJob
from tests.builders import make_household, pdf_bytes

from .sheets import csv_bytes, household_rows, xlsx_bytes

S = ImportJob.Status


def upload(data: bytes, name: str = "ho.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def run_import(data, actor, capture, name="ho.xlsx") -> ImportJob:
    with capture(execute=True):
        job = services.start_import(upload(data, name), kind="households", actor=actor)
    job.refresh_from_db()
    return job


def commit(job, actor, capture) -> ImportJob:
    with capture(execute=True):
        services.request_commit(job, actor=actor)
    job.refresh_from_db()
    return job


def row_number(household: int, member: int) -> int:
    return 2 + 4 * household + member  # row 1 is the header


@pytest.fixture
def officer(world):
    return world.user("commune_officer_a")


@pytest.fixture
def villages(world):
    return [world.village_a1.code, world.village_a2.code]


def test_ten_thousand_rows_with_five_bad_rows_reports_exactly_those_and_commits_nothing(
    world, officer, villages, django_capture_on_commit_callbacks
):
    rows = household_rows(villages, 2500)
    assert len(rows) == 10_000
    bad = {
        row_number(10, 2): ("birth_year", 3),
        row_number(500, 3): ("relation", 4),
        row_number(1200, 1): ("required", 2),
        row_number(2000, 3): ("unknown_village", 1),
        row_number(2400, 2): ("second_head", 4),
    }
    rows[row_number(10, 2) - 2][3] = "19x5"
    rows[row_number(500, 3) - 2][4] = "Hàng xóm"
    rows[row_number(1200, 1) - 2][2] = ""
    # a one-person household in a village outside the officer's commune
    rows[row_number(2000, 3) - 2][:2] = ["HK-OUTSIDE", world.village_b1.code]
    rows[row_number(2000, 3) - 2][4] = "Chủ hộ"
    rows[row_number(2400, 2) - 2][4] = "Chủ hộ"
    before = (Subject.objects.count(), HouseholdMember.objects.count(), AuditEvent.objects.count())

    job = run_import(xlsx_bytes(rows), officer, django_capture_on_commit_callbacks)

    assert job.status == S.INVALID
    assert job.total_rows == 10_000
    assert job.error_count == 5
    assert [(e["row"], e["code"]) for e in job.errors] == [(row, code) for row, (code, _) in bad.items()]
    messages = {e["row"]: e["message"] for e in job.error_rows()}
    assert "19x5" in messages[row_number(10, 2)]
    assert "Hàng xóm" in messages[row_number(500, 3)]
    assert "Họ và tên" in messages[row_number(1200, 1)]
    assert world.village_b1.code in messages[row_number(2000, 3)]
    assert str(row_number(2400, 0)) in messages[row_number(2400, 2)]
    with pytest.raises(ValidationError):
        services.request_commit(job, actor=officer)
    assert (Subject.objects.count(), HouseholdMember.objects.count(), AuditEvent.objects.count()) == before


def test_clean_file_imports_households_with_members_and_one_audit_event(
    world, officer, villages, django_capture_on_commit_callbacks
):
    data = xlsx_bytes(household_rows(villages, 10))
    job = run_import(data, officer, django_capture_on_commit_callbacks)
    assert (job.status, job.new_count, job.linked_count, job.error_count) == (S.VALIDATED, 10, 40, 0)
    assert not Household.objects.filter(code__startswith="HK").exists()

    job = commit(job, officer, django_capture_on_commit_callbacks)

    assert job.status == S.DONE
    households = Household.objects.filter(code__startswith="HK")
    assert households.count() == 10
    first = households.get(code="HK000000")
    assert (first.unit, first.head_name, first.name, first.name_folded) == (
        world.village_a1,
        "Nguyễn Văn 0-0",
        "Hộ Nguyễn Văn 0-0",
        "ho nguyen van 0-0",
    )
    assert first.address == "Số 0 đường Làng"
    assert first.area_class == world.village_a1.area_class
    assert households.get(code="HK000001").unit == world.village_a2
    assert sorted(first.members.values_list("relation", "birth_year")) == [
        ("child", 2001),
        ("child", 2005),
        ("head", 1970),
        ("spouse", 1972),
    ]
    event = AuditEvent.objects.get(stream=f"import:{job.pk}")
    assert event.event_type == "registry.households_imported"
    assert event.actor_id == officer.pk
    assert event.data["sha256"] == job.sha256
    assert event.scope == world.commune_a.path
    assert (event.data["created"], event.data["linked"], event.data["rows"]) == (
        10,
        40,
        40,
    )


def test_reimporting_the_same_file_creates_no_duplicates(
    world, officer, villages, django_capture_on_commit_callbacks
):
    data = xlsx_bytes(household_rows(villages, 6))
    commit(
        run_import(data, officer, django_capture_on_commit_callbacks),
        officer,
        django_capture_on_commit_callbacks,
    )
    counts = (Household.objects.count(), HouseholdMember.objects.count())

    again = run_import(data, officer, django_capture_on_commit_callbacks)
    assert (again.status, again.new_count, again.existing_count) == (S.VALIDATED, 0, 6)
    again = commit(again, officer, django_capture_on_commit_callbacks)

    assert again.status == S.DONE
    assert (Household.objects.count(), HouseholdMember.objects.count()) == counts
    assert AuditEvent.objects.get(stream=f"import:{again.pk}").data["created"] == 0


def test_a_commit_that_fails_midway_changes_nothing(
    world, officer, villages, django_capture_on_commit_callbacks, monkeypatch
):
    job = run_import(xlsx_bytes(household_rows(villages, 8)), officer, django_capture_on_commit_callbacks)
    real = HouseholdImport.write

    def write_then_fail(self, report, *, actor=None, progress=None):
        real(self, report, actor=actor, progress=progress)
        raise RuntimeError("disk full")

    monkeypatch.setattr(HouseholdImport, "write", write_then_fail)
    before = (Subject.objects.count(), HouseholdMember.objects.count(), AuditEvent.objects.count())

    job = commit(job, officer, django_capture_on_commit_callbacks)

    assert job.status == S.FAILED
    assert "nothing was imported" in job.failure or "không có dữ liệu nào" in job.failure
    assert (Subject.objects.count(), HouseholdMember.objects.count(), AuditEvent.objects.count()) == before


def test_commit_checks_the_registry_again(world, officer, villages, django_capture_on_commit_callbacks):
    job = run_import(xlsx_bytes(household_rows(villages, 3)), officer, django_capture_on_commit_callbacks)
    assert job.status == S.VALIDATED
    # someone registers code HK000002 in another village between the check and the commit
    taken = make_household(world.village_b1)
    Subject.objects.filter(pk=taken.pk).update(code="HK000002")

    job = commit(job, officer, django_capture_on_commit_callbacks)

    assert job.status == S.FAILED
    assert [(e["row"], e["code"]) for e in job.errors] == [(row_number(2, 0), "code_taken")]
    assert not Household.objects.filter(code__in=["HK000000", "HK000001"]).exists()


def test_csv_with_semicolons_imports_the_same_way(
    world, officer, villages, django_capture_on_commit_callbacks
):
    job = run_import(
        csv_bytes(household_rows(villages, 4)), officer, django_capture_on_commit_callbacks, "ho.csv"
    )
    assert (job.status, job.file_format, job.new_count, job.linked_count) == (S.VALIDATED, "csv", 4, 16)
    assert commit(job, officer, django_capture_on_commit_callbacks).status == S.DONE
    assert Household.objects.get(code="HK000003").members.count() == 4


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (pdf_bytes(), "wrong_type"),
        (b"   \n", "empty_file"),
        (b"PK\x03\x04 not really a workbook", "bad_xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old_xls"),
        ("Mã hô;Mã thôn\n".encode("latin-1"), "not_utf8"),
        (csv_bytes([], header=["Mã hộ", "Tên"]), "missing_columns"),
        (csv_bytes([]), "no_rows"),
    ],
)
def test_unreadable_files_are_rejected_with_a_reason(officer, django_capture_on_commit_callbacks, data, code):
    before = Subject.objects.count()
    job = run_import(data, officer, django_capture_on_commit_callbacks, "ho.csv")
    assert (job.status, job.failure_code) == (S.INVALID, code)
    assert job.failure
    assert Subject.objects.count() == before


def test_missing_columns_are_named(officer, django_capture_on_commit_callbacks):
    job = run_import(csv_bytes([], header=["Mã hộ", "Tên"]), officer, django_capture_on_commit_callbacks)
    for header in ("Mã thôn", "Họ và tên", "Năm sinh", "Quan hệ với chủ hộ"):
        assert header in job.failure


def test_household_without_head_and_inconsistent_village(world, officer, django_capture_on_commit_callbacks):
    a1, a2 = world.village_a1.code, world.village_a2.code
    rows = [
        ["H1", a1, "Trần Thị Lan", 1980, "Vợ/chồng", ""],
        ["H1", a1, "Trần Văn Nam", 2010, "Con", ""],
        ["H2", a1, "Lê Văn Hùng", 1960, "Chủ hộ", ""],
        ["H2", a2, "Lê Thị Mai", 1962, "Vợ", ""],
    ]
    job = run_import(xlsx_bytes(rows), officer, django_capture_on_commit_callbacks)
    assert [(e["row"], e["code"]) for e in job.errors] == [(2, "no_head"), (5, "other_village")]


def test_only_commune_officers_and_administrators_may_import(world, django_capture_on_commit_callbacks):
    data = xlsx_bytes(household_rows([world.village_a1.code], 1))
    for key in ("officer_a1", "supervisor_a", "chair_a", "inspector"):
        with pytest.raises(PermissionDenied):
            services.start_import(upload(data), kind="households", actor=world.user(key))
    assert not ImportJob.objects.exists()


def test_only_the_importer_may_commit(world, officer, villages, django_capture_on_commit_callbacks):
    job = run_import(xlsx_bytes(household_rows(villages, 1)), officer, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        services.request_commit(job, actor=world.user("supervisor_a"))
    job.refresh_from_db()
    assert job.status == S.VALIDATED


def test_row_numbers_follow_the_spreadsheet_across_blank_rows(
    world, officer, django_capture_on_commit_callbacks
):
    import io

    from openpyxl import Workbook

    from .sheets import HEADER

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["H1", world.village_a1.code, "Phạm Văn Bình", 1980, "Chủ hộ", ""])
    # rows 3-6 left blank; row 7 has a bad birth year
    for column, value in enumerate(["H1", world.village_a1.code, "Phạm Thị Hoa", "1980a", "Vợ", ""], start=1):
        sheet.cell(row=7, column=column, value=value)
    out = io.BytesIO()
    workbook.save(out)
    job = run_import(out.getvalue(), officer, django_capture_on_commit_callbacks)
    assert (job.total_rows, [(e["row"], e["code"]) for e in job.errors]) == (2, [(7, "birth_year")])


def test_a_workbook_declaring_entities_is_refused(
    world, officer, villages, django_capture_on_commit_callbacks
):
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(household_rows(villages, 1))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                bomb = b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
                end = body.index(b"?>") + 2 if body.startswith(b"<?xml") else 0
                body = body[:end] + bomb + body[end:]
            target.writestr(info, body)
    job = run_import(out.getvalue(), officer, django_capture_on_commit_callbacks)
    assert (job.status, job.failure_code) == (S.INVALID, "bad_xlsx")


def test_an_unexpected_error_while_checking_ends_the_job_with_a_message(
    officer, villages, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(self, sheet, *, scope, actor=None):
        raise RuntimeError("database went away")

    monkeypatch.setattr(HouseholdImport, "validate", broken)
    job = run_import(xlsx_bytes(household_rows(villages, 1)), officer, django_capture_on_commit_callbacks)
    assert (job.status, job.failure_code) == (S.INVALID, "unexpected")
    assert not job.is_running
