"""Clans and organisations from spreadsheets: the row report, the commit, re-import, the importer's area."""

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from registry.models import Clan, Organisation, Subject
from reports.models import ImportJob
from tests.builders import make_household, make_user

from .imports import commit, problems, run_import
from .sheets import CLAN_HEADER, ORG_HEADER, sheet_bytes

S = ImportJob.Status


@pytest.fixture
def officer(world):
    return world.user("commune_officer_a")


def registry_counts():
    return (Subject.objects.count(), Clan.households.through.objects.count(), AuditEvent.objects.count())


@pytest.fixture
def households(world):
    """Households of commune A in both villages, and one of commune B (outside the officer's area)."""
    return {
        "a1": make_household(world.village_a1, "Hộ Nguyễn Văn Một"),
        "a2": make_household(world.village_a2, "Hộ Nguyễn Văn Hai"),
        "b1": make_household(world.village_b1, "Hộ Nguyễn Văn Ba"),
    }


def clan_rows(world, households):
    a = world.commune_a.code
    return [
        [
            "DH-01",
            "Dòng họ Nguyễn Đình",
            a,
            "Nguyễn Đình Khang",
            "Thôn Đông",
            f"{households['a1'].code}; {households['a2'].code}",
        ],
        ["DH-02", "Dòng họ Lê", a, "", "", households["a1"].code],
        ["DH-03", "Dòng họ Trần – chi 2", a, "", "", ""],
    ]


def test_a_clan_file_with_bad_rows_reports_exactly_those_rows_and_commits_nothing(
    world, officer, households, django_capture_on_commit_callbacks
):
    Clan.objects.create(code="DH-OLD", name="Dòng họ Phạm", unit=world.commune_a)
    a, b = world.commune_a.code, world.commune_b.code
    rows = [
        *clan_rows(world, households),  # rows 2-4: good
        ["DH-04", "Dòng họ Vũ", b, "", "", ""],  # row 5: commune B is outside the officer's area
        ["DH-01", "Dòng họ Đỗ", a, "", "", ""],  # row 6: code DH-01 again (row 2)
        ["DH-06", "Dòng họ Phạm", a, "", "", ""],  # row 7: already registered as DH-OLD
        ["DH-07", "", a, "", "", ""],  # row 8: no name
        ["DH-08", "Dòng họ Hoàng", a, "", "", f"{households['b1'].code},HH-KHONG-CO"],  # row 9: members
        ["DH-09", "DÒNG HỌ LÊ", a, "", "", ""],  # row 10: the same name as row 3, in the same commune
    ]
    before = registry_counts()

    job = run_import(
        sheet_bytes(CLAN_HEADER, rows), officer, django_capture_on_commit_callbacks, kind="clans"
    )

    assert job.status == S.INVALID
    assert (job.total_rows, job.error_count) == (9, 6)
    assert problems(job) == [
        (5, "unknown_commune"),
        (6, "duplicate_code"),
        (7, "name_registered"),
        (8, "required"),
        (9, "unknown_households"),
        (10, "duplicate_name"),
    ]
    messages = {e["row"]: e["message"] for e in job.error_rows()}
    assert b in messages[5]
    assert "2" in messages[6] and "DH-01" in messages[6]
    assert "DH-OLD" in messages[7]
    assert "Tên dòng họ" in messages[8]
    assert households["b1"].code in messages[9] and "HH-KHONG-CO" in messages[9]
    assert "3" in messages[10]
    assert registry_counts() == before


def test_clans_are_written_with_their_member_households_and_reimport_changes_nothing(
    world, officer, households, django_capture_on_commit_callbacks
):
    data = sheet_bytes(CLAN_HEADER, clan_rows(world, households))
    job = run_import(data, officer, django_capture_on_commit_callbacks, kind="clans")
    assert (job.status, job.new_count, job.linked_count, job.existing_count) == (S.VALIDATED, 3, 3, 0)
    assert not Clan.objects.exists()

    job = commit(job, officer, django_capture_on_commit_callbacks)

    assert job.status == S.DONE
    clan = Clan.objects.get(code="DH-01")
    assert (clan.name, clan.unit, clan.representative, clan.address, clan.name_folded, clan.kind) == (
        "Dòng họ Nguyễn Đình",
        world.commune_a,
        "Nguyễn Đình Khang",
        "Thôn Đông",
        "dong ho nguyen dinh",
        "clan",
    )
    assert set(clan.households.all()) == {households["a1"], households["a2"]}
    assert Clan.objects.get(code="DH-03").households.count() == 0
    event = AuditEvent.objects.get(stream=f"import:{job.pk}")
    assert (event.event_type, event.scope, event.data["created"], event.data["linked"]) == (
        "registry.clans_imported",
        world.commune_a.path,
        3,
        3,
    )

    counts = registry_counts()
    again = run_import(data, officer, django_capture_on_commit_callbacks, kind="clans")
    assert (again.status, again.new_count, again.existing_count) == (S.VALIDATED, 0, 3)
    again = commit(again, officer, django_capture_on_commit_callbacks)
    assert again.status == S.DONE
    assert registry_counts()[:2] == counts[:2]
    assert AuditEvent.objects.get(stream=f"import:{again.pk}").data["created"] == 0


