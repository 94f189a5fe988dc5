"""Commune decisions: draft from proposed cases, set refusals, sign; the documents; opening an audit."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from cases.exceptions import CaseActionError

from .. import selectors, services
from ..forms import DecisionForm, DropForm, OpenAuditForm, ReasonForm, SignForm
from ..permissions import can_audit_decision, can_draft_decision, can_sign_decision
from . import _common as common
from ._common import (
    ENTRIES_PAGE_SIZE,
    LIST_PAGE_SIZE,
    acting_post,
    attachment,
    attempt,
    back_to_page,
    paged,
    report,
)


class DecisionNew(common.NewBatchView):
    """Draft a decision over proposed cases of one commune (the user's only commune is taken as read)."""

    form_class, unit_param, url_name = DecisionForm, "commune", "approvals:decision"
    only_unit_by_default = True
    templates = ("approvals/decision_pick_commune.html", "approvals/decision_new.html")
    created = gettext_lazy("The draft decision lists %(n)s cases.")

    def units(self):
        return selectors.decision_communes(self.request.user)

    def form_kwargs(self, commune) -> dict:
        user = self.request.user
        return {
            "candidates": selectors.proposed_free(user, commune),
            "signed": selectors.signed_decisions(commune),
        }

    def create(self, commune, data: dict, chosen: list):
        return services.draft_decision(
            commune,
            title_type=chosen[0].title_type,
            year=chosen[0].year,
            cases=chosen,
            actor=self.request.user,
            amends=data["amends"],
            note=data["note"],
        )


decision_new = DecisionNew.as_view()


@login_required
@require_GET
def decision_list(request):
    decisions = selectors.decisions_for(request.user)
    return common.list_page(request, decisions, LIST_PAGE_SIZE, "approvals/decision_list.html", "decisions")


@login_required
@require_GET
def decision_detail(request, pk: int):
    decision = selectors.get_decision_for(request.user, pk)
    user = request.user
    context = paged(request, selectors.decision_entries(decision), ENTRIES_PAGE_SIZE)
    counts = selectors.decision_counts(decision)
    recognised, made = counts["recognised"], counts["certificates"]
    return render(
        request,
        "approvals/decision_detail.html",
        {
            **context,
            "decision": decision,
            "entries": context["page_obj"],
            "counts": counts,
            "recognised": recognised,
            "certificates_made": made,
            "progress": int(100 * made / recognised) if recognised else 100,
            "may_edit": not decision.is_signed and can_draft_decision(user, decision.commune),
            "may_sign": not decision.is_signed and can_sign_decision(user, decision),
            "sign_form": SignForm(initial={"signer_name": user.get_full_name()}),
            "drop_form": DropForm(entries=context["page_obj"]),
            "discard_form": ReasonForm(),
            "may_audit": decision.is_signed and can_audit_decision(user, decision),
            "audit_form": OpenAuditForm(),
            "audits": selectors.decision_audits(decision),
        },
    )


@acting_post
def decision_outcomes(request, pk: int):
    decision = selectors.get_decision_for(request.user, pk)
    outcomes = common.outcomes_posted(
        request, selectors.entry_ids(decision), lambda result: result != "refuse"
    )
    attempt(
        request,
        lambda: services.record_outcomes(decision, outcomes=outcomes, actor=request.user),
        _("The annex list was saved."),
    )
    return back_to_page(request, "approvals:decision", decision.pk)


@acting_post
def decision_drop(request, pk: int):
    """Take one case off the draft's annex, with the reason."""
    decision = selectors.get_decision_for(request.user, pk)
    chosen = common.posted_id(request, "entry")
    entries = selectors.decision_entries(decision, pk=chosen) if chosen is not None else []
    form = DropForm(request.POST, entries=entries)

    def drop(data):
        entry = selectors.decision_entry(decision, data["entry"])
        services.drop_from_decision(entry, actor=request.user, reason=data["reason"])

    common.attempt_form(request, form, drop, _("The case was taken off the draft decision."))
    return back_to_page(request, "approvals:decision", decision.pk)


@acting_post
def decision_discard(request, pk: int):
    decision = selectors.get_decision_for(request.user, pk)
    discard = partial(services.discard_decision, decision, actor=request.user)
    if common.attempt_form(
        request,
        ReasonForm(request.POST),
        lambda data: discard(reason=data["reason"]),
        _("The draft decision was discarded."),
    ):
        return redirect("approvals:decisions")
    return redirect("approvals:decision", pk=decision.pk)


@login_required
@require_GET
def decision_document(request, pk: int):
    decision = selectors.get_decision_for(request.user, pk)
    filename = f"quyet-dinh-{decision.number}-{decision.year}.pdf"
    return common.document(request, decision, "document", what="decision", filename=filename)


@login_required
@require_GET
def certificate(request, pk: int, entry_pk: int):
    decision = selectors.get_decision_for(request.user, pk)
    entry = selectors.decision_entry(decision, entry_pk)
    cert = getattr(entry, "certificate", None)
    if cert is None:
        raise Http404
    return attachment(
        request,
        cert.file,
        filename=f"giay-cong-nhan-{entry.case.reference}.pdf",
        stream=entry.case.stream,
        scope=entry.case.unit_path,
        what="certificate",
        sha256=cert.sha256,
    )


@acting_post
def audit_open(request, pk: int):
    decision = selectors.get_decision_for(request.user, pk)
    form = OpenAuditForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("approvals:decision", pk=decision.pk)
    try:
        audit = services.open_audit(
            decision,
            actor=request.user,
            share=form.cleaned_data["share"],
            minimum=form.cleaned_data["minimum"],
            seed=form.cleaned_data["seed"],
        )
    except (CaseActionError, ValidationError) as exc:
        report(request, exc)
        return redirect("approvals:decision", pk=decision.pk)
    return redirect("approvals:audit", pk=audit.pk)
