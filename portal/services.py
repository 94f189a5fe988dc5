"""Signing in with a one-time code sent to the phone a household gave: codes expire, are single-use, and are
limited per phone number, per address, and in wrong attempts."""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import EventSpec, record_events
from notifications.sms import channel
from registry.households import normal_phone
from registry.models import Household

from . import throttle
from .models import SignInCode


class Throttled(Exception):
    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.minutes = max(1, (seconds + 59) // 60)


def _options() -> dict:
    return settings.PUBLIC_SIGN_IN


def _hash(phone: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def send_code(phone: str, *, ip: str | None, registered: bool) -> None:
    """Send a new code to `phone` (already normalised) if a household gave it; Throttled when too many codes
    went to the number or were asked from the address. The caller answers the same whether or not the
    number is registered, so the page does not tell who is."""
    options = _options()
    window = options["WINDOW_SECONDS"]
    keys = (
        (f"portal:code:phone:{phone}", options["CODES_PER_PHONE"]),
        (f"portal:code:ip:{ip or '-'}", options["CODES_PER_ADDRESS"]),
    )
    wait = max(throttle.blocked_for(key, limit=limit, window=window) for key, limit in keys)
    if wait:
        raise Throttled(wait)
    for key, _limit in keys:
        throttle.count(key, window=window)
    if not registered:
        return
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        SignInCode.objects.filter(phone=phone, used_at__isnull=True).update(used_at=timezone.now())
        SignInCode.objects.create(
            phone=phone,
            code_hash=_hash(phone, code),
            expires_at=timezone.now() + datetime.timedelta(minutes=options["CODE_MINUTES"]),
        )
    text = _("Your code to follow your application: %(code)s. It is valid for %(minutes)s minutes.") % {
        "code": code,
        "minutes": options["CODE_MINUTES"],
    }
    channel().send(phone, text)


@transaction.atomic
def check_code(phone: str, code: str) -> bool:
    """True, once, for the latest unexpired code sent to `phone`; each wrong attempt counts, and after
    MAX_ATTEMPTS the code is spent."""
    phone = normal_phone(phone)
    row = (
        SignInCode.objects.select_for_update()
        .filter(phone=phone, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
    if row is None:
        return False
    if hmac.compare_digest(row.code_hash, _hash(phone, code)):
        row.used_at = timezone.now()
        row.save(update_fields=["used_at"])
        return True
    row.attempts += 1
    if row.attempts >= _options()["MAX_ATTEMPTS"]:
        row.used_at = timezone.now()
    row.save(update_fields=["attempts", "used_at"])
    return False


@transaction.atomic
def set_texts(phone: str, *, wanted: bool) -> int:
    """The households that gave this phone receive text messages about their cases, or not; one audit event
    on each household whose choice changed. Returns how many changed."""
    households = list(
        Household.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(phone=phone, texts_opt_out=wanted)
    )
    if not households:
        return 0
    Household.objects.filter(pk__in=[h.pk for h in households]).update(texts_opt_out=not wanted)
    record_events(
        [
            EventSpec(
                stream=f"subject:{h.pk}",
                event_type="subject.texts_chosen",
                data={"texts": wanted, "by": "household"},
                scope=h.unit.path,
            )
            for h in households
        ]
    )
    return len(households)