def test_an_officer_cannot_import_clans_into_another_commune(
    world, households, django_capture_on_commit_callbacks
):
    officer_b = make_user("commune_officer", world.commune_b, "canbo_xa_b")
    job = run_import(
        sheet_bytes(CLAN_HEADER, clan_rows(world, households)),
        officer_b,
        django_capture_on_commit_callbacks,
        kind="clans",
    )
    # neither commune A nor its households exist for commune B's officer
    assert problems(job) == [
        (2, "unknown_commune"),
        (2, "unknown_households"),
        (3, "unknown_commune"),
        (3, "unknown_households"),
        (4, "unknown_commune"),
    ]
    assert not Clan.objects.exists()
    for key in ("officer_a1", "supervisor_a", "chair_a", "inspector"):
        with pytest.raises(PermissionDenied):
            run_import(b"x", world.user(key), django_capture_on_commit_callbacks, kind="clans")


def org_rows(world):
    a = world.commune_a.code
    return [
        ["DV-01", "Trường Tiểu học Đại Sơn", a, "Trường học", 32, "Thôn Đông"],
        ["DV-02", "Hợp tác xã Nông nghiệp Đại Sơn", a, "HTX", "", ""],
        ["DV-03", "Trạm Y tế xã Đại Sơn", a, "cơ quan", "12", ""],
    ]


def test_an_organisation_file_with_bad_rows_reports_exactly_those_rows_and_commits_nothing(
    world, officer, django_capture_on_commit_callbacks
):
    household = make_household(world.village_a1)
    a = world.commune_a.code
    rows = [
        *org_rows(world),  # rows 2-4: good
        [
            "DV-04",
            "Công ty May Sơn Động",
            world.commune_b.code,
            "Doanh nghiệp",
            80,
            "",
        ],  # 5: outside the area
        ["DV-05", "Nhà văn hóa", a, "Câu lạc bộ", 3, ""],  # 6: unknown type
        ["DV-06", "Trường Mầm non", a, "Trường học", "ba mươi", ""],  # 7: not a number
        [household.code, "Ban Khuyến học", a, "Khác", 5, ""],  # 8: the code is a household's
        ["DV-02", "Chợ xã", a, "Khác", 4, ""],  # 9: code DV-02 again (row 3)
        ["DV-10", "Trường THCS Đại Sơn", "24-99999", "Trường học", 40, ""],  # 10: no such commune
    ]
    before = registry_counts()

    job = run_import(
        sheet_bytes(ORG_HEADER, rows, "csv"),
        officer,
        django_capture_on_commit_callbacks,
        kind="organisations",
        name="don-vi.csv",
    )

    assert job.status == S.INVALID
    assert problems(job) == [
        (5, "unknown_commune"),
        (6, "org_type"),
        (7, "member_count"),
        (8, "code_taken"),
        (9, "duplicate_code"),
        (10, "unknown_commune"),
    ]
    messages = {e["row"]: e["message"] for e in job.error_rows()}
    assert "Câu lạc bộ" in messages[6] and "Trường học" in messages[6]
    assert "ba mươi" in messages[7]
    assert registry_counts() == before


def test_organisations_are_written_and_reimport_is_idempotent(
    world, officer, django_capture_on_commit_callbacks
):
    data = sheet_bytes(ORG_HEADER, org_rows(world))
    job = commit(
        run_import(data, officer, django_capture_on_commit_callbacks, kind="organisations"),
        officer,
        django_capture_on_commit_callbacks,
    )
    assert (job.status, job.new_count) == (S.DONE, 3)
    assert sorted(Organisation.objects.values_list("code", "org_type", "member_count", "unit")) == [
        ("DV-01", "school", 32, world.commune_a.pk),
        ("DV-02", "cooperative", 0, world.commune_a.pk),
        ("DV-03", "agency", 12, world.commune_a.pk),
    ]
    assert Organisation.objects.get(code="DV-03").area_class == world.commune_a.area_class

    again = run_import(data, officer, django_capture_on_commit_callbacks, kind="organisations")
    assert (again.new_count, again.existing_count) == (0, 3)
    assert commit(again, officer, django_capture_on_commit_callbacks).status == S.DONE
    assert Organisation.objects.count() == 3


def test_a_code_registered_in_another_commune_is_not_taken_over(world, django_capture_on_commit_callbacks):
    """An administrator of the province imports a unit whose code commune B already uses for its own."""
    Organisation.objects.create(
        code="DV-01", name="Trường Tiểu học Sơn Động", unit=world.commune_b, org_type="school"
    )
    admin = make_user("administrator", world.province, "quantri_tinh")
    job = run_import(
        sheet_bytes(ORG_HEADER, org_rows(world)[:1]),
        admin,
        django_capture_on_commit_callbacks,
        kind="organisations",
    )
    assert problems(job) == [(2, "code_taken")]
