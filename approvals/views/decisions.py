"""Commune decisions: draft from proposed cases, set refusals, sign; the documents; opening an audit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.decorators import acting_role_required
from cases.exceptions import CaseActionError
from cases.models import Case

from .. import selectors, services
from ..forms import DecisionForm, OpenAuditForm, SignForm
from ..models import Decision, DecisionEntry
from ..permissions import can_audit_decision, can_draft_decision, can_sign_decision
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
def decision_list(request):
    context = paged(request, selectors.decisions_for(request.user), LIST_PAGE_SIZE)
    return render(request, "approvals/decision_list.html", {**context, "decisions": context["page_obj"]})


def _commune_of_request(request):
    communes = selectors.decision_communes(request.user)
    ids = case_ids(request)
    if ids:
        path = Case.objects.filter(pk=ids[0]).values_list("unit_path", flat=True).first() or ""
        return next((c for c in communes if path.startswith(c.path)), None), communes
    raw = request.GET.get("commune") or request.POST.get("commune") or ""
    if raw.isdigit():
        return communes.filter(pk=int(raw)).first(), communes
    return (communes[0] if len(communes) == 1 else None), communes


@login_required
@acting_role_required
@require_http_methods(["GET", "POST"])
def decision_new(request):
    commune, communes = _commune_of_request(request)
    if commune is None:
        return render(request, "approvals/decision_pick_commune.html", {"communes": communes})
    candidates = selectors.proposed_free(request.user, commune)
    signed = Decision.objects.filter(commune=commune, status=Decision.Status.SIGNED).order_by(
        "-year", "-number"
    )
    if request.method == "GET":
        form = DecisionForm(candidates=candidates, signed=signed, initial={"cases": case_ids(request)})
    else:
        form = DecisionForm(request.POST, candidates=candidates, signed=signed)
        if form.is_valid():
            chosen = list(form.cleaned_data["cases"])
            try:
                decision = services.draft_decision(
                    commune,
                    title_type=chosen[0].title_type,
                    year=chosen[0].year,
                    cases=chosen,
                    actor=request.user,
                    amends=form.cleaned_data["amends"],
                    note=form.cleaned_data["note"],
                )
            except (CaseActionError, ValidationError) as exc:
                report(request, exc)
            else:
                messages.success(request, _("The draft decision lists %(n)s cases.") % {"n": len(chosen)})
                return redirect("approvals:decision", pk=decision.pk)
    return render(request, "approvals/decision_new.html", {"form": form, "commune": commune})


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
            "may_audit": decision.is_signed and can_audit_decision(user, decision),
            "audit_form": OpenAuditForm(),
            "audits": decision.audits.order_by("-opened_at"),
        },
    )


@login_required
@acting_role_required
@require_POST
def decision_outcomes(request, pk: int):
    decision = selectors.get_decision_for(request.user, pk)
    outcomes = {
        entry_id: (
            request.POST.get(f"result-{entry_id}") != "refuse",
            request.POST.get(f"reason-{entry_id}", ""),
        )
        for entry_id in DecisionEntry.objects.filter(decision=decision).values_list("pk", flat=True)
        if f"result-{entry_id}" in request.POST
    }
    attempt(
        request,
        lambda: services.record_outcomes(decision, outcomes=outcomes, actor=request.user),
        _("The annex list was saved."),
    )
    return back_to_page(request, "approvals:decision", decision.pk)


@login_required
@acting_role_required
@require_POST
def decision_discard(request, pk: int):
    decision = selectors.get_decision_for(request.user, pk)
    try:
        services.discard_decision(decision, actor=request.user)
    except CaseActionError as exc:
        report(request, exc)
        return redirect("approvals:decision", pk=decision.pk)
    messages.success(request, _("The draft decision was discarded."))
    return redirect("approvals:decisions")


@login_required
@require_GET
def decision_document(request, pk: int):
    decision = selectors.get_decision_for(request.user, pk)
    return attachment(
        request,
        decision.document,
        filename=f"quyet-dinh-{decision.number}-{decision.year}.pdf",
        stream=decision.stream,
        scope=decision.unit_path,
        what="decision",
        sha256=decision.document_sha256,
    )


@login_required
@require_GET
def certificate(request, pk: int, entry_pk: int):
    decision = selectors.get_decision_for(request.user, pk)
    entry = get_object_or_404(DecisionEntry.objects.select_related("case"), pk=entry_pk, decision=decision)
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


@login_required
@acting_role_required
@require_POST
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
