"""The supervisor workspace: the subtree at a glance, stalled steps, workload per officer, reassignment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cases.exceptions import CaseActionError
from cases.models import CaseState
from cases.pagination import CappedPaginator
from cases.params import ascii_int, ascii_ints

from .. import deadlines
from . import selectors as supervision
from .reassign import reassign_tasks

PAGE_SIZE = 25


def _root(request):
    if not supervision.supervised_paths(request.user):
        raise PermissionDenied(_("This workspace is for supervisors."))
    return supervision.unit_for(request.user, request.GET.get("unit"))


def _year(request) -> int | None:
    year = ascii_int(request.GET.get("year", ""), max_digits=4)
    return year if year is not None and 2000 <= year <= 2100 else None


def _ancestry(user, unit):
    """The breadcrumb from the supervisor's granted unit down to `unit`."""
    roots = set(supervision.supervised_paths(user))
    chain = [unit]
    while chain[-1].path not in roots and chain[-1].parent_id:
        chain.append(chain[-1].parent)
    return list(reversed(chain))


@login_required
@require_GET
def overview(request):
    root = _root(request)
    year = _year(request) or timezone.localdate().year
    rows = supervision.overview(root, year)
    return render(
        request,
        "workflows/supervise_overview.html",
        {
            "root": root,
            "year": year,
            "rows": rows,
            "total": supervision.totals(rows),
            "states": CaseState.choices,
            "crumbs": _ancestry(request.user, root),
            "roots": supervision.supervised_roots(request.user),
        },
    )


@login_required
@require_GET
def stalled(request):
    root = _root(request)
    page = CappedPaginator(supervision.stalled_steps(root), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "workflows/supervise_stalled.html",
        {
            "root": root,
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.has_other_pages(),
            "query_string": params.urlencode(),
        },
    )


@login_required
@require_GET
def workload(request):
    root = _root(request)
    return render(
        request,
        "workflows/supervise_workload.html",
        {"root": root, "rows": supervision.workload(root), "unclaimed": supervision.unclaimed(root)},
    )


@login_required
@require_GET
def campaign(request):
    root = _root(request)
    year = _year(request) or timezone.localdate().year
    today = timezone.localdate()
    rows = [(m, m.days_left(today)) for m in supervision.campaign(root, year, today)]
    return render(request, "workflows/supervise_campaign.html", {"root": root, "year": year, "rows": rows})


@login_required
def officer_steps(request, user_pk: int):
    root = _root(request)
    officer = supervision.get_officer(user_pk)
    tasks = supervision.officer_open_tasks(root, officer)
    candidates = list(supervision.reassignment_candidates(root, officer))
    errors, selected = [], []
    if request.method == "POST":
        selected = ascii_ints(request.POST.getlist("task"), limit=len(tasks) + 1)
        target = next((u for u in candidates if str(u.pk) == request.POST.get("to_user", "")), None)
        allowed = {t.pk for t in tasks}
        if target is None:
            errors.append(_("Choose who takes the steps over."))
        elif not set(selected) <= allowed:
            errors.append(_("Some of the selected steps are not held by this officer here."))
        else:
            try:
                moved = reassign_tasks(
                    selected, to_user=target, actor=request.user, reason=request.POST.get("reason", "")
                )
            except CaseActionError as exc:
                errors.append(exc.message)
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                messages.success(
                    request,
                    ngettext("%(n)d step given to %(user)s.", "%(n)d steps given to %(user)s.", len(moved))
                    % {"n": len(moved), "user": target.get_username()},
                )
                return redirect(f"{reverse('workflows:supervise_workload')}?unit={root.code}")
    return render(
        request,
        "workflows/supervise_officer.html",
        {
            "root": root,
            "officer": officer,
            "tasks": tasks,
            "candidates": candidates,
            "errors": errors,
            "posted": request.POST if request.method == "POST" else None,
            "selected": set(selected),
        },
    )


@login_required
@require_POST
def pause_clock(request, task_pk: int):
    task = supervision.clock_task_for(request.user, task_pk)
    try:
        deadlines.pause_clock(task, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The deadline is paused."))
    return redirect("cases:detail", pk=task.case_id)


@login_required
@require_POST
def resume_clock(request, task_pk: int):
    task = supervision.clock_task_for(request.user, task_pk)
    try:
        task = deadlines.resume_clock(task, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The deadline runs again; the step is now due on %(date)s.") % {"date": _day(task.due_at)},
        )
    return redirect("cases:detail", pk=task.case_id)


def _day(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y")


urlpatterns = [
    path("tam-dung-thoi-han/<int:task_pk>/", pause_clock, name="pause_clock"),
    path("tiep-tuc-thoi-han/<int:task_pk>/", resume_clock, name="resume_clock"),
    path("giam-sat/", overview, name="supervise"),
    path("giam-sat/ton-dong/", stalled, name="supervise_stalled"),
    path("giam-sat/lich/", campaign, name="supervise_campaign"),
    path("giam-sat/can-bo/", workload, name="supervise_workload"),
    path("giam-sat/can-bo/<int:user_pk>/", officer_steps, name="supervise_officer"),
]
