import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from registry.models import Household, Role
from reports.models import ImportJob
from tests.builders import make_user

from .sheets import CLAN_HEADER, HEADER, ORG_HEADER, household_rows, sheet_bytes, xlsx_bytes


@pytest.fixture
def officer_client(client, world):
    client.force_login(world.user("commune_officer_a"))
    return client


def post_file(client, data: bytes, capture, name="ho.xlsx"):
    with capture(execute=True):
        response = client.post(
            reverse("reports:import_upload", args=["ho-gia-dinh"]), {"file": SimpleUploadedFile(name, data)}
        )
    assert response.status_code == 302
    return client.get(response["Location"])


def test_templates_carry_the_vietnamese_header_row(officer_client):
    response = officer_client.get(reverse("reports:import_template", args=["ho-gia-dinh", "xlsx"]))
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    # the optional contact columns come last: files made from the older template still import
    full_header = [*HEADER, "Số điện thoại", "4 số cuối CCCD chủ hộ"]
    assert [c.value for c in sheet[1]] == full_header
    csv_text = officer_client.get(
        reverse("reports:import_template", args=["ho-gia-dinh", "csv"])
    ).content.decode("utf-8-sig")
    assert csv_text.strip() == ",".join(full_header)
    assert (
        officer_client.get(reverse("reports:import_template", args=["ho-gia-dinh", "pdf"])).status_code == 404
    )


def test_upload_shows_the_row_report_in_vietnamese_and_commit_writes(
    officer_client, world, django_capture_on_commit_callbacks
):
    rows = household_rows([world.village_a1.code], 3)
    rows[5][3] = "năm ngoái"
    response = post_file(officer_client, xlsx_bytes(rows), django_capture_on_commit_callbacks)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Có lỗi" in page  # status "Has errors"
    assert "<td>7</td>" in page and "năm ngoái" in page
    assert "Nhập 3 hộ" not in page

    rows[5][3] = 2003
    response = post_file(officer_client, xlsx_bytes(rows), django_capture_on_commit_callbacks)
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportJob.Status.VALIDATED
    assert "Nhập 3 hộ" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(reverse("reports:commit_job", args=[job.pk]))
    response = officer_client.get(reverse("reports:import_job", args=[job.pk]))
    assert "Đã nhập" in response.content.decode()
    assert Household.objects.filter(code__startswith="HK").count() == 3


def test_wrong_file_type_is_reported_on_the_job_page(officer_client, django_capture_on_commit_callbacks):
    response = post_file(
        officer_client, b"%PDF-1.4 not a sheet", django_capture_on_commit_callbacks, "a.xlsx"
    )
    assert "Tệp này không phải là bảng tính" in response.content.decode()


def test_empty_upload_is_refused_by_the_form(officer_client):
    response = officer_client.post(
        reverse("reports:import_upload", args=["ho-gia-dinh"]), {"file": SimpleUploadedFile("a.csv", b"")}
    )
    assert response.status_code == 200
    assert not ImportJob.objects.exists()
    assert "rỗng" in response.content.decode()


