"""Village review meetings: open one from a list of scored cases, record results and comments, close it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.decorators import acting_role_required
from cases.exceptions import CaseActionError
from cases.models import Case, CaseState

from .. import selectors, services
from ..forms import CommentForm, SessionForm
from ..models import SessionEntry
from ..permissions import can_close_session, can_prepare_session
from ._common import (
    ENTRIES_PAGE_SIZE,
    LIST_PAGE_SIZE,
    attachment,
    attempt,
    back_to_page,
    case_ids,
    paged,
    report,
)


@login_required
@require_GET
def session_list(request):
    context = paged(request, selectors.sessions_for(request.user), LIST_PAGE_SIZE)
    return render(request, "approvals/session_list.html", {**context, "sessions": context["page_obj"]})


def _village_of_request(request):
    """The village the new meeting is for: from the chosen cases, or chosen on the page."""
    villages = selectors.session_villages(request.user)
    ids = case_ids(request)
    if ids:
        unit_id = Case.objects.filter(pk=ids[0]).values_list("unit_id", flat=True).first()
    else:
        raw = request.GET.get("village") or request.POST.get("village") or ""
        unit_id = int(raw) if raw.isdigit() else None
    return villages.filter(pk=unit_id).first() if unit_id else None, villages


@login_required
@acting_role_required
@require_http_methods(["GET", "POST"])
def session_new(request):
    village, villages = _village_of_request(request)
    if village is None:
        return render(request, "approvals/session_pick_village.html", {"villages": villages})
    candidates = selectors.candidate_cases(request.user, state=CaseState.SCORED, unit=village)
    if request.method == "GET":
        form = SessionForm(candidates=candidates, initial={"cases": case_ids(request)})
    else:
        form = SessionForm(request.POST, candidates=candidates)
        if form.is_valid():
            data = form.cleaned_data
            chosen = list(data["cases"])
            try:
                session = services.open_session(
                    village,
                    title_type=chosen[0].title_type,
                    year=chosen[0].year,
                    meeting_date=data["meeting_date"],
                    location=data["location"],
                    chair=data["chair"],
                    secretary=data["secretary"],
                    attendees=data["attendees"],
                    posting_days=data["posting_days"],
                    cases=chosen,
                    actor=request.user,
                )
            except (CaseActionError, ValidationError) as exc:
                report(request, exc)
            else:
                messages.success(
                    request, _("The review meeting was opened with %(n)s cases.") % {"n": len(chosen)}
                )
                return redirect("approvals:session", pk=session.pk)
    return render(request, "approvals/session_new.html", {"form": form, "village": village})


def _detail(request, session, *, comment_form=None, page=None):
    """The meeting and one page of its list (the comment form offers that page's cases)."""
    context = paged(request, selectors.session_entries(session), ENTRIES_PAGE_SIZE, page)
    entries = list(context["page_obj"])
    user = request.user
    return render(
        request,
        "approvals/session_detail.html",
        {
            **context,
            "session": session,
            "entries": entries,
            "counts": selectors.session_counts(session),
            "may_edit": session.is_open and can_prepare_session(user, session.village),
            "may_close": session.is_open and can_close_session(user, session),
            "posting_open": bool(session.posting_ends and timezone.localdate() < session.posting_ends),
            "comment_form": comment_form or CommentForm(entries=entries),
        },
    )


@login_required
@require_GET
def session_detail(request, pk: int):
    return _detail(request, selectors.get_session_for(request.user, pk))


@login_required
@acting_role_required
@require_POST
def session_results(request, pk: int):
    """The meeting's result per case, from one form over the whole list."""
    session = selectors.get_session_for(request.user, pk)
    results = {}
    for entry_id in SessionEntry.objects.filter(session=session).values_list("pk", flat=True):
        if f"result-{entry_id}" not in request.POST:
            continue  # only the rows the form sent change
        choice = request.POST[f"result-{entry_id}"]
        proposed = {"yes": True, "no": False}.get(choice)
        results[entry_id] = (proposed, request.POST.get(f"reason-{entry_id}", ""))
    attempt(
        request,
        lambda: services.record_results(session, results=results, actor=request.user),
        _("The results were saved."),
    )
    return back_to_page(request, "approvals:session", session.pk)


@login_required
@acting_role_required
@require_POST
def session_comment(request, pk: int):
    session = selectors.get_session_for(request.user, pk)
    chosen = request.POST.get("entry", "")
    # the form offered one page of the list; any case of the meeting's list is accepted
    entries = selectors.session_entries(session).filter(pk=int(chosen)) if chosen.isdigit() else []
    form = CommentForm(request.POST, entries=entries)
    if form.is_valid():
        entry = get_object_or_404(SessionEntry, pk=form.cleaned_data["entry"], session=session)
        try:
            services.record_comment(
                entry, author=form.cleaned_data["author"], text=form.cleaned_data["text"], actor=request.user
            )
        except (CaseActionError, ValidationError) as exc:
            report(request, exc)
        else:
            messages.success(request, _("The comment was recorded."))
            return back_to_page(request, "approvals:session", session.pk)
    return _detail(request, session, comment_form=form, page=request.POST.get("page"))


@login_required
@require_GET
def session_minutes(request, pk: int):
    session = selectors.get_session_for(request.user, pk)
    return attachment(
        request,
        session.minutes,
        filename=f"bien-ban-hop-xet-{session.pk}.pdf",
        stream=session.stream,
        scope=session.unit_path,
        what="minutes",
        sha256=session.minutes_sha256,
    )
