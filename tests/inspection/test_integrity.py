"""The integrity page, checkpoint files, recorded verifications and the notification of a failed one."""

import json

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from audit.checkpoints import make_checkpoint
from audit.models import AuditEvent, VerificationRun
from audit.runs import run_verification
from audit.tasks import verify_audit_log
from audit.verify import verify_log
from notifications.models import Notification
from registry.models import Role
from tests.builders import make_user


def _tamper_reason(case, seq: int) -> None:
    """Alter one event as an owner of the database could (the trigger switched off meanwhile)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        cursor.execute(
            "UPDATE audit_auditevent SET reason = 'sửa' WHERE stream = %s AND seq = %s", [case.stream, seq]
        )
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")


def test_a_clean_nightly_run_is_recorded_and_notifies_nobody(
    world, revoked, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert verify_audit_log() is True
    run = VerificationRun.objects.get()
    assert run.ok and run.trigger == VerificationRun.Trigger.SCHEDULE and run.problem_count == 0
    assert run.events_checked == AuditEvent.objects.count()
    assert not Notification.objects.filter(kind="audit_verification_failed").exists()


def test_a_failed_run_notifies_inspectors_and_administrators_once(
    world, revoked, django_capture_on_commit_callbacks
):
    admin = make_user(Role.ADMINISTRATOR, world.province, "quantri")
    _tamper_reason(revoked, 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert verify_audit_log() is False
    run = VerificationRun.objects.get()
    assert not run.ok and (run.first_stream, run.first_seq) == (revoked.stream, 2)
    notified = set(
        Notification.objects.filter(kind="audit_verification_failed").values_list("user__username", flat=True)
    )
    assert notified == {"inspector", admin.username}
    body = Notification.objects.filter(kind="audit_verification_failed").first().body
    assert f"{revoked.stream} #2" in body and "Mắt xích hỏng đầu tiên" in body
    # the same run delivered again (a retried task) does not notify twice
    from audit.signals import verification_failed

    verification_failed.send(sender=VerificationRun, run=run)
    assert Notification.objects.filter(kind="audit_verification_failed").count() == 2


def test_integrity_page_shows_the_checkpoint_the_last_run_and_the_broken_stream(client, world, revoked):
    make_checkpoint(day=timezone.localdate(), cutoff=timezone.now())
    _tamper_reason(revoked, 3)
    run_verification(trigger=VerificationRun.Trigger.COMMAND)
    client.login(username="inspector", password="pw")
    page = client.get(reverse("inspection:integrity")).content.decode()
    assert 'data-ok="0"' in page and "BỊ PHÁ VỠ" in page
    assert f"{revoked.stream} #3" in page
    assert "hỏng tại #3" in page
    assert reverse("inspection:checkpoint_file", args=[timezone.localdate().isoformat()]) in page
    assert "Kiểm tra toàn bộ nhật ký ngay" not in page  # inspectors do not start verifications


def test_checkpoint_file_download_verifies_against_the_log(client, world, revoked, tmp_path):
    checkpoint = make_checkpoint(day=timezone.localdate(), cutoff=timezone.now())
    client.login(username="inspector", password="pw")
    response = client.get(reverse("inspection:checkpoint_file", args=[checkpoint.day.isoformat()]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["hash"] == checkpoint.hash
    assert verify_log(against=document).ok


@pytest.mark.parametrize("day", ["2020-01-01", "2026-13-45"])
def test_unknown_or_invalid_checkpoint_day_is_not_found(client, world, day):
    client.login(username="inspector", password="pw")
    assert client.get(reverse("inspection:checkpoint_file", args=[day])).status_code == 404


def test_an_administrator_can_start_a_verification(client, world, revoked):
    admin = make_user(Role.ADMINISTRATOR, world.province, "quantri")
    client.force_login(admin)
    page = client.get(reverse("inspection:integrity")).content.decode()
    assert "Kiểm tra toàn bộ nhật ký ngay" in page
    response = client.post(reverse("inspection:verify_now"), follow=True)
    run = VerificationRun.objects.get()
    assert run.trigger == VerificationRun.Trigger.MANUAL and run.ok
    assert "Toàn vẹn" in response.content.decode()


def test_verify_audit_command_records_its_run(world, revoked):
    from django.core.management import call_command

    call_command("verify_audit")
    assert VerificationRun.objects.get().trigger == VerificationRun.Trigger.COMMAND


def test_a_commune_inspector_sees_the_failure_but_not_which_stream_of_another_commune(
    client, world, revoked, inspector_b
):
    _tamper_reason(revoked, 2)
    run_verification(trigger=VerificationRun.Trigger.COMMAND)
    client.force_login(inspector_b)
    page = client.get(reverse("inspection:integrity")).content.decode()
    assert "BỊ PHÁ VỠ" in page
    assert revoked.stream not in page and revoked.reference not in page
    assert "một luồng ngoài phạm vi của bạn" in page
