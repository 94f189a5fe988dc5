"""Celery entry points of notifications."""

from celery import shared_task
from django.contrib.auth import get_user_model

from . import kinds
from .mail import send_digest, send_email
from .models import Notification


@shared_task(ignore_result=True)
def send_daily_digests() -> int:
    """One e-mail per user with unmailed digest-kind notifications (beat: every morning)."""
    digest_kinds = [code for code, kind in kinds.KINDS.items() if kind.digest]
    users = get_user_model().objects.filter(
        pk__in=Notification.objects.filter(kind__in=digest_kinds, emailed_at__isnull=True).values("user")
    )
    return sum(send_digest(user) for user in users)


@shared_task(ignore_result=True)
def send_emails(dedupe_keys: list[str]) -> int:
    """Mail the notifications with these keys that are not mailed yet (notify_many's e-mails)."""
    unsent = Notification.objects.filter(dedupe_key__in=dedupe_keys, emailed_at__isnull=True)
    ids = list(unsent.order_by("pk").values_list("pk", flat=True))
    return sum(send_email(pk) for pk in ids)
