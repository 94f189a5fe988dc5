"""Staff with their roles from spreadsheets: accounts created or matched, roles assigned through the role
service, one-time activation links, refusals that change nothing, the importer's area."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from registry import accounts
from registry.models import Role, RoleAssignment
from registry.services import derive_unit_permissions
from reports.models import ImportJob
from tests.builders import make_user

from .imports import commit, problems, run_import
from .sheets import sheet_bytes

S = ImportJob.Status
HEADER = ["Họ và tên", "Số điện thoại", "Thư điện tử", "Vai trò", "Mã đơn vị", "Từ ngày", "Đến ngày"]
KIND = "staff"
User = get_user_model()


def counts():
    return User.objects.count(), RoleAssignment.objects.count(), AuditEvent.objects.count()


def good_rows(world):
    return [
        [
            "Nguyễn Thị Lan",
            "0912 345 678",
            "lan@example.vn",
            "Cán bộ chi hội khuyến học",
            world.village_a1.code,
            "",
            "",
        ],
        [
            "Nguyễn Thị Lan",
            "+84912345678",
            "lan@example.vn",
            "Người chấm điểm",
            world.village_a2.code,
            "",
            "",
        ],
        ["Trần Văn Bình", "0987654321", "", "Trưởng thôn/Tổ trưởng", world.village_a2.code, "01/01/2026", ""],
        ["officer_a2's twin", "0900000002", "", "village_officer", world.village_a2.code, "", "31/12/2027"],
    ]


@pytest.fixture
def officer(world):
    return world.user("commune_officer_a")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_staff_are_created_with_their_roles_and_a_reimport_changes_nothing(
    world, officer, fmt, django_capture_on_commit_callbacks
):
    data = sheet_bytes(HEADER, good_rows(world), fmt)
    job = run_import(data, officer, django_capture_on_commit_callbacks, kind=KIND, name=f"can-bo.{fmt}")
    assert job.status == S.VALIDATED, job.errors
    assert (job.new_count, job.existing_count, job.linked_count) == (4, 0, 3)
    job = commit(job, officer, django_capture_on_commit_callbacks)
    assert job.status == S.DONE
    lan = User.objects.get(username="0912345678")
    assert lan.first_name == "Nguyễn Thị Lan" and lan.email == "lan@example.vn"
    assert not lan.has_usable_password()  # no default password: she sets her own
    assert set(RoleAssignment.objects.filter(user=lan).values_list("role", "unit__code")) == {
        (Role.VILLAGE_OFFICER, world.village_a1.code),
        (Role.ASSESSOR, world.village_a2.code),
    }
    binh = RoleAssignment.objects.get(user__username="0987654321")
    assert binh.valid_from == datetime.date(2026, 1, 1)
    assert RoleAssignment.objects.get(user__username="0900000002").valid_to == datetime.date(2027, 12, 31)
    assert AuditEvent.objects.filter(event_type="role.assigned", actor=officer).count() == 4
    # the role groups (django-guardian) follow the new assignments exactly, as assign_role keeps them
    assert len(derive_unit_permissions(apply=False)) == 0
    assert lan.has_perm("registry.collect_evidence", world.village_a1)
    assert AuditEvent.objects.filter(event_type="account.created").count() == 3
    # the one with an e-mail got her link by e-mail
    assert [m.to for m in mail.outbox] == [["lan@example.vn"]]
    assert "/kich-hoat/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(event_type="account.link_issued", stream=f"user:{lan.pk}").exists()

    before = counts()
    again = run_import(data, officer, django_capture_on_commit_callbacks, kind=KIND, name=f"can-bo.{fmt}")
    assert (again.status, again.new_count, again.existing_count) == (S.VALIDATED, 0, 4)
    assert commit(again, officer, django_capture_on_commit_callbacks).status == S.DONE
    assert counts()[:2] == before[:2]


def test_an_existing_account_is_matched_by_phone_or_email(world, officer, django_capture_on_commit_callbacks):
    by_phone = make_user(username="0911111111")
    by_email = User.objects.create_user(username="tranthimai", email="mai@example.vn", password="x-Long-pw-1")
    rows = [
        ["Lê Văn Sơn", "0911111111", "", "Người chấm điểm", world.village_a1.code, "", ""],
        ["Trần Thị Mai", "0922222222", "MAI@example.vn", "Người chấm điểm", world.village_a2.code, "", ""],
    ]
    job = commit(
        run_import(sheet_bytes(HEADER, rows), officer, django_capture_on_commit_callbacks, kind=KIND),
        officer,
        django_capture_on_commit_callbacks,
    )
    assert (job.status, job.linked_count) == (S.DONE, 0)
    assert RoleAssignment.objects.filter(user=by_phone, unit=world.village_a1, role=Role.ASSESSOR).exists()
    assert RoleAssignment.objects.filter(user=by_email, unit=world.village_a2, role=Role.ASSESSOR).exists()
    by_email.refresh_from_db()
    assert by_email.check_password("x-Long-pw-1")  # an existing account keeps its password


def test_bad_rows_are_refused_and_the_whole_file_changes_nothing(
    world, officer, django_capture_on_commit_callbacks
):
    a1, b1 = world.village_a1.code, world.village_b1.code
    rows = [
        ["Nguyễn Văn Tốt", "0933333333", "tot@example.vn", "Người chấm điểm", a1, "", ""],  # 2: good
        ["Người Lạ", "0944444444", "", "Người chấm điểm", "XA-KHONG-CO", "", ""],  # 3: unknown unit
        ["Người Lạ 2", "0955555555", "", "Chủ tịch UBND xã", a1, "", ""],  # 4: a village holds no chair
        ["Người Lạ 3", "0966666666", "", "Người chấm điểm", b1, "", ""],  # 5: commune B is not hers
        [
            "Nguyễn Văn Tốt",
            "0933333334",
            "tot@example.vn",
            "Trưởng thôn/Tổ trưởng",
            a1,
            "",
            "",
        ],  # 6: two phones
        ["Ai Đó", "123", "not-an-email", "Thợ mộc", a1, "32/01/2026", ""],  # 7: phone, e-mail, role, date
        ["Người Tốt 2", "0977777777", "", "Chủ tịch UBND xã", world.commune_a.code, "", ""],  # 8: not hers
    ]
    before = counts()
    job = run_import(sheet_bytes(HEADER, rows), officer, django_capture_on_commit_callbacks, kind=KIND)
    assert job.status == S.INVALID
    assert problems(job) == [
        (3, "unknown_unit"),
        (4, "role_level"),
        (5, "unknown_unit"),  # outside her area: as if it did not exist
        (6, "phone_conflict"),
        (7, "bad_phone"),
        (7, "bad_email"),
        (7, "unknown_role"),
        (7, "bad_date"),
        (8, "role_not_yours"),
    ]
    assert counts() == before and not mail.outbox


def test_the_province_administrator_imports_every_role(world, django_capture_on_commit_callbacks):
    admin = make_user(Role.ADMINISTRATOR, world.province)
    rows = [
        ["Phạm Văn Chủ", "0988888888", "", "Chủ tịch UBND xã", world.commune_b.code, "", ""],
        ["Phạm Văn Xã", "0988888889", "", "Cán bộ xã", world.commune_b.code, "", ""],
    ]
    job = commit(
        run_import(sheet_bytes(HEADER, rows), admin, django_capture_on_commit_callbacks, kind=KIND),
        admin,
        django_capture_on_commit_callbacks,
    )
    assert job.status == S.DONE
    assert RoleAssignment.objects.filter(unit=world.commune_b, role=Role.COMMUNE_CHAIR).count() == 1


def test_the_activation_link_works_once_and_expires(world, client):
    user = accounts.create_account(username="0999999999", full_name="Đỗ Thị Hoa", actor=None)
    path = accounts.activation_path(user)
    page = client.get(path)
    assert page.status_code == 200
    response = client.post(path, {"new_password1": "Hoa-mat-khau-2026", "new_password2": "Hoa-mat-khau-2026"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Hoa-mat-khau-2026")
    assert AuditEvent.objects.filter(stream=f"user:{user.pk}", event_type="account.activated").count() == 1
    # the same link a second time: refused, the password stays
    again = client.post(path, {"new_password1": "Khac-mat-khau-99", "new_password2": "Khac-mat-khau-99"})
    assert again.status_code == 200 and "đã được dùng" in again.content.decode()
    user.refresh_from_db()
    assert user.check_password("Hoa-mat-khau-2026")

    other = accounts.create_account(username="0999999998", full_name="Vũ Văn Nam", actor=None)
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(days=15)):
        old_path = accounts.activation_path(other)
    token = old_path.rstrip("/").rsplit("/", 1)[1]
    with pytest.raises(ValidationError):
        accounts.activate_account(other, token, password="Nam-mat-khau-2026")
    other.refresh_from_db()
    assert not other.has_usable_password()
    assert client.get(old_path).status_code == 200  # the page says the link has expired, no form
