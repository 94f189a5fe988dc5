"""Personal-data access: viewing members and downloading evidence are recorded; inspectors list them."""

from django.urls import reverse

from audit.models import AuditEvent


def _view_case_and_evidence(client, case, username):
    client.login(username=username, password="pw")
    assert client.get(reverse("cases:members", args=[case.pk])).status_code == 200
    evidence = case.evidence.first()
    response = client.get(reverse("cases:evidence", args=[case.pk, evidence.pk]))
    assert response.status_code == 200
    b"".join(response.streaming_content)


def test_inspector_lists_who_accessed_a_subject(client, world, revoked, other_commune_case):
    _view_case_and_evidence(client, revoked, "supervisor_a")
    events = AuditEvent.objects.filter(
        stream=f"subject:{revoked.subject_id}", event_type="personal_data.viewed"
    )
    assert {e.data["what"] for e in events} == {"household_members", "evidence"}
    assert all(e.scope == revoked.unit_path and e.actor_name == "supervisor_a" for e in events)

    client.login(username="inspector", password="pw")
    found = client.get(reverse("inspection:access_log"), {"q": "tran thi anh"}).content.decode()
    url = reverse("inspection:subject_access", args=[revoked.subject_id])
    assert url in found and "Hộ Trần Thị Ánh" in found and "Hộ Lê Văn Bình" not in found
    page = client.get(url).content.decode()
    assert page.count("supervisor_a") == 2
    assert "Xem danh sách thành viên hộ" in page and "Tải minh chứng" in page
    assert f"({revoked.reference})" in page  # the case each access was made through


def test_inspector_of_another_commune_cannot_list_the_subject(client, world, revoked, inspector_b):
    client.force_login(inspector_b)
    found = client.get(reverse("inspection:access_log"), {"q": "Trần Thị Ánh"}).content.decode()
    assert "Hộ Trần Thị Ánh" not in found and "Không có đối tượng nào" in found
    assert client.get(reverse("inspection:subject_access", args=[revoked.subject_id])).status_code == 404


def test_nobody_yet_is_said_plainly(client, world, other_commune_case):
    client.login(username="inspector", password="pw")
    page = client.get(reverse("inspection:subject_access", args=[other_commune_case.subject_id]))
    assert "Chưa ai truy cập" in page.content.decode()


def test_empty_lookup_is_a_field_error(client, world):
    client.login(username="inspector", password="pw")
    page = client.get(reverse("inspection:access_log"), {"q": ""}).content.decode()
    assert 'class="error"' in page
