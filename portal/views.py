"""The public pages: no sign-in, no officer's menu, small enough for a cheap phone on a slow connection."""

from django.conf import settings
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from audit.middleware import client_ip
from cases.services import record_public_access

from . import selectors, throttle
from .forms import StatusLookupForm


def _limits() -> dict:
    return settings.PUBLIC_LOOKUP


@never_cache
@require_http_methods(["GET", "POST"])
def status_lookup(request):
    """ "Where is my case?": a case number and its check digits show where the case stands. A wrong number
    and wrong digits get the same answer, and attempts are limited per address and per case number."""
    if request.method == "GET":
        return _page(request, StatusLookupForm())
    form = StatusLookupForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    limits = _limits()
    ip_key = f"portal:lookup:ip:{client_ip(request) or '-'}"
    ref_key = f"portal:lookup:ref:{form.cleaned_data['reference']}"
    wait = max(
        throttle.blocked_for(ip_key, limit=limits["PER_ADDRESS"], window=limits["WINDOW_SECONDS"]),
        throttle.blocked_for(
            ref_key, limit=limits["FAILURES_PER_CASE"], window=limits["CASE_WINDOW_SECONDS"]
        ),
    )
    if wait:
        minutes = max(1, (wait + 59) // 60)
        form.add_error(
            None,
            _("Too many lookups. Please try again in %(minutes)s minute(s).") % {"minutes": minutes},
        )
        return _page(request, _without_digits(form), status=429)
    throttle.count(ip_key, window=limits["WINDOW_SECONDS"])
    case = selectors.matching_case(form.cleaned_data["reference"], form.cleaned_data["check"])
    if case is None:
        throttle.count(ref_key, window=limits["CASE_WINDOW_SECONDS"])
        form.add_error(
            None,
            _(
                "No case matches this case number and these check digits. Check both against the "
                "registration receipt, or ask your village's study-promotion officer."
            ),
        )
        return _page(request, _without_digits(form))
    with transaction.atomic():
        record_public_access(case, "public_status")
    return _page(request, StatusLookupForm(), status_of=selectors.public_status(case))


def _without_digits(form: StatusLookupForm) -> StatusLookupForm:
    """The form shown again with the case number typed but never the check digits."""
    form.data = form.data.copy()
    form.data["check"] = ""
    return form


def _page(request, form, *, status: int = 200, status_of: dict | None = None):
    return render(request, "portal/status.html", {"form": form, "status_of": status_of}, status=status)
