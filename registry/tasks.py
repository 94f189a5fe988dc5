"""Celery entry points for the registry."""

from celery import shared_task

from .services import sync_expired_role_groups


@shared_task(ignore_result=True)
def sync_role_groups() -> int:
    """Nightly: drop guardian group memberships of role assignments that have expired."""
    return sync_expired_role_groups()
