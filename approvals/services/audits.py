"""The audit of a commune decision by the level above: a reproducible sample, findings, and the close."""

import math
import random
import secrets
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.models import Case, CaseState, EvidenceFile, Score

from ..conf import knob
from ..models import Audit, AuditSample, Decision, FindingFile
from ..permissions import can_audit_decision
from ._common import BatchRefused, LockFlow, OnMoved, audit_batch, deny, move_all, refuse_if


def audited_cases(decision: Decision):
    """The cases an audit of the decision covers: those it recognised."""
    return Case.objects.filter(pk__in=decision.entries.filter(recognised=True).values("case_id")).order_by(
        "pk"
    )


def sample_size(population: int, share: Decimal, minimum: int) -> int:
    return min(population, max(minimum, math.ceil(population * share)))


def random_sample(case_ids: list[int], *, seed: int, share: Decimal, minimum: int) -> list[int]:
    """The random part of the sample: the same seed over the same cases gives the same picks."""
    ordered = sorted(case_ids)
    return sorted(random.Random(seed).sample(ordered, sample_size(len(ordered), share, minimum)))  # noqa: S311


def risk_signals(cases: list[Case]) -> dict[int, list[dict]]:
    """Why each case deserves a look: a score just above the threshold, scored items without evidence, or an
    assessor who scored many of the decision's cases."""
    signals: dict[int, list[dict]] = {c.pk: [] for c in cases}
    ids = [c.pk for c in cases]
    margin = Decimal(knob("AUDIT_RISK_SCORE_MARGIN"))
    for case in cases:
        threshold = case.criteria_set.threshold_for(case.subject.area_class)
        if (
            case.total_score is not None
            and threshold is not None
            and 0 <= case.total_score - threshold <= margin
        ):
            signals[case.pk].append(
                {"code": "near_threshold", "score": str(case.total_score), "threshold": str(threshold)}
            )
    with_evidence = set(
        EvidenceFile.objects.filter(case_id__in=ids, removed_at__isnull=True).values_list(
            "case_id", "item_id"
        )
    )
    unsupported = Counter()
    for case_id, item_id in (
        Score.objects.filter(case_id__in=ids)
        .filter(Q(points__gt=0) | Q(passed=True))
        .values_list("case_id", "item_id")
    ):
        if (case_id, item_id) not in with_evidence:
            unsupported[case_id] += 1
    for case_id, n in unsupported.items():
        signals[case_id].append({"code": "missing_evidence", "items": n})
    # one assessor per case (the one who scored it; several on a case is rare and the first is kept)
    scorers: dict[int, int] = {}
    for case_id, user_id in (
        Score.objects.filter(case_id__in=ids).values_list("case_id", "scored_by").distinct()
    ):
        scorers.setdefault(case_id, user_id)
    per_assessor = Counter(scorers.values())
    limit = knob("AUDIT_RISK_ASSESSOR_CASES")
    names = {}
    if any(n >= limit for n in per_assessor.values()):
        from django.contrib.auth import get_user_model

        names = dict(get_user_model().objects.filter(pk__in=list(per_assessor)).values_list("pk", "username"))
    for case_id, user_id in scorers.items():
        if per_assessor[user_id] >= limit:
            signals[case_id].append(
                {"code": "same_assessor", "assessor": names[user_id], "cases": per_assessor[user_id]}
            )
    return {k: v for k, v in signals.items() if v}


