"""The notification centre: own list only, open marks read, mute per kind, HTML mail, daily digest once."""

import pytest
from django.core import mail
from django.urls import reverse

from notifications import services
from notifications.models import EmailMute, Notification
from notifications.tasks import send_daily_digests


def _notify(user, kind="deadline_reminder", key="k1", url="/ho-so/1/", ref="GDHT-2026-01"):
    return services.notify(
        user,
        kind=kind,
        dedupe_key=key,
        context=_context(ref),
        url=url,
    )


def _context(ref):
    """What the deadline sweep passes its kinds."""
    return {"ref": ref, "subject": "Hộ Nguyễn Văn An", "step": "Thu thập minh chứng", "due_at": None}


@pytest.fixture
def officer(world):
    user = world.user("officer_a1")
    user.email = "officer@example.vn"
    user.save()
    return user


def test_a_user_sees_and_opens_only_their_own_notifications(
    client, world, officer, django_capture_on_commit_callbacks
):
    mine = _notify(officer, key="mine")
    theirs = _notify(world.user("officer_b1"), key="theirs")
    client.force_login(officer)
    page = client.get(reverse("notifications:list"))
    assert mine.title in page.content.decode()
    assert "GDHT-2026-99" not in page.content.decode()  # not the other user's
    assert client.post(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    opened = client.post(reverse("notifications:open", args=[mine.pk]))
    assert opened.status_code == 302 and opened.url == "/ho-so/1/"
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


def test_an_outside_link_is_never_followed(client, officer):
    evil = _notify(officer, key="evil", url="https://example.com/phish")
    client.force_login(officer)
    response = client.post(reverse("notifications:open", args=[evil.pk]))
    assert response.url == reverse("notifications:list")


def test_mark_all_read(client, world, officer):
    _notify(officer, key="a")
    _notify(officer, key="b")
    other = _notify(world.user("officer_b1"), key="c")
    client.force_login(officer)
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(user=officer, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_mail_is_plain_and_html_and_muting_a_kind_stops_it(
    client, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(officer, key="first")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "GDHT-2026-01" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Hộ Nguyễn Văn An" in html

    client.force_login(officer)
    client.post(reverse("notifications:preferences"), {"email": ["case_event"]})  # reminders unticked
    assert EmailMute.objects.filter(user=officer, kind="deadline_reminder").exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify(officer, key="second") is not None  # still in the app
    assert len(mail.outbox) == 1


def test_supervisors_get_one_daily_digest_not_a_mail_per_step(world, django_capture_on_commit_callbacks):
    supervisor = world.user("supervisor_a")
    supervisor.email = "giamsat@example.vn"
    supervisor.save()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            _notify(supervisor, kind="deadline_escalation", key=f"esc{n}", ref=f"GDHT-2026-0{n}")
    assert mail.outbox == []
    assert send_daily_digests() == 3
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["giamsat@example.vn"]
    assert all(f"GDHT-2026-0{n}" in mail.outbox[0].body for n in range(3))
    assert send_daily_digests() == 0  # already mailed
    assert len(mail.outbox) == 1


def _message(user, key, kind="deadline_reminder", ref="GDHT-2026-01"):
    return services.Message(user, kind, key, _context(ref), "/ho-so/1/")


def test_notify_many_delivers_each_key_once_and_mails_only_who_wants_it(
    world, officer, django_capture_on_commit_callbacks
):
    supervisor, muted = world.user("supervisor_a"), world.user("officer_a2")
    for user, address in ((supervisor, "giamsat@example.vn"), (muted, "muted@example.vn")):
        user.email = address
        user.save()
    EmailMute.objects.create(user=muted, kind="deadline_reminder")
    _notify(officer, key="old")  # delivered before
    batch = [
        _message(officer, "old"),
        _message(officer, "new", ref="GDHT-2026-02"),
        _message(officer, "new"),  # the same key twice in one batch
        _message(muted, "muted"),
        _message(supervisor, "esc", kind="deadline_escalation"),  # waits for the digest
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify_many(batch) == 3
    assert Notification.objects.count() == 4
    assert "GDHT-2026-02" in Notification.objects.get(dedupe_key="new").title
    assert [m.to for m in mail.outbox] == [["officer@example.vn"]]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify_many(batch) == 0
    assert Notification.objects.count() == 4 and len(mail.outbox) == 1


def test_notify_many_statements_do_not_grow_with_the_batch(world, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements(keys):
        with CaptureQueriesContext(connection) as queries:
            services.notify_many([_message(officer, key) for key in keys])
        return len(queries)

    # keys seen before; stage, copy and insert the new rows; the mutes of who gets mail; the e-mails' job row
    # (audit.jobs.enqueue: an update, then an insert)
    assert statements(["a", "b"]) == statements([f"k{n}" for n in range(60)]) <= 8
    assert Notification.objects.count() == 62
