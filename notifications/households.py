"""Telling a household about its case by text message: registered, evidence asked for, recognised or refused
(with the reason), recognition revoked. Each notice is logged once per case event, sent or not."""

from django.db import IntegrityError, transaction

from registry.models import Household

from .models import HouseholdNotice
from .sms import DeliveryFailed, channel


def notify_household(household: Household, *, reference: str, event_type: str, text: str, dedupe_key: str):
    """Send `text` to the household's phone unless it has none or asked for no messages; None when this
    event was already handled (a retried task) or there is no phone."""
    if not household.phone:
        return None
    if HouseholdNotice.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    status, error = HouseholdNotice.Status.SENT, ""
    if household.texts_opt_out:
        status = HouseholdNotice.Status.OPTED_OUT
    else:
        try:
            channel().send(household.phone, text)
        except DeliveryFailed as exc:
            status, error = HouseholdNotice.Status.FAILED, str(exc)[:255]
    try:
        with transaction.atomic():
            return HouseholdNotice.objects.create(
                household=household,
                case_reference=reference,
                event_type=event_type,
                dedupe_key=dedupe_key,
                phone=household.phone,
                text=text,
                status=status,
                error=error,
            )
    except IntegrityError:  # the same event handled meanwhile by another worker
        return None
