"""Delivering notifications: in-app rows, then e-mail, each at most once per dedupe key."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification


def notify(user, *, kind: str, dedupe_key: str, context: dict, url: str = "") -> Notification | None:
    """Create the user's notification from the kind's templates unless this key was delivered already."""
    with translation.override(settings.LANGUAGE_CODE):
        title = render_to_string(f"notifications/{kind}_title.txt", context).strip()
        body = render_to_string(f"notifications/{kind}_body.txt", context).strip()
    notification, created = Notification.objects.get_or_create(
        dedupe_key=dedupe_key[:150],
        defaults={"user": user, "kind": kind, "title": title[:200], "body": body, "url": url},
    )
    if not created:
        return None
    if user.email:
        transaction.on_commit(lambda: send_email(notification.pk))
    return notification


def send_email(notification_id: int) -> bool:
    """Send the notification by e-mail once; returns False when it was already sent."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().select_related("user").get(pk=notification_id)
        if notification.emailed_at is not None:
            return False
        send_mail(notification.title, notification.body, None, [notification.user.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def mark_read(notification: Notification, *, actor) -> Notification:
    if notification.user_id != actor.pk:
        raise PermissionError("not the recipient")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
