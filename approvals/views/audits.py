"""The audit of a decision: the sample with its reasons, a finding per case, and the close."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases.exceptions import CaseActionError

from .. import selectors, services
from ..forms import FindingForm
from ..permissions import can_audit_decision
from ..risks import explain
from ._common import acting_post, attachment, report


def _render(request, audit, *, bound=None):
    samples = []
    for sample in selectors.audit_samples(audit):
        form = bound[1] if bound and bound[0] == sample.pk else None
        if form is None:
            form = FindingForm(
                prefix=f"s{sample.pk}",
                initial={
                    "finding": sample.finding,
                    "description": sample.description,
                    "evidence": sample.evidence,
                },
            )
        samples.append({"sample": sample, "reasons": [explain(r) for r in sample.risks], "form": form})
    return render(
        request,
        "approvals/audit_detail.html",
        {
            "audit": audit,
            "decision": audit.decision,
            "samples": samples,
            "may_act": audit.is_open and can_audit_decision(request.user, audit.decision),
            "pending": sum(1 for s in samples if not s["sample"].finding),
        },
    )


@login_required
@require_GET
def audit_detail(request, pk: int):
    return _render(request, selectors.get_audit_for(request.user, pk))


@acting_post
def audit_finding(request, pk: int, sample_pk: int):
    audit = selectors.get_audit_for(request.user, pk)
    sample = selectors.audit_sample(audit, sample_pk)
    form = FindingForm(request.POST, request.FILES, prefix=f"s{sample.pk}")
    if form.is_valid():
        try:
            services.record_finding(sample, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else []:
                form.add_error(field if field in form.fields else None, errors)
            if not hasattr(exc, "error_dict"):
                report(request, exc)
        except CaseActionError as exc:
            report(request, exc)
            return redirect("approvals:audit", pk=audit.pk)
        else:
            messages.success(
                request, _("The finding on case %(ref)s was recorded.") % {"ref": sample.case.reference}
            )
            return redirect("approvals:audit", pk=audit.pk)
    return _render(request, audit, bound=(sample.pk, form))


@login_required
@require_GET
def finding_file(request, pk: int, file_pk: int):
    """A file of a finding, to those who may see the audit; opening it is logged as personal-data access."""
    audit = selectors.get_audit_for(request.user, pk)
    record = selectors.finding_file(audit, file_pk)
    case = record.sample.case
    return attachment(
        request,
        record.file,
        filename=record.original_name,
        stream=audit.stream,
        scope=audit.unit_path,
        what="finding_file",
        sha256=record.sha256,
        content_type=record.content_type,
        data={"file_id": record.pk, "case": case.reference},
        personal_data=case,
    )
