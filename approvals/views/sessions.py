"""Village review meetings: open one from a list of scored cases, record results and comments, close it."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from cases.exceptions import CaseActionError
from cases.models import CaseState

from .. import selectors, services
from ..forms import CommentForm, DropForm, ReasonForm, SessionForm
from ..permissions import can_close_session, can_prepare_session
from . import _common as common
from ._common import ENTRIES_PAGE_SIZE, LIST_PAGE_SIZE, acting_post, attempt, back_to_page, paged, report


@login_required
@require_GET
def session_list(request):
    sessions = selectors.sessions_for(request.user)
    return common.list_page(request, sessions, LIST_PAGE_SIZE, "approvals/session_list.html", "sessions")


class SessionNew(common.NewBatchView):
    """Open a review meeting from scored cases of one village."""

    form_class, unit_param, url_name = SessionForm, "village", "approvals:session"
    templates = ("approvals/session_pick_village.html", "approvals/session_new.html")
    created = gettext_lazy("The review meeting was opened with %(n)s cases.")

    def units(self):
        return selectors.session_villages(self.request.user)

    def form_kwargs(self, village) -> dict:
        return {
            "candidates": selectors.candidate_cases(self.request.user, state=CaseState.SCORED, unit=village)
        }

    def create(self, village, data: dict, chosen: list):
        fields = ("meeting_date", "location", "chair", "secretary", "attendees", "posting_days")
        first = chosen[0]
        return services.open_session(
            village,
            title_type=first.title_type,
            year=first.year,
            cases=chosen,
            actor=self.request.user,
            **{name: data[name] for name in fields},
        )


session_new = SessionNew.as_view()


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
            "drop_form": DropForm(entries=entries),
            "cancel_form": ReasonForm(),
        },
    )


@login_required
@require_GET
def session_detail(request, pk: int):
    return _detail(request, selectors.get_session_for(request.user, pk))


@acting_post
def session_results(request, pk: int):
    """The meeting's result per case, from one form over the whole list."""
    session = selectors.get_session_for(request.user, pk)
    # a result left open ("") keeps the case pending
    results = common.outcomes_posted(request, selectors.entry_ids(session), {"yes": True, "no": False}.get)
    saved = partial(services.record_results, session, results=results, actor=request.user)
    attempt(request, saved, _("The results were saved."))
    return back_to_page(request, "approvals:session", session.pk)


@acting_post
def session_comment(request, pk: int):
    session = selectors.get_session_for(request.user, pk)
    chosen = common.posted_id(request, "entry")
    # the form offered one page of the list; any case of the meeting's list is accepted
    entries = selectors.session_entries(session, pk=chosen) if chosen is not None else []
    form = CommentForm(request.POST, entries=entries)
    if form.is_valid():
        entry = selectors.session_entry(session, form.cleaned_data["entry"])
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
    return common.document(request, session, "minutes", what="minutes", filename=f"bien-ban-hop-xet-{pk}.pdf")


@acting_post
def session_drop(request, pk: int):
    """Take one case off the open meeting's list, with the reason."""
    session = selectors.get_session_for(request.user, pk)
    chosen = common.posted_id(request, "entry")
    # the form offered one page of the list; any case of the meeting's list is accepted
    entries = selectors.session_entries(session, pk=chosen) if chosen is not None else []
    form = DropForm(request.POST, entries=entries)

    def drop(data):
        entry = selectors.session_entry(session, data["entry"])
        services.drop_from_session(entry, actor=request.user, reason=data["reason"])

    common.attempt_form(request, form, drop, _("The case was taken off the meeting's list."))
    return back_to_page(request, "approvals:session", session.pk)


@acting_post
def session_cancel(request, pk: int):
    """Call the meeting off, with the reason: every case on its list is free again."""
    session = selectors.get_session_for(request.user, pk)
    cancel = partial(services.cancel_session, session, actor=request.user)
    common.attempt_form(
        request,
        ReasonForm(request.POST),
        lambda data: cancel(reason=data["reason"]),
        _("The meeting was cancelled."),
    )
    return back_to_page(request, "approvals:session", session.pk)
