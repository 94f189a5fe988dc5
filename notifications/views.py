"""The user's own notifications: list, open (marks read), mark all read, e-mail preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import kinds, selectors, services

PAGE_SIZE = 20


@login_required
@require_GET
def notification_list(request):
    page = Paginator(selectors.notifications_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page_obj": page, "paginator": page.paginator, "is_paginated": page.has_other_pages()},
    )


@login_required
@require_POST
def open_notification(request, pk: int):
    """Mark the notification read and go where it points (only to this site)."""
    notification = selectors.get_notification_for(request.user, pk)
    services.mark_read(notification, actor=request.user)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request):
    n = services.mark_all_read(request.user)
    messages.success(request, _("%(n)d notifications marked as read.") % {"n": n})
    return redirect("notifications:list")


@login_required
def preferences(request):
    """Which kinds of notification also come by e-mail."""
    registered = sorted(kinds.KINDS.values(), key=lambda k: str(k.label))
    if request.method == "POST":
        wanted = set(request.POST.getlist("email"))
        for kind in registered:
            services.set_muted(request.user, kind.code, kind.code not in wanted)
        messages.success(request, _("Your e-mail preferences were saved."))
        return redirect("notifications:preferences")
    muted = selectors.muted_kinds(request.user)
    rows = [{"kind": k, "email": k.code not in muted} for k in registered]
    return render(
        request, "notifications/preferences.html", {"rows": rows, "has_email": bool(request.user.email)}
    )
