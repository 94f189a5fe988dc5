"""Case list, case file and evidence download: parse, read through scoped selectors, respond."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from registry.models import Role, SubjectKind

from . import panels, selectors
from .conf import setting
from .events import event_label
from .forms import CaseFilterForm
from .pagination import CappedPaginator
from .services import record_personal_data_access


class CaseListView(LoginRequiredMixin, ListView):
    template_name = "cases/case_list.html"
    paginator_class = CappedPaginator
    context_object_name = "cases"

    def get_paginate_by(self, queryset):
        return setting("CASE_LIST_PAGE_SIZE")

    def get_queryset(self):
        self.filter_form = CaseFilterForm(self.request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        self.unit = None
        if filters.get("unit"):
            self.unit = selectors.filter_unit(filters["unit"])
            if self.unit is None:
                return selectors.cases_for(self.request.user).none()
        return selectors.cases_for(
            self.request.user,
            q=filters.get("q", ""),
            state=filters.get("state", ""),
            year=filters.get("year"),
            title=filters.get("title", ""),
            unit_path=self.unit.path if self.unit else "",
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filter_form"] = self.filter_form
        ctx["filter_unit"] = self.unit
        params = self.request.GET.copy()
        params.pop("page", None)
        ctx["query_string"] = params.urlencode()
        return ctx


class CaseDetailView(LoginRequiredMixin, DetailView):
    template_name = "cases/case_detail.html"
    context_object_name = "case"

    def get_object(self, queryset=None):
        return selectors.get_case_for(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        case = self.object
        ctx["evidence"] = selectors.evidence_for(case)
        ctx["score_sheet"] = selectors.score_sheet(case)
        ctx["timeline"] = _timeline(case)
        ctx["panels"] = panels.render_context(self.request, case)
        # members are personal data: listed on their own page, whose every view is logged
        ctx["is_household"] = case.subject.kind == SubjectKind.HOUSEHOLD
        return ctx


@login_required
@require_GET
def household_members(request, pk: int):
    """The household's members (names, birth years, relations); each view is a personal-data access event."""
    case = selectors.get_case_for(request.user, pk)
    if case.subject.kind != SubjectKind.HOUSEHOLD:
        raise Http404
    members = selectors.household_members(case)
    record_personal_data_access(request.user, case, "household_members")
    return render(request, "cases/household_members.html", {"case": case, "members": members})


def _timeline(case) -> list[dict]:
    """The case's audit events with translated labels and unit names (two queries)."""
    events = selectors.case_events(case)
    units = selectors.unit_names(e.actor_unit for e in events if e.actor_unit)
    roles = dict(Role.choices)
    return [
        {
            "event": e,
            "label": event_label(e.event_type),
            "role": roles.get(e.actor_role, e.actor_role),
            "unit": units.get(e.actor_unit, e.actor_unit),
        }
        for e in events
    ]


def serve_evidence(request, case, evidence, *, inline: bool, what: str):
    """Stream an evidence file of a case the user may see; every access is logged as personal-data access.

    Inline copies (previews) are sandboxed, so a PDF or an image can never run script in our origin.
    """
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    record_personal_data_access(request.user, case, what, evidence_id=evidence.pk, sha256=evidence.sha256)
    response = FileResponse(
        handle, as_attachment=not inline, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Personal data: never kept in a shared office browser's cache, where the next user could reopen it.
    response["Cache-Control"] = "private, no-store"
    if inline:
        response["Content-Security-Policy"] = "sandbox"
    return response


@login_required
def download_evidence(request, pk: int, evidence_pk: int):
    """Serve an evidence file as a download to users who may see its case."""
    case = selectors.get_case_for(request.user, pk)
    evidence = selectors.get_evidence_of(case, evidence_pk)
    return serve_evidence(request, case, evidence, inline=False, what="evidence")
