"""The inspector workspace: read-only pages over the audit log of the user's subtree.

Views parse, read through the scoped selectors and respond; the only writes are audit events recording the
exports (and, for administrators, starting a verification).
"""

import datetime
import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit.checkpoints import checkpoint_file_bytes
from audit.models import VerificationRun
from audit.runs import latest_run
from audit.tasks import verify_audit_log
from cases.pagination import CappedPaginator
from cases.selectors import unit_names
from criteria.authority import authority_for
from registry.models import Role

from . import exports, selectors, services
from .dossier import build_checked_dossier, dossier_name
from .forms import AuditSearchForm, SubjectLookupForm
from .history import replay
from .labels import ACCESS_LABELS, event_label
from .permissions import can_inspect, can_start_verification

SEARCH_PAGE_SIZE = 50
STREAMS_PAGE_SIZE = 25
ACCESS_PAGE_SIZE = 50


def inspector_required(view):
    """Signed-in users holding an inspector or administrator grant; everyone else gets 403."""

    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not can_inspect(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _page(request, queryset, size):
    paginator = CappedPaginator(queryset, size)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "paginator": paginator,
        "page_obj": page,
        "is_paginated": page.has_other_pages(),
        "query_string": params.urlencode(),
    }


def _describe(events) -> list[dict]:
    """Labels, role and unit names and, for case streams, the case reference (three queries in all)."""
    case_ids = {int(e.stream[5:]) for e in events if e.stream.startswith("case:") and e.stream[5:].isdigit()}
    refs = selectors.case_references(case_ids)
    units = unit_names(e.actor_unit for e in events if e.actor_unit)
    roles = dict(Role.choices)
    rows = []
    for e in events:
        case_id = int(e.stream[5:]) if e.stream.startswith("case:") and e.stream[5:].isdigit() else None
        rows.append(
            {
                "event": e,
                "label": event_label(e.event_type),
                "role": roles.get(e.actor_role, e.actor_role),
                "unit": units.get(e.actor_unit, e.actor_unit),
                "case_id": case_id if case_id in refs else None,
                # other streams (a subject's accesses, exports) name their case in the data
                "reference": refs.get(case_id) or str((e.data or {}).get("case", "")),
            }
        )
    return rows


@require_GET
@inspector_required
def search(request):
    form = AuditSearchForm(request.GET or None)
    context = {"form": form, "searched": form.is_bound}
    if form.is_bound and form.is_valid():
        queryset = selectors.search_events(request.user, **form.filters())
        context.update(_page(request, queryset, SEARCH_PAGE_SIZE))
        context["rows"] = _describe(list(context["page_obj"]))
        context["export_query"] = context["query_string"]
    return render(request, "inspection/search.html", context)


