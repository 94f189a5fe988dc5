"""Celery entry points for the registry."""

from celery import shared_task

from .services import derive_unit_permissions


@shared_task(ignore_result=True)
def sync_role_groups() -> int:
    """Nightly: re-derive guardian's unit permissions from the role assignments active on the new day (roles
    that started or ended by date join or leave their groups); returns how many differences were corrected."""
    return len(derive_unit_permissions())


@shared_task(ignore_result=True)
def send_activation_emails(user_ids: list[int]) -> int:
    """E-mail each new account its activation link (accounts already activated are skipped)."""
    from .accounts import send_activation_emails as send

    return send(user_ids)
