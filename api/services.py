"""Issuing and revoking API tokens: each is one audit event on the holder's stream."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from cases.exceptions import CaseActionError

from .models import ApiToken

PREFIX_LENGTH = 8


def hash_key(raw: str) -> str:
    """The stored form of a token: its SHA-256 (a token is 256 random bits, so no slow hash is needed)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def _audit(token: ApiToken, event_type: str, *, actor) -> None:
    record_event(
        f"user:{token.user_id}",
        event_type,
        actor=actor,
        data={"token": token.pk, "name": token.name, "prefix": token.prefix},
    )


@transaction.atomic
def issue_token(user, *, name: str, actor) -> tuple[ApiToken, str]:
    """A new token for `user`; the raw token is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the token after the system that will use it.")})
    if not user.is_active:
        raise ValidationError({"user": _("This account is disabled; it cannot hold a token.")})
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=raw[:PREFIX_LENGTH], key_hash=hash_key(raw), created_by=actor
    )
    _audit(token, "api_token.issued", actor=actor)
    return token, raw


@transaction.atomic
def revoke_token(token: ApiToken, *, actor) -> ApiToken:
    """Revoke a token: from now on every request with it is refused."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise CaseActionError(_("This token was already revoked."))
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    _audit(token, "api_token.revoked", actor=actor)
    return token


def token_for_key(raw: str) -> ApiToken | None:
    """The active token with this key, with its user, or None."""
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_key(raw), revoked_at__isnull=True)
        .first()
    )


def touch_token(token: ApiToken) -> None:
    """Note when the token was last used (at most once a minute: not a write per request)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