@require_GET
@inspector_required
def export(request, file_format: str):
    if file_format not in ("csv", "xlsx"):
        raise Http404
    form = AuditSearchForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("The search filters are not valid; correct them before exporting."))
        return redirect(f"{reverse('inspection:search')}?{request.GET.urlencode()}")
    queryset = selectors.search_events(request.user, **form.filters())
    count = queryset[: exports.EXPORT_CAP + 1].count()
    if count > exports.EXPORT_CAP:
        messages.error(
            request,
            _("The search finds more than %(cap)s events; narrow it (e.g. by date) before exporting.")
            % {"cap": f"{exports.EXPORT_CAP:,}".replace(",", ".")},
        )
        return redirect(f"{reverse('inspection:search')}?{request.GET.urlencode()}")
    services.record_search_export(
        request.user, filters=form.described(), row_count=count, file_format=file_format
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if file_format == "csv":
        response = StreamingHttpResponse(exports.csv_chunks(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="nhat-ky-{stamp}.csv"'
        return response
    return FileResponse(
        exports.xlsx_file(queryset),
        as_attachment=True,
        filename=f"nhat-ky-{stamp}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_GET
@inspector_required
def case_history(request, pk: int):
    case = selectors.get_inspected_case(request.user, pk)
    events = list(selectors.case_events(case))
    steps = replay(events, authority_for(case.title_type_id, case.unit_path))
    as_of = None
    if "as_of" in request.GET:
        try:
            seq = int(request.GET["as_of"])
        except ValueError:
            seq = None
        as_of = next((s for s in steps if s.event.seq == seq), None)
        if as_of is None:
            messages.error(request, _("This case has no event with that sequence number."))
    described = {row["event"].pk: row for row in _describe(events)}
    return render(
        request,
        "inspection/case_history.html",
        {
            "case": case,
            "steps": [(s, described[s.event.pk]) for s in steps],
            "as_of": as_of,
            "current": steps[-1].file if steps else None,
        },
    )


@require_GET
@inspector_required
def dossier(request, pk: int):
    case = selectors.get_inspected_case(request.user, pk)
    files = selectors.evidence_count(case)
    archive, checks = build_checked_dossier(case, exported_by=request.user)
    mismatches = {c.evidence.pk: c.status for c in checks if not c.ok}
    services.record_dossier_export(request.user, case, files=files, mismatches=mismatches)
    response = FileResponse(
        archive, as_attachment=True, filename=dossier_name(case), content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@inspector_required
def integrity(request):
    checkpoints = selectors.recent_checkpoints()
    latest = checkpoints[0] if checkpoints else None
    run = latest_run()
    context = {
        "latest": latest,
        "checkpoints": checkpoints,
        "run": run,
        "runs": selectors.recent_verification_runs(),
        "can_verify": can_start_verification(request.user),
        "consistency": (consistency := selectors.latest_consistency_run()),
        "consistency_problems": selectors.consistency_problems_for(request.user, consistency),
    }
    context.update(_page(request, selectors.inspected_cases_by_activity(request.user), STREAMS_PAGE_SIZE))
    page_cases = list(context["page_obj"])
    streams = [c.stream for c in page_cases]
    heads = selectors.stream_heads(streams)
    covered = {}
    if latest is not None:
        covered = selectors.checkpointed_seqs(request.user, streams, latest.cutoff)
    broken = {}
    if run is not None and not run.ok:
        for problem in run.problems:
            broken.setdefault(problem["stream"], problem)
    context["streams"] = [
        {
            "case": c,
            "head": heads.get(c.stream),
            "covered": covered.get(c.stream),
            "problem": broken.get(c.stream),
        }
        for c in page_cases
    ]
    context["log_problem"] = broken.get("")
    # whether the user may see which stream broke
    context["first_visible"] = run is not None and selectors.stream_visible(request.user, run.first_stream)
    return render(request, "inspection/integrity.html", context)


@require_GET
@inspector_required
def checkpoint_file(request, day: str):
    try:
        day = datetime.date.fromisoformat(day)
    except ValueError as exc:
        raise Http404 from exc
    checkpoint = selectors.checkpoint_on(day)
    response = HttpResponse(checkpoint_file_bytes(checkpoint), content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="audit-checkpoint-{checkpoint.day.isoformat()}.json"'
    )
    return response


@require_POST
@inspector_required
def verify_now(request):
    if not can_start_verification(request.user):
        raise PermissionDenied
    verify_audit_log.delay(VerificationRun.Trigger.MANUAL)
    messages.success(request, _("The verification has started; its result appears here when it is done."))
    return redirect("inspection:integrity")


@require_GET
@inspector_required
def access_log(request):
    form = SubjectLookupForm(request.GET or None)
    subjects = []
    if form.is_bound and form.is_valid():
        subjects = selectors.find_subjects(request.user, form.cleaned_data["q"])
    return render(request, "inspection/access_log.html", {"form": form, "subjects": subjects})


@require_GET
@inspector_required
def subject_access(request, pk: int):
    subject = selectors.get_inspected_subject(request.user, pk)
    context = {"subject": subject}
    context.update(_page(request, selectors.access_events(subject), ACCESS_PAGE_SIZE))
    rows = _describe(list(context["page_obj"]))
    for row in rows:
        what = (row["event"].data or {}).get("what", "")
        row["what"] = str(ACCESS_LABELS.get(what, what))
    context["rows"] = rows
    return render(request, "inspection/subject_access.html", context)