def test_running_job_page_refreshes_itself(officer_client, world):
    job = ImportJob.objects.create(
        kind="households",
        status=ImportJob.Status.COMMITTING,
        created_by=world.user("commune_officer_a"),
        created_at="2026-01-01T00:00:00Z",
        original_name="a.xlsx",
        sha256="0" * 64,
        new_count=200,
        processed=50,
    )
    page = officer_client.get(reverse("reports:import_job", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in page
    assert 'value="25"' in page


@pytest.mark.parametrize("key", ["officer_a1", "supervisor_a", "inspector"])
def test_non_importers_get_403(client, world, key):
    client.force_login(world.user(key))
    assert client.get(reverse("reports:import_upload", args=["ho-gia-dinh"])).status_code == 403
    assert client.get(reverse("reports:import_template", args=["ho-gia-dinh", "xlsx"])).status_code == 403


def test_other_users_cannot_see_or_commit_a_job(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.user("commune_officer_a"))
    post_file(
        client, xlsx_bytes(household_rows([world.village_a1.code], 1)), django_capture_on_commit_callbacks
    )
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.VALIDATED
    for key in ("supervisor_a", "auditor", "chair_a"):
        client.force_login(world.user(key))
        assert client.get(reverse("reports:import_job", args=[job.pk])).status_code == 404
        # these roles may not import at all: refused before the job is looked up
        assert client.post(reverse("reports:commit_job", args=[job.pk])).status_code == 403
    # another importer of the same commune does not find someone else's job
    client.force_login(make_user(Role.COMMUNE_OFFICER, world.commune_a, "canbo_xa_2"))
    assert client.get(reverse("reports:import_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("reports:commit_job", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED
    assert not Household.objects.filter(code__startswith="HK").exists()


def test_rows_for_villages_of_another_commune_are_errors(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.user("commune_officer_a"))
    response = post_file(
        client, xlsx_bytes(household_rows([world.village_b1.code], 1)), django_capture_on_commit_callbacks
    )
    assert f"Mã thôn {world.village_b1.code}" in response.content.decode()
    assert ImportJob.objects.get().status == ImportJob.Status.INVALID


@pytest.mark.parametrize(
    ("slug", "header"),
    [
        ("dong-ho", CLAN_HEADER),
        ("co-quan-don-vi", ORG_HEADER),
        ("dang-ky", ["Mã đối tượng", "Mã danh hiệu", "Năm đánh giá", "Tên đối tượng (để đối chiếu)"]),
    ],
)
def test_every_kind_has_templates_with_vietnamese_headers_and_a_guide(officer_client, slug, header):
    response = officer_client.get(reverse("reports:import_template", args=[slug, "xlsx"]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.worksheets[0][1]] == header
    guide = " ".join(str(c.value) for c in workbook.worksheets[1]["A"])
    assert "Không có dữ liệu nào được nhập khi còn dòng có lỗi" in guide
    csv_text = officer_client.get(reverse("reports:import_template", args=[slug, "csv"])).content.decode(
        "utf-8-sig"
    )
    assert csv_text.strip() == ",".join(f'"{h}"' if "," in h else h for h in header)


def test_the_import_index_offers_the_kinds_the_user_may_import(client, world):
    client.force_login(world.user("commune_officer_a"))
    page = client.get(reverse("reports:imports")).content.decode()
    for slug in ("ho-gia-dinh", "dong-ho", "co-quan-don-vi", "dang-ky"):
        assert reverse("reports:import_upload", args=[slug]) in page
    # an administrator imports registries but does not nominate
    client.force_login(make_user(Role.ADMINISTRATOR, world.province, "quantri_tinh"))
    page = client.get(reverse("reports:imports")).content.decode()
    assert reverse("reports:import_upload", args=["dong-ho"]) in page
    assert reverse("reports:import_upload", args=["dang-ky"]) not in page
    assert client.get(reverse("reports:import_upload", args=["dang-ky"])).status_code == 403
    assert client.get(reverse("reports:import_upload", args=["khong-co"])).status_code == 404
    client.force_login(world.user("supervisor_a"))
    assert client.get(reverse("reports:imports")).status_code == 403
    assert client.get(reverse("reports:import_upload", args=["khong-co"])).status_code == 403


def test_a_clan_upload_shows_its_own_summary_and_commit_button(
    officer_client, world, django_capture_on_commit_callbacks
):
    data = sheet_bytes(CLAN_HEADER, [["DH-01", "Dòng họ Lê", world.commune_a.code, "", "", ""]])
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("reports:import_upload", args=["dong-ho"]), {"file": SimpleUploadedFile("dh.xlsx", data)}
        )
    page = officer_client.get(response["Location"]).content.decode()
    assert "1 dòng họ mới" in page
    assert "Nhập 1 dòng họ" in page