@transaction.atomic
def open_audit(
    decision: Decision,
    *,
    actor,
    share: Decimal | None = None,
    minimum: int | None = None,
    seed: int | None = None,
) -> Audit:
    """Open the audit of a signed decision and draw its sample: random (seed recorded) plus risk picks."""
    decision = Decision.objects.select_for_update(of=("self",)).select_related("commune").get(pk=decision.pk)
    if not can_audit_decision(actor, decision):
        deny(_("You cannot audit decisions of %(unit)s.") % {"unit": decision.commune.name})
    if not decision.is_signed:
        raise BatchRefused(_("Only a signed decision can be audited."))
    if decision.audits.filter(status=Audit.Status.OPEN).exists():
        raise BatchRefused(_("An audit of this decision is already open."))
    share = Decimal(knob("AUDIT_SAMPLE_SHARE")) if share is None else Decimal(share)
    minimum = knob("AUDIT_SAMPLE_MINIMUM") if minimum is None else minimum
    if not (Decimal(0) < share <= Decimal(1)) or minimum < 0:
        raise ValidationError(_("The sample share must be above 0 and at most 1, the minimum not negative."))
    seed = secrets.randbits(62) if seed is None else seed
    cases = list(
        audited_cases(decision)
        .filter(state=CaseState.COMMUNE_DECIDED)
        .select_related("subject", "criteria_set")
    )
    if not cases:
        raise BatchRefused(_("No recognised case of this decision is waiting for an audit."))
    picks = set(random_sample([c.pk for c in cases], seed=seed, share=share, minimum=minimum))
    risks = risk_signals(cases)
    risky = sorted(risks, key=lambda pk: (-len(risks[pk]), pk))[: knob("AUDIT_RISK_MAX_PICKS")]
    audit = Audit.objects.create(decision=decision, seed=seed, share=share, minimum=minimum, opened_by=actor)
    chosen = sorted(picks | set(risky))
    AuditSample.objects.bulk_create(
        [
            AuditSample(audit=audit, case_id=pk, random_pick=pk in picks, risks=risks.get(pk, []))
            for pk in chosen
        ]
    )
    refs = {c.pk: c.reference for c in cases}
    audit_batch(
        audit,
        "audit.opened",
        actor=actor,
        data={
            "decision": decision.reference,
            "seed": seed,
            "share": share,
            "minimum": minimum,
            "random": [refs[pk] for pk in sorted(picks)],
            "risk": {refs[pk]: risks[pk] for pk in risky},
        },
    )
    return audit


def _lock_open(audit: Audit) -> Audit:
    audit = Audit.objects.select_for_update(of=("self",)).select_related("decision__commune").get(pk=audit.pk)
    if not audit.is_open:
        raise BatchRefused(_("This audit is closed."))
    return audit


@transaction.atomic
def record_finding(
    sample: AuditSample,
    *,
    finding: str,
    actor,
    description: str = "",
    evidence: str = "",
    files: Sequence[UploadedFile] = (),
) -> AuditSample:
    """The auditor's finding on one sampled case: confirmed, or a problem (description, evidence, and files
    — PDF, JPEG or PNG, checked as a case's evidence files are — whose SHA-256 go into the audit event)."""
    audit = _lock_open(sample.audit)
    if not can_audit_decision(actor, audit.decision):
        deny(_("You cannot audit decisions of %(unit)s.") % {"unit": audit.decision.commune.name})
    sample = AuditSample.objects.select_related("case").get(pk=sample.pk, audit=audit)
    description, evidence = (description or "").strip(), (evidence or "").strip()
    if finding not in (AuditSample.Finding.CONFIRMED, AuditSample.Finding.PROBLEM):
        raise ValidationError({"finding": _("Choose confirmed or problem found.")})
    if finding == AuditSample.Finding.PROBLEM and not description:
        raise ValidationError({"description": _("Describe the problem found.")})
    if finding == AuditSample.Finding.CONFIRMED:
        description = evidence = ""
    stored = _store_finding_files(sample, files, finding=finding, actor=actor)
    sample.finding, sample.description, sample.evidence = finding, description, evidence
    sample.checked_by, sample.checked_at = actor, timezone.now()
    sample.save(update_fields=["finding", "description", "evidence", "checked_by", "checked_at"])
    data = {
        "case": sample.case.reference,
        "finding": finding,
        "description": description,
        "evidence": evidence,
    }
    if stored:
        data["files"] = [
            {
                "id": f.pk,
                "name": f.original_name,
                "size": f.size,
                "content_type": f.content_type,
                "sha256": f.sha256,
            }
            for f in stored
        ]
    audit_batch(audit, "audit.finding_recorded", actor=actor, data=data)
    return sample


