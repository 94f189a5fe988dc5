"""Writes of people management that span the registry and the workflow (the role services live in
workflows.engine.roles and registry.accounts)."""

from django.contrib.auth import get_user_model
from django.db import transaction

from registry.accounts import create_account

from ..engine.roles import hand_over_role


@transaction.atomic
def hand_over_to(assignment, *, phone: str, full_name: str, email: str, actor, reason: str):
    """Hand a role over to the person with this phone number, creating their account (without a password)
    when there is none; returns (the successor's assignment, whether the account is new)."""
    successor = get_user_model().objects.filter(username=phone).first()
    created = successor is None
    if created:
        successor = create_account(
            username=phone, full_name=full_name.strip(), email=email, actor=actor, source="hand-over"
        )
    new = hand_over_role(assignment, successor=successor, actor=actor, reason=reason)
    if created and email:
        from registry.tasks import send_activation_emails

        transaction.on_commit(lambda: send_activation_emails.delay([successor.pk]))
    return new, created
