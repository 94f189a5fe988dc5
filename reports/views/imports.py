"""Import pages: parse, call one service, respond. One set of pages serves every import kind."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import selectors, services
from ..forms import ImportUploadForm
from ..imports.kinds import BY_SLUG, kinds_for
from ..imports.template import template_csv, template_xlsx
from ..permissions import can_import

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ERRORS = 500
RECENT_JOBS = 10


def _kind_for(user, slug: str):
    """The import kind named in the URL, if the user may import it (403) and it exists (404)."""
    kind = BY_SLUG.get(slug)
    if kind is None:
        if not can_import(user):
            raise PermissionDenied
        raise Http404
    if not kind.allows(user):
        raise PermissionDenied
    return kind


@login_required
@require_GET
def import_index(request):
    """The kinds the user may import, each with its template and upload page, and their recent imports."""
    kinds = kinds_for(request.user)
    if not kinds:
        raise PermissionDenied
    jobs = selectors.import_jobs_for(request.user)[:RECENT_JOBS]
    return render(request, "reports/import_index.html", {"kinds": kinds, "jobs": jobs})


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, kind: str):
    """Upload a file of one kind; the page lists the user's recent imports of that kind."""
    kind = _kind_for(request.user, kind)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.start_import(form.cleaned_data["file"], kind=kind.key, actor=request.user)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("reports:import_job", pk=job.pk)
    jobs = selectors.import_jobs_for(request.user, kind=kind.key)
    return render(
        request,
        "reports/import_upload.html",
        {"form": form, "kind": kind, "kinds": kinds_for(request.user), "jobs": jobs[:RECENT_JOBS]},
    )


@login_required
@require_GET
def import_job(request, pk: int):
    job = selectors.get_import_job_for(request.user, pk)
    return render(
        request,
        "reports/import_job.html",
        {
            "job": job,
            "kind": job.import_kind,
            "error_rows": job.error_rows(limit=SHOWN_ERRORS),
            "errors_truncated": job.error_count > SHOWN_ERRORS,
            "shown_errors": SHOWN_ERRORS,
        },
    )


@login_required
@require_POST
def commit_job(request, pk: int):
    if not can_import(request.user):
        raise PermissionDenied  # to those who may not import at all, before any lookup
    job = selectors.get_import_job_for(request.user, pk)
    try:
        services.request_commit(job, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("reports:import_job", pk=job.pk)


@login_required
@require_GET
def import_template(request, kind: str, fmt: str):
    kind = _kind_for(request.user, kind)
    if fmt == "xlsx":
        body, content_type = template_xlsx(kind), XLSX_TYPE
    elif fmt == "csv":
        body, content_type = template_csv(kind), "text/csv; charset=utf-8"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{kind.file_stem}.{fmt}"'
    return response
