"""People management pages: thin views over workflows.people (selectors, forms, services)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.pagination import CappedPaginator
from registry import accounts
from registry.models import AdministrativeUnit
from registry.permissions import can_manage_role

from ..engine.roles import end_role, stranded_steps
from . import selectors
from .forms import EndRoleForm, EndRoleWarnedForm, HandOverForm, PeopleFilterForm, ResetAccessForm
from .services import hand_over_to

PAGE_SIZE = 50


def _manager(request):
    if not selectors.manages_people(request.user):
        raise PermissionDenied(_("This page is for supervisors, commune officers and administrators."))


def _unit(request, code: str) -> AdministrativeUnit | None:
    if not code:
        return None
    unit = selectors.units_for(request.user).filter(code=code).first()
    if unit is None:
        raise Http404(_("No such unit in your area."))
    return unit


def _assignment(request, pk: int, *, manage: bool = True):
    assignment = selectors.assignment_for(request.user, pk)
    if assignment is None:
        raise Http404(_("No such role in your area."))
    if manage and not can_manage_role(request.user, assignment.role, assignment.unit):
        raise PermissionDenied(_("You cannot manage this role."))
    return assignment


def _refuse(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
@require_GET
def people(request):
    _manager(request)
    form = PeopleFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    unit = _unit(request, data.get("unit", ""))
    holders = selectors.role_holders(request.user, unit=unit, q=data.get("q", ""), role=data.get("role", ""))
    page = CappedPaginator(holders, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "workflows/people.html",
        {
            "form": form,
            "unit": unit,
            "rows": selectors.decorate(request.user, page.object_list),
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.has_other_pages(),
            "query_string": params.urlencode(),
            "units": selectors.units_for(request.user, villages=False)[:500],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def end(request, pk: int):
    _manager(request)
    assignment = _assignment(request, pk)
    stranded = stranded_steps(assignment)
    form = (EndRoleWarnedForm if stranded else EndRoleForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            end_role(
                assignment,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["on"],
                acknowledged=form.cleaned_data.get("acknowledged", False),
            )
        except ValidationError as exc:
            _refuse(form, exc)
        else:
            messages.success(
                request,
                _("The role of %(name)s has ended; their claimed steps there are back in the queue.")
                % {"name": assignment.user.first_name or assignment.user.username},
            )
            return redirect("workflows:people")
    return render(
        request,
        "workflows/people_action.html",
        {"assignment": assignment, "form": form, "action": "end", "stranded": stranded},
    )


@login_required
@require_http_methods(["GET", "POST"])
def hand_over(request, pk: int):
    _manager(request)
    assignment = _assignment(request, pk)
    form = HandOverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new, created = hand_over_to(
                assignment,
                phone=data["phone"],
                full_name=data.get("full_name", ""),
                email=data.get("email", ""),
                actor=request.user,
                reason=data["reason"],
            )
        except ValidationError as exc:
            _refuse(form, exc)
        else:
            messages.success(
                request,
                _("%(role)s on %(unit)s handed over to %(name)s, with the steps in hand.")
                % {
                    "role": new.get_role_display(),
                    "unit": new.unit.name,
                    "name": new.user.first_name or new.user,
                },
            )
            if created and not new.user.email:
                return render(
                    request,
                    "workflows/people_link.html",
                    {
                        "person": new.user,
                        "assignment": new,
                        "link": request.build_absolute_uri(accounts.activation_path(new.user)),
                    },
                )
            return redirect("workflows:people")
    return render(
        request,
        "workflows/people_action.html",
        {"assignment": assignment, "form": form, "action": "hand_over"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def reset(request, pk: int):
    _manager(request)
    assignment = _assignment(request, pk)
    form = ResetAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = accounts.reset_access(
                assignment.user,
                actor=request.user,
                unit=assignment.unit,
                role=assignment.role,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _refuse(form, exc)
        else:
            accounts.record_links_issued([person], actor=request.user, how="reset")
            link = request.build_absolute_uri(accounts.activation_path(person))
            return render(
                request,
                "workflows/people_link.html",
                {"person": person, "assignment": assignment, "link": link},
            )
    return render(
        request, "workflows/people_action.html", {"assignment": assignment, "form": form, "action": "reset"}
    )


@login_required
@require_GET
def activation_sheet(request):
    """The printable sheet: each account not yet activated in the reader's units, with its link."""
    _manager(request)
    form = PeopleFilterForm(request.GET or None)
    unit = _unit(request, form.cleaned_data.get("unit", "") if form.is_valid() else "")
    groups = selectors.awaiting_activation(request.user, unit=unit)
    people = {a.user.pk: a.user for _c, rows in groups for a in rows}
    links = {pk: request.build_absolute_uri(accounts.activation_path(user)) for pk, user in people.items()}
    accounts.record_links_issued(list(people.values()), actor=request.user, how="sheet")
    for _commune, rows in groups:
        for a in rows:
            a.link = links[a.user_id]
    return render(
        request,
        "workflows/people_sheet.html",
        {"groups": groups, "unit": unit, "days": accounts.activation_days()},
    )


@require_http_methods(["GET", "POST"])
def activate(request, uidb64: str, token: str):
    """Public: the person sets their own password through their one-time link."""
    user = accounts.user_for_link(uidb64)
    valid = accounts.link_is_valid(user, token)
    form = SetPasswordForm(user, request.POST or None) if valid else None
    if valid and request.method == "POST" and form.is_valid():
        try:
            accounts.activate_account(user, token, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your password is set. Sign in with your phone number and it."))
            return redirect("login")
    return render(request, "registration/activate.html", {"form": form, "person": user if valid else None})


urlpatterns = [
    path("can-bo/", people, name="people"),
    path("can-bo/<int:pk>/ket-thuc/", end, name="people_end"),
    path("can-bo/<int:pk>/ban-giao/", hand_over, name="people_hand_over"),
    path("can-bo/<int:pk>/cap-lai/", reset, name="people_reset"),
    path("can-bo/phieu-kich-hoat/", activation_sheet, name="people_sheet"),
]
