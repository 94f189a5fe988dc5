"""Delivering notifications: in-app rows, then e-mail (mail.py), each at most once per dedupe key."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from audit.jobs import enqueue
from fastpath.bulk import insert_new_rows

from . import kinds
from .models import EmailMute, Notification


def notify(user, *, kind: str, dedupe_key: str, context: dict, url: str = "") -> Notification | None:
    """Create the user's notification from the kind's templates unless this key was delivered already.

    E-mail follows on commit, unless the user muted the kind or the kind waits for the daily digest.
    """
    with translation.override(settings.LANGUAGE_CODE):
        title, body = _render(kind, context)
    notification, created = Notification.objects.get_or_create(
        dedupe_key=dedupe_key[:150],
        defaults={"user": user, "kind": kind, "title": title, "body": body, "url": url},
    )
    if not created:
        return None
    if user.email and not kinds.is_digest(kind) and not is_muted(user, kind):
        # a recorded job: an SMTP server or broker that is down delays the e-mail, never loses it
        enqueue(f"email:{notification.pk}", "notifications.tasks.send_emails", [notification.dedupe_key])
    return notification


@dataclass(frozen=True)
class Message:
    """One notification for notify_many(); the fields mean what notify()'s arguments mean."""

    user: object
    kind: str
    dedupe_key: str
    context: dict
    url: str = ""


def notify_many(messages: list[Message]) -> int:
    """notify() for many messages in a few statements; returns how many notifications were created.

    Keys delivered before are skipped; the e-mails go to a Celery task on commit (one per batch), which
    sends each notification at most once (send_email locks it and checks emailed_at).
    """
    now = timezone.now()
    rows: dict[str, tuple] = {}  # key -> the row's values, in _COLUMNS order
    mail: list[tuple[object, str, str]] = []  # (user, kind, key) of the rows that may be mailed
    rendered: dict[tuple[str, int], tuple[str, str]] = {}  # messages sharing a context share their texts
    with translation.override(settings.LANGUAGE_CODE):
        for m in messages:
            key = m.dedupe_key[:150]
            if key in rows:
                continue
            texts = rendered.get((m.kind, id(m.context)))
            if texts is None:
                texts = rendered[m.kind, id(m.context)] = _render(m.kind, m.context)
            rows[key] = (m.user.pk, m.kind, *texts, m.url, key, now)
            if m.user.email and not kinds.is_digest(m.kind):
                mail.append((m.user, m.kind, key))
    # Keys delivered before, or concurrently, are skipped; only the new ones count and are mailed.
    created = insert_new_rows(Notification, _COLUMNS, list(rows.values()), key="dedupe_key")
    mail = [(user, kind, key) for user, kind, key in mail if key in created]
    muted = set(
        EmailMute.objects.filter(user__in={u for u, _k, _key in mail}, kind__in={k for _u, k, _key in mail})
        .values_list("user_id", "kind")
    ) if mail else set()  # fmt: skip
    mail_keys = [key for user, kind, key in mail if (user.pk, kind) not in muted]
    if mail_keys:
        digest = hashlib.sha256("\n".join(sorted(mail_keys)).encode()).hexdigest()
        enqueue(f"emails:{digest}", "notifications.tasks.send_emails", mail_keys)
    return len(created)


_COLUMNS = ("user_id", "kind", "title", "body", "url", "dedupe_key", "created_at")


def _render(kind: str, context: dict) -> tuple[str, str]:
    registered = kinds.KINDS.get(kind)
    if registered is not None and registered.render is not None:
        title, body = registered.render(context)
    else:
        title = render_to_string(f"notifications/{kind}_title.txt", context)
        body = render_to_string(f"notifications/{kind}_body.txt", context)
    return title.strip()[:200], body.strip()


def is_muted(user, kind: str) -> bool:
    return EmailMute.objects.filter(user=user, kind=kind).exists()


def mark_read(notification: Notification, *, actor) -> Notification:
    if notification.user_id != actor.pk:
        raise PermissionError("not the recipient")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(actor) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())


def set_muted(user, kind: str, muted: bool) -> None:
    if muted:
        EmailMute.objects.get_or_create(user=user, kind=kind)
    else:
        EmailMute.objects.filter(user=user, kind=kind).delete()