def _store_finding_files(sample: AuditSample, files, *, finding: str, actor) -> list[FindingFile]:
    """Check every file before storing any (one bad file stores none), then keep them content-addressed."""
    files = list(files or [])
    if not files:
        return []
    if finding != AuditSample.Finding.PROBLEM:
        raise ValidationError({"files": _("Files can be attached only to a problem found.")})
    limit = knob("AUDIT_FINDING_FILES_MAX")
    if len(files) > limit:
        raise ValidationError({"files": _("Attach at most %(n)s files at a time.") % {"n": limit}})
    checked = []
    for upload in files:
        try:
            checked.append((upload, case_services.validate_upload(upload)))
        except ValidationError as exc:
            raise ValidationError({"files": exc.messages}) from exc
    stored = []
    for upload, mime in checked:
        record = FindingFile(
            sample=sample,
            original_name=upload.name[:255],
            content_type=mime,
            size=upload.size,
            sha256=case_services.sha256_of(upload),
            uploaded_by=actor,
        )
        record.file.save(record.sha256, upload, save=False)
        record.save()
        stored.append(record)
    return stored


def finding_reason(sample: AuditSample) -> str:
    evidence = "; ".join(
        [*([sample.evidence] if sample.evidence else []), *(f.original_name for f in sample.files.all())]
    )
    if evidence:
        return _("Audit finding: %(description)s (evidence: %(evidence)s)") % {
            "description": sample.description,
            "evidence": evidence,
        }
    return _("Audit finding: %(description)s") % {"description": sample.description}


@transaction.atomic
def close_audit(
    audit: Audit, *, actor, lock_flow: LockFlow | None = None, on_moved: OnMoved | None = None
) -> Audit:
    """Close the audit: every sampled case of the decision is confirmed, except those with a problem, whose
    recognition is revoked with the finding as the reason; the cases outside the sample are closed as not
    checked (their own state, never "audited"). All in one transaction, or nothing.

    `lock_flow(case ids)` runs before the cases are read and locked (their processes and steps first: a case
    audited alone meanwhile is either done, and left out, or waits), `on_moved(cases)` in the same
    transaction once they moved (workflows.collective.close_audit)."""
    audit = _lock_open(audit)
    decision = audit.decision
    if not can_audit_decision(actor, decision):
        deny(_("You cannot audit decisions of %(unit)s.") % {"unit": decision.commune.name})
    samples = list(audit.samples.select_related("case").prefetch_related("files").order_by("case_id"))
    refuse_if(
        [_("Case %(ref)s has no finding yet.") % {"ref": s.case.reference} for s in samples if not s.finding],
        _("The audit was not closed; nothing was changed."),
    )
    problems = {s.case_id: s for s in samples if s.finding == AuditSample.Finding.PROBLEM}
    if lock_flow is not None:
        lock_flow(list(audited_cases(decision).values_list("pk", flat=True)))
    cases = list(audited_cases(decision).filter(state=CaseState.COMMUNE_DECIDED))
    sampled = {s.case_id for s in samples}
    unsampled = {c.pk for c in cases if c.pk not in sampled}
    moved = move_all(
        lambda: case_services.settle_audited(
            cases,
            actor=actor,
            revoked={pk: finding_reason(s) for pk, s in problems.items()},
            note=_("Audit of decision %(ref)s") % {"ref": decision.reference},
            unsampled=unsampled,
        )
    )
    audit.status = Audit.Status.CLOSED
    audit.closed_by, audit.closed_at = actor, timezone.now()
    audit.save(update_fields=["status", "closed_by", "closed_at"])
    audit_batch(
        audit,
        "audit.closed",
        actor=actor,
        data={
            "decision": decision.reference,
            "confirmed": [c.reference for c in cases if c.pk in sampled and c.pk not in problems],
            "not_sampled": [c.reference for c in cases if c.pk in unsampled],
            "revoked": {s.case.reference: s.description for s in problems.values()},
        },
    )
    if on_moved is not None:
        on_moved(moved)
    transaction.on_commit(lambda: _notify_commune(audit.pk))
    return audit


def _notify_commune(audit_id: int) -> None:
    from ..tasks import notify_audit_closed

    notify_audit_closed.delay(audit_id)
