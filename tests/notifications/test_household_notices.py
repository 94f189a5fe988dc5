"""A household hears of its case by text message on the phone it gave: registered, more evidence needed,
recognised or refused (with the reason); once per event, logged, and never after it asked for no messages."""

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from cases import services
from cases.models import CaseState
from notifications.models import HouseholdNotice
from registry.models import Household
from tests.builders import advance, gdht, make_household

SENT: list[tuple[str, str]] = []


class RecordingChannel:
    def send(self, phone, text):
        SENT.append((phone, text))


class BrokenChannel:
    def send(self, phone, text):
        from notifications.sms import DeliveryFailed

        raise DeliveryFailed("gateway down")


@pytest.fixture(autouse=True)
def _channel(settings):
    settings.PUBLIC_SIGN_IN = {
        **settings.PUBLIC_SIGN_IN,
        "CHANNEL": "tests.notifications.test_household_notices.RecordingChannel",
    }
    SENT.clear()


def household(world, phone="0912345678", **extra):
    h = make_household(world.village_a1)
    Household.objects.filter(pk=h.pk).update(phone=phone, **extra)
    return Household.objects.get(pk=h.pk)


def nominate(world, h, capture):
    with capture(execute=True):
        return services.nominate_case(h, title_type=gdht(), year=2026, actor=world.user("officer_a1"))


def test_registration_is_told_once_with_the_way_to_follow_the_case(world, django_capture_on_commit_callbacks):
    case = nominate(world, household(world), django_capture_on_commit_callbacks)
    assert len(SENT) == 1
    phone, text = SENT[0]
    assert phone == "0912345678"
    with translation.override("vi"):
        assert case.reference in text and "/tra-cuu/" in text
    notice = HouseholdNotice.objects.get()
    assert (notice.case_reference, notice.event_type, notice.status) == (
        case.reference,
        "case.nominated",
        "sent",
    )
    # the same event again (a retried task) sends nothing more
    from cases.tasks import notify_case_event

    event = AuditEvent.objects.get(stream=case.stream, event_type="case.nominated")
    assert notify_case_event(event.pk) == 0
    assert len(SENT) == 1 and HouseholdNotice.objects.count() == 1


def test_a_return_for_more_evidence_is_told(world, django_capture_on_commit_callbacks):
    case = advance(
        world, nominate(world, household(world), django_capture_on_commit_callbacks), CaseState.SCORED
    )
    SENT.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.return_for_rework(case, actor=world.user("assessor_a1"), reason="Thiếu ảnh góc học tập")
    assert [n.event_type for n in HouseholdNotice.objects.order_by("pk")][-1] == "case.returned"
    assert len(SENT) == 1 and case.reference in SENT[0][1]


def test_a_household_that_asked_for_no_messages_gets_none_and_the_notice_says_so(
    world, django_capture_on_commit_callbacks
):
    nominate(world, household(world, texts_opt_out=True), django_capture_on_commit_callbacks)
    assert SENT == []
    assert HouseholdNotice.objects.get().status == HouseholdNotice.Status.OPTED_OUT


def test_a_household_without_a_phone_is_not_texted(world, django_capture_on_commit_callbacks):
    nominate(world, household(world, phone=""), django_capture_on_commit_callbacks)
    assert SENT == [] and not HouseholdNotice.objects.exists()


def test_a_failed_delivery_is_logged_as_such(world, settings, django_capture_on_commit_callbacks):
    settings.PUBLIC_SIGN_IN = {
        **settings.PUBLIC_SIGN_IN,
        "CHANNEL": "tests.notifications.test_household_notices.BrokenChannel",
    }
    nominate(world, household(world), django_capture_on_commit_callbacks)
    notice = HouseholdNotice.objects.get()
    assert notice.status == HouseholdNotice.Status.FAILED and "gateway down" in notice.error


def test_the_household_chooses_on_its_page_and_the_choice_is_audited(
    world, client, django_capture_on_commit_callbacks
):
    h = household(world)
    nominate(world, h, django_capture_on_commit_callbacks)
    session = client.session
    session["portal_phone"] = "0912345678"
    session.save()
    page = client.get(reverse("portal:my_cases"))
    assert [n.event_type for n in page.context["notices"]] == ["case.nominated"]
    assert page.context["texts_wanted"] is True

    client.post(reverse("portal:texts"), {})
    assert Household.objects.get(pk=h.pk).texts_opt_out is True
    event = AuditEvent.objects.get(stream=f"subject:{h.pk}", event_type="subject.texts_chosen")
    assert event.data == {"texts": False, "by": "household"}
    client.post(reverse("portal:texts"), {"texts": "on"})
    assert Household.objects.get(pk=h.pk).texts_opt_out is False


def test_choosing_needs_a_signed_in_household(client, world):
    h = household(world)
    assert client.post(reverse("portal:texts"), {}).url == reverse("portal:sign_in")
    assert Household.objects.get(pk=h.pk).texts_opt_out is False
