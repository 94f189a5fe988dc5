"""The household's own pages: sign in with a code sent to its phone, then see its own cases, and only them."""

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from audit.middleware import client_ip
from cases.services import record_public_access
from notifications.sms import DeliveryFailed

from . import selectors, services
from .forms import CodeForm, PhoneForm

PENDING = "portal_pending_phone"
SIGNED_IN = "portal_phone"


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    form = PhoneForm(request.POST or None)
    status = 400 if form.is_bound and not form.is_valid() else 200
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            services.send_code(phone, ip=client_ip(request), registered=selectors.phone_registered(phone))
        except services.Throttled as exc:
            status = 429
            form.add_error(
                None,
                _("Too many codes were asked for. Please try again in %(minutes)s minute(s).")
                % {"minutes": exc.minutes},
            )
        except DeliveryFailed:
            status = 503
            form.add_error(None, _("The code could not be sent just now. Please try again in a few minutes."))
        else:
            request.session[PENDING] = phone
            return redirect("portal:code")
    return render(request, "portal/sign_in.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def enter_code(request):
    phone = request.session.get(PENDING)
    if not phone:
        return redirect("portal:sign_in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.check_code(phone, form.cleaned_data["code"]):
            request.session.cycle_key()
            request.session.pop(PENDING, None)
            request.session[SIGNED_IN] = phone
            request.session.set_expiry(settings.PUBLIC_SIGN_IN["SESSION_MINUTES"] * 60)
            return redirect("portal:my_cases")
        form.add_error(
            "code", _("This code is wrong, expired or already used. Check it, or ask for a new code.")
        )
    return render(
        request,
        "portal/code.html",
        {"form": form, "phone_end": phone[-3:]},
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET"])
def my_cases(request):
    phone = request.session.get(SIGNED_IN)
    if not phone:
        return redirect("portal:sign_in")
    cases = selectors.own_cases(phone)
    with transaction.atomic():
        for case in cases:
            record_public_access(case, "public_own_cases")
    rows = [selectors.public_status(case) for case in cases]
    context = {
        "rows": rows,
        "texts_wanted": selectors.texts_wanted(phone),
        "notices": selectors.notices(phone),
    }
    return render(request, "portal/my_cases.html", context)


@require_POST
def texts(request):
    """The household chooses whether it receives text messages about its cases."""
    phone = request.session.get(SIGNED_IN)
    if not phone:
        return redirect("portal:sign_in")
    wanted = request.POST.get("texts") == "on"
    services.set_texts(phone, wanted=wanted)
    if wanted:
        messages.info(request, _("You will receive text messages about your applications."))
    else:
        messages.info(
            request,
            _("You will no longer receive text messages; you can still follow your applications here."),
        )
    return redirect("portal:my_cases")


@require_POST
def sign_out(request):
    request.session.flush()
    messages.info(request, _("You have signed out."))
    return redirect("portal:status")
