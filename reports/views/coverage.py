"""Coverage pages: a unit's children against targets, drill-down, the unrecognised list, the .xlsx report."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.models import RECOGNISED_FILTER, CaseState
from cases.pagination import CappedPaginator
from cases.pdf import render_pdf
from registry.models import UnitLevel

from .. import coverage as cov
from .. import dashboard, selectors
from ..exports import coverage_workbook
from ..forms import CoverageFilterForm
from ..permissions import can_import

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNRECOGNISED_PAGE_SIZE = 50


def _selection(request):
    form = CoverageFilterForm(request.GET or None)
    title, year = form.selection(timezone.localdate().year)
    if title is None:
        raise Http404
    return form, title, year


@login_required
def coverage_index(request):
    """Straight to the user's area when they have one; a choice when their grants cover several."""
    roots = cov.coverage_roots(request.user)
    if not roots:
        raise PermissionDenied
    if len(roots) == 1:
        url = reverse("reports:coverage", args=[roots[0].code])
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)
    return render(request, "reports/coverage_roots.html", {"roots": roots, "query": request.GET.urlencode()})


@login_required
def coverage_unit(request, code: str):
    unit = cov.unit_for(request.user, code)
    form, title, year = _selection(request)
    report, trend = dashboard.coverage_with_trend(unit, title=title, year=year)
    return render(
        request,
        "reports/coverage.html",
        {
            "form": form,
            "report": report,
            "unit": unit,
            "title": title,
            "year": year,
            "breadcrumbs": selectors.visible_ancestors(request.user, unit),
            "deadlines": cov.report_deadlines(year),
            "rows_are_villages": unit.level == UnitLevel.COMMUNE,
            "query": f"title={title.code}&year={year}",
            "can_import": can_import(request.user),
            "trend": dashboard.trend_chart(trend),
            "pipeline": dashboard.pipeline(report),
            "recognised_filter": RECOGNISED_FILTER,
        },
    )


@login_required
def unrecognised(request, code: str):
    """The subjects behind a coverage gap: not recognised this year, with their case if they have one."""
    unit = cov.unit_for(request.user, code)
    _form, title, year = _selection(request)
    subjects = cov.unrecognised_subjects(unit, title=title, year=year)
    paginator = CappedPaginator(subjects, UNRECOGNISED_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    labels = dict(CaseState.choices)
    for subject in page.object_list:
        subject.case_state_label = labels.get(subject.case_state, "")
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "reports/unrecognised.html",
        {
            "unit": unit,
            "title": title,
            "year": year,
            "page_obj": page,
            "paginator": paginator,
            "subjects": page.object_list,
            "is_paginated": page.has_other_pages(),
            "query_string": params.urlencode(),
            "breadcrumbs": selectors.visible_ancestors(request.user, unit),
        },
    )


def _annual_reports(request, code: str):
    unit = cov.unit_for(request.user, code)
    _form, _title, year = _selection(request)
    return unit, year, [cov.coverage(unit, title=t, year=year) for t in selectors.active_titles()]


@login_required
def coverage_export(request, code: str):
    """The annual report of the unit: a sheet per active title."""
    unit, year, reports = _annual_reports(request, code)
    response = HttpResponse(coverage_workbook(reports), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-do-phu-{unit.code}-{year}.xlsx"'
    return response


@login_required
def coverage_pdf(request, code: str):
    """The same annual report as an official document (PDF, Vietnamese administrative layout)."""
    unit, year, reports = _annual_reports(request, code)
    today = timezone.localdate()
    with translation.override("vi"):  # official documents are Vietnamese whatever the UI language
        place_date = _("%(place)s, day %(d)s month %(m)s year %(y)s") % {
            "place": unit.name,
            "d": f"{today.day:02d}",
            "m": f"{today.month:02d}",
            "y": today.year,
        }
    context = {"unit": unit, "year": year, "reports": reports, "issuer": unit.name, "place_date": place_date}
    pdf = render_pdf("reports/coverage_report_pdf.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bao-cao-do-phu-{unit.code}-{year}.pdf"'
    return response
