"""The go-live checklist page (province administrator): thin over reports.golive."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from .. import golive


class YearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100, required=False)


class ConfirmForm(YearForm):
    item = forms.ChoiceField(choices=[(c, c) for c in golive.CONFIRMABLE])


def _year(form) -> int:
    return (form.cleaned_data.get("year") if form.is_valid() else None) or timezone.localdate().year


@login_required
@require_GET
def checklist(request):
    if not golive.may_see_checklist(request.user):
        raise PermissionDenied(_("This page is for the province administrator."))
    form = YearForm(request.GET or None)
    year = _year(form)
    lines = golive.checklist(year)
    return render(
        request,
        "reports/golive.html",
        {"form": form, "year": year, "lines": lines, "ready": all(line.ok for line in lines)},
    )


@login_required
@require_POST
def confirm(request):
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing to confirm."))
        return redirect("reports:golive")
    year = _year(form)
    try:
        golive.confirm(form.cleaned_data["item"], year=year, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Confirmed for %(year)s.") % {"year": year})
    return redirect(f"{reverse('reports:golive')}?year={year}")
