"""Reads of the user's own notifications and e-mail preferences: nobody reads another user's."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import EmailMute, Notification


def notifications_for(user) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def get_notification_for(user, pk: int) -> Notification:
    """One of the user's notifications, or 404."""
    return get_object_or_404(Notification, pk=pk, user=user)


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def muted_kinds(user) -> set[str]:
    """The kinds of notification the user does not want by e-mail."""
    return set(EmailMute.objects.filter(user=user).values_list("kind", flat=True))
