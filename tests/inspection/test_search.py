"""Audit search over the inspector's subtree, its exports (each an audit event) and its scoping."""

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from audit.services import record_event
from audit.verify import verify_log
from inspection.selectors import search_events
from registry.models import Role, RoleAssignment
from tests.builders import make_user


def test_province_inspector_finds_the_revocation_by_event_type(client, world, revoked, other_commune_case):
    client.login(username="inspector", password="pw")
    response = client.get(reverse("inspection:search"), {"event_type": "case.revoked"})
    page = response.content.decode()
    assert response.status_code == 200
    assert revoked.reference in page and other_commune_case.reference not in page
    assert reverse("inspection:case_history", args=[revoked.pk]) in page


def test_every_filter_narrows_the_search(world, revoked, other_commune_case):
    inspector = world.user("inspector")
    total = search_events(inspector).count()
    by_case = search_events(inspector, reference=revoked.reference)
    assert by_case.count() == AuditEvent.objects.filter(stream=revoked.stream).count() > 5 and {
        e.stream for e in by_case
    } == {revoked.stream}
    by_subject = search_events(inspector, subject="tran thi anh")  # without diacritics
    assert revoked.stream in {e.stream for e in by_subject}
    assert {e.stream for e in by_subject} <= {revoked.stream, f"subject:{revoked.subject_id}"}
    by_actor = search_events(inspector, actor="auditor")
    assert {e.event_type for e in by_actor} == {"case.revoked"}
    by_unit = search_events(inspector, unit=world.village_b1.code)
    assert by_unit.exists() and all(e.scope.startswith(world.village_b1.path) for e in by_unit)
    assert search_events(inspector, unit="khong-co").count() == 0
    first = by_case.last().occurred_at
    import datetime

    tomorrow = first.date() + datetime.timedelta(days=2)
    assert search_events(inspector, date_from=tomorrow).count() == 0
    assert search_events(inspector, date_to=tomorrow).count() == total


def test_commune_inspector_sees_only_their_subtree(client, world, revoked, other_commune_case, inspector_b):
    events = search_events(inspector_b)
    assert events.exists()
    assert all(e.scope.startswith(world.commune_b.path) for e in events)
    assert not search_events(inspector_b, reference=revoked.reference).exists()
    client.force_login(inspector_b)
    page = client.get(reverse("inspection:search"), {"reference": revoked.reference}).content.decode()
    assert reverse("inspection:case_history", args=[revoked.pk]) not in page and "0 sự kiện" in page
    assert client.get(reverse("inspection:case_history", args=[revoked.pk])).status_code == 404
    assert client.get(reverse("inspection:dossier", args=[revoked.pk])).status_code == 404


def test_configuration_events_only_for_province_wide_inspectors(world, inspector_b):
    record_event("config:criteria_set:GDHT", "criteria_set.revised", data={"to_version": 2})
    assert search_events(world.user("inspector"), event_type="criteria_set.revised").count() == 1
    assert search_events(inspector_b, event_type="criteria_set.revised").count() == 0


def test_role_events_of_a_unit_are_seen_by_its_inspectors(world, inspector_b):
    make_user(Role.VILLAGE_OFFICER, world.village_b1, "moi_b1")
    make_user(Role.VILLAGE_OFFICER, world.village_a2, "moi_a2")
    streams = {e.stream for e in search_events(inspector_b, event_type="role.assigned")}
    in_b = RoleAssignment.objects.filter(unit__path__startswith=world.commune_b.path).values_list(
        "user_id", flat=True
    )
    assert streams == {f"user:{pk}" for pk in in_b}
    assert "user:{}".format(User.objects.get(username="moi_a2").pk) not in streams
    assert all(
        e.scope.startswith(world.commune_b.path)
        for e in search_events(inspector_b, event_type="role.assigned")
    )


@pytest.mark.parametrize("username", ["officer_a1", "supervisor_a", "auditor"])
def test_other_roles_cannot_open_the_workspace(client, world, username):
    client.login(username=username, password="pw")
    for name in ("inspection:search", "inspection:integrity", "inspection:access_log"):
        assert client.get(reverse(name)).status_code == 403


def test_anonymous_is_sent_to_the_login(client, world):
    response = client.get(reverse("inspection:search"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_bad_dates_are_reported_next_to_the_field(client, world):
    client.login(username="inspector", password="pw")
    page = client.get(
        reverse("inspection:search"), {"date_from": "31/02/2026", "date_to": "x"}
    ).content.decode()
    assert page.count('class="error"') == 2
    page = client.get(
        reverse("inspection:search"), {"date_from": "10/06/2026", "date_to": "01/06/2026"}
    ).content
    assert "trước ngày bắt đầu" in page.decode()


def test_csv_export_has_a_bom_vietnamese_text_and_is_an_audit_event(
    client, world, revoked, other_commune_case
):
    client.login(username="inspector", password="pw")
    response = client.get(reverse("inspection:export", args=["csv"]), {"reference": revoked.reference})
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    n = AuditEvent.objects.filter(stream=revoked.stream).count()
    assert rows[0][0] == "Thời gian" and len(rows) == 1 + n
    assert any("Hậu kiểm phát hiện sai lệch" in r for r in rows)
    assert all(r[1] == revoked.stream for r in rows[1:])
    event = AuditEvent.objects.get(event_type="audit.search_exported")
    assert event.actor.username == "inspector"
    assert event.data == {"format": "csv", "filters": {"reference": revoked.reference}, "rows": n}
    assert verify_log().ok


def test_xlsx_export_holds_the_rows(client, world, revoked):
    client.login(username="inspector", password="pw")
    response = client.get(reverse("inspection:export", args=["xlsx"]), {"event_type": "case.revoked"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.values)
    assert len(values) == 2 and values[1][1] == revoked.stream and values[1][4] == "Bị thu hồi công nhận"
    assert AuditEvent.objects.get(event_type="audit.search_exported").data["rows"] == 1


def test_too_large_an_export_is_refused_with_a_message(client, world, revoked, monkeypatch):
    from inspection import exports

    monkeypatch.setattr(exports, "EXPORT_CAP", 3)
    client.login(username="inspector", password="pw")
    response = client.get(
        reverse("inspection:export", args=["csv"]), {"reference": revoked.reference}, follow=True
    )
    assert "thu hẹp" in response.content.decode()
    assert not AuditEvent.objects.filter(event_type="audit.search_exported").exists()


def test_unknown_export_format_is_not_found(client, world):
    client.login(username="inspector", password="pw")
    assert client.get(reverse("inspection:export", args=["pdf"])).status_code == 404


def test_search_page_query_count_does_not_grow_with_the_rows(
    client, world, revoked, django_assert_max_num_queries
):
    client.login(username="inspector", password="pw")
    client.get(reverse("inspection:search"), {"event_type": ""})
    with django_assert_max_num_queries(12):
        client.get(reverse("inspection:search"), {"date_from": "01/01/2020"})
