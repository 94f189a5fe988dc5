"""Reports pages: parse, call one service or selector, respond."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .. import services
from ..forms import ImportUploadForm
from ..imports.template import household_template_csv, household_template_xlsx
from ..models import ImportJob
from ..permissions import can_import

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ERRORS = 500


def _require_importer(user):
    if not can_import(user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def household_import(request):
    """Upload a household file; the page lists the user's recent imports."""
    _require_importer(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.start_household_import(form.cleaned_data["file"], actor=request.user)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("reports:import_job", pk=job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user).order_by("-created_at")[:10]
    return render(request, "reports/import_households.html", {"form": form, "jobs": jobs})


def _job_for(user, pk: int) -> ImportJob:
    """An import job is its importer's own; anyone else gets a 404."""
    job = ImportJob.objects.filter(pk=pk, created_by=user).first()
    if job is None:
        raise Http404
    return job


@login_required
def import_job(request, pk: int):
    job = _job_for(request.user, pk)
    return render(
        request,
        "reports/import_job.html",
        {
            "job": job,
            "error_rows": job.error_rows(limit=SHOWN_ERRORS),
            "errors_truncated": job.error_count > SHOWN_ERRORS,
            "shown_errors": SHOWN_ERRORS,
        },
    )


@login_required
@require_POST
def commit_job(request, pk: int):
    _require_importer(request.user)  # 403 to those who may not import at all, before any lookup
    job = _job_for(request.user, pk)
    try:
        services.request_commit(job, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("reports:import_job", pk=job.pk)


@login_required
def household_template(request, fmt: str):
    _require_importer(request.user)
    if fmt == "xlsx":
        body, content_type = household_template_xlsx(), XLSX_TYPE
    elif fmt == "csv":
        body, content_type = household_template_csv(), "text/csv; charset=utf-8"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-ho-gia-dinh.{fmt}"'
    return response
