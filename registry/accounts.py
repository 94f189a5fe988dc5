"""Staff accounts: created or matched by phone number, activated by a one-time link that makes the person set
their own password (no shared or default passwords), and reset by a new link.

The link carries Django's password-reset kind of token under its own salt: it is bound to the account's
password hash and last login, so it stops working once used (the password changes) or when a newer reset
makes the account's password unusable again, and it expires after ACTIVATION_LINK_DAYS."""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from audit.services import EventSpec, record_event, record_events

from .permissions import can_manage_role
from .selectors import forget_grants

PHONE = re.compile(r"^0\d{9}$")


def normalise_phone(raw: str) -> str:
    """A Vietnamese phone number as written on a form ("+84 912.345.678", "0912 345 678") → "0912345678";
    anything else is returned as typed, for the caller's check (is_phone) to refuse."""
    digits = re.sub(r"[\s.\-()]", "", raw or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def is_phone(value: str) -> bool:
    return bool(PHONE.match(value))


def activation_days() -> int:
    return int(getattr(settings, "ACTIVATION_LINK_DAYS", 14))


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "registry.accounts.ActivationTokenGenerator"

    def check_token(self, user, token) -> bool:
        """As Django's, with the activation link's own lifetime instead of PASSWORD_RESET_TIMEOUT."""
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        return self._num_seconds(self._now()) - ts <= activation_days() * 86400


activation_tokens = ActivationTokenGenerator()


def activation_path(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("activate", args=[uid, activation_tokens.make_token(user)])


def activation_url(user) -> str:
    return f"{settings.SITE_URL}{activation_path(user)}"


def is_activated(user) -> bool:
    return user.has_usable_password()


def user_for_link(uidb64: str) -> object | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        return None
    return get_user_model().objects.filter(pk=pk, is_active=True).first()


def link_is_valid(user, token: str) -> bool:
    return user is not None and activation_tokens.check_token(user, token)


def create_account(*, username: str, full_name: str, email: str = "", actor, source: str = ""):
    """A new staff account without any password: its holder sets one through an activation link."""
    user = get_user_model()(username=username, first_name=full_name[:150], email=email)
    user.set_unusable_password()
    user.save()
    record_event(
        f"user:{user.pk}",
        "account.created",
        actor=actor,
        data={"username": username, "email": email, "source": source},
    )
    return user


def record_links_issued(users, *, actor, how: str) -> None:
    """One `account.link_issued` event per account whose activation link was sent or printed."""
    record_events(
        [
            EventSpec(
                f"user:{u.pk}",
                "account.link_issued",
                actor=actor,
                data={"how": how, "days": activation_days()},
            )
            for u in users
        ]
    )


@transaction.atomic
def activate_account(user, token: str, *, password: str):
    """The person sets their own password through their link; the link then stops working."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if not activation_tokens.check_token(user, token):
        raise ValidationError(_("This activation link has been used already or has expired."))
    validate_password(password, user)
    first = not user.has_usable_password() and user.last_login is None
    user.set_password(password)
    user.save(update_fields=["password"])
    record_event(f"user:{user.pk}", "account.activated", actor=user, data={"first_time": first})
    return user


@transaction.atomic
def reset_access(user, *, actor, unit, role: str, reason: str):
    """Close an account's current password and every link issued before; a new activation link (made for
    the account returned, as it now is) lets its holder set a new one. The actor must manage `role` on `unit`,
    a role the user holds there."""
    if not can_manage_role(actor, role, unit):
        raise PermissionDenied(_("You cannot manage this role."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("A reason is required.")})
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    forget_grants(user)
    record_event(
        f"user:{user.pk}",
        "account.access_reset",
        actor=actor,
        reason=reason,
        scope=unit.path,
        data={"role": role, "unit": unit.code},
    )
    return user


def send_activation_emails(user_ids) -> int:
    """Mail each not-yet-activated account with an e-mail address its link; one audit event each."""
    from django.core.mail import send_mail
    from django.utils import translation

    users = [
        u
        for u in get_user_model().objects.filter(pk__in=list(user_ids), is_active=True).exclude(email="")
        if not is_activated(u)
    ]
    with translation.override(settings.LANGUAGE_CODE):
        for user in users:
            send_mail(
                _("Your account for the lifelong-learning titles"),
                _(
                    "Hello %(name)s,\n\nAn account has been created for you (sign-in name: %(username)s). "
                    "Open this link to set your own password; it works once and for %(days)s days:"
                    "\n\n%(url)s\n"
                )
                % {
                    "name": user.first_name or user.username,
                    "username": user.username,
                    "days": activation_days(),
                    "url": activation_url(user),
                },
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
    record_links_issued(users, actor=None, how="email")
    return len(users)


@transaction.atomic
def create_accounts(people: list[tuple[str, str, str]], *, actor, source: str = "") -> list:
    """create_account() for many: (username, full name, e-mail) each; one `account.created` event each."""
    model = get_user_model()
    users = []
    for username, full_name, email in people:
        user = model(username=username, first_name=full_name[:150], email=email)
        user.set_unusable_password()
        users.append(user)
    model.objects.bulk_create(users, batch_size=1000)
    if users and users[0].pk is None:  # back ends that return no keys from a bulk insert
        by_name = dict(
            model.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk")
        )
        for user in users:
            user.pk = by_name[user.username]
    record_events(
        EventSpec(
            f"user:{u.pk}",
            "account.created",
            actor=actor,
            data={"username": u.username, "email": u.email, "source": source},
        )
        for u in users
    )
    return users
