"""E-mail of notifications: one notification, or a user's daily digest, each mailed at most once.

Called by services (on commit) and by the Celery tasks; it imports neither.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import kinds
from .models import Notification
from .selectors import muted_kinds


def _mail(user, subject: str, items: list[Notification]) -> None:
    """One e-mail, plain text and HTML, listing the notifications with links to the site."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {"user": user, "subject": subject, "items": items, "site_url": settings.SITE_URL}
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
    message = EmailMultiAlternatives(subject, text, None, [user.email])
    message.attach_alternative(html, "text/html")
    message.send()


def send_email(notification_id: int) -> bool:
    """Send the notification by e-mail once; returns False when it was already sent."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().select_related("user").get(pk=notification_id)
        if notification.emailed_at is not None:
            return False
        _mail(notification.user, notification.title, [notification])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def send_digest(user) -> int:
    """Mail the user, in one message, the digest-kind notifications not mailed yet; returns how many.

    The rows are locked and marked in the same transaction as the sending, so two digests never repeat one.
    """
    digest_kinds = [code for code, kind in kinds.KINDS.items() if kind.digest]
    muted = muted_kinds(user)
    wanted = [k for k in digest_kinds if k not in muted]
    if not user.email or not wanted:
        return 0
    with transaction.atomic():
        items = list(
            Notification.objects.select_for_update()
            .filter(user=user, kind__in=wanted, emailed_at__isnull=True)
            .order_by("created_at", "pk")
        )
        if not items:
            return 0
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Daily summary: %(n)d items need your attention") % {"n": len(items)}
        _mail(user, subject, items)
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=timezone.now())
    return len(items)
