"""The recognition decision: drafted from proposed cases, signed by whoever the title's recognition authority
names (the commune chair, the Association, ...) under a gapless number of the issuing body's series."""

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.jobs import enqueue
from audit.services import EventSpec, record_event, start_stream
from cases import services as case_services
from cases import transitions as T
from cases.models import Case
from cases.permissions import acting_grant
from criteria.authority import Authority, authority_for
from fastpath.bulk import save_with_rows
from fastpath.claims import next_number_into
from fastpath.compiled import CompiledQuery
from registry.models import AdministrativeUnit

from ..models import Decision, DecisionCounter, DecisionEntry
from ..permissions import can_draft_decision, can_sign_decision
from ..selectors import cited_proposals
from ._common import (
    BatchRefused,
    LockFlow,
    OnMoved,
    audit_batch,
    deny,
    listable_problems,
    lock_cases,
    move_all,
    refuse_if,
    required_reason,
)
from .proposals import level_problems, proposal_problems


def _drafts_holding(case_ids, exclude=None) -> dict[int, int]:
    qs = DecisionEntry.objects.filter(case_id__in=case_ids, decision__status=Decision.Status.DRAFT)
    if exclude is not None:
        qs = qs.exclude(decision=exclude)
    return dict(qs.values_list("case_id", "decision_id"))


def _case_problems(commune, title_type_id: int, year: int, cases, held) -> list[str]:
    return listable_problems(
        commune,
        title_type_id,
        year,
        cases,
        taken=held,
        taken_message=_("Case %(ref)s is already on another draft decision."),
    )


@transaction.atomic
def draft_decision(
    commune,
    *,
    title_type,
    year: int,
    cases: Iterable[Case],
    actor,
    amends: Decision | None = None,
    note: str = "",
) -> Decision:
    """Draft a recognition decision listing proposed cases under the issuing unit (`commune`: the unit of the
    level the title's recognition authority decides at), issued by the authority's body."""
    authority = authority_for(title_type.pk, commune.path)
    _may_draft(actor, commune, authority, title_type.pk)
    # the current rows, locked in primary-key order until the annex is written: two drafts made at once over
    # the same case queue here, and the second sees the first's annex
    cases = lock_cases([c.pk for c in cases])
    if not cases:
        raise BatchRefused(_("Select at least one case for the decision."))
    if amends is not None:
        if not amends.is_signed or amends.commune_id != commune.pk:
            raise BatchRefused(_("Only a signed decision of the same commune can be amended."))
        if not (note or "").strip():
            raise BatchRefused(_("Say what the amending decision corrects."))
    refuse_if(
        _case_problems(commune, title_type.pk, year, cases, _drafts_holding([c.pk for c in cases]))
        or proposal_problems(authority, cases),
        _("The decision was not drafted."),
    )
    decision = Decision(
        commune=commune,
        unit_path=commune.path,
        title_type=title_type,
        year=year,
        created_by=actor,
        amends=amends,
        amendment_note=(note or "").strip(),
        **_issued_by(authority),
    )
    _save_draft(decision, [DecisionEntry(case=c) for c in cases])
    audit_batch(decision, "decision.drafted", actor=actor, data=_drafted(decision, cases))
    return decision


def _may_draft(actor, unit, authority: Authority, title_type_id: int) -> None:
    if unit.level != authority.decider_level or not can_draft_decision(actor, unit, title_type_id):
        deny(_("You cannot draft decisions for %(unit)s.") % {"unit": unit.name})


def _issued_by(authority: Authority) -> dict:
    """The decision's issuing body, number suffix and signer's office, as the authority in force says."""
    return {
        "body": authority.decider_body,
        "suffix": authority.decision_suffix,
        "signer_office": authority.signer_office,
    }


def _cites_proposals(decision: Decision) -> bool:
    return bool(authority_for(decision.title_type_id, decision.unit_path).proposal_role)


def _may_sign(actor, decision: Decision) -> None:
    if not can_sign_decision(actor, decision):
        deny(
            _("Only the %(office)s of %(unit)s signs this decision.")
            % {"office": decision.signer_office, "unit": decision.commune.name}
        )


def _save_draft(decision: Decision, entries: list[DecisionEntry]) -> None:
    """Insert a draft and its entries; a one-case draft on PostgreSQL in one statement (a signed decision's
    annex cannot change: a database trigger, so the entries go in before the signing)."""
    if len(entries) == 1:
        save_with_rows(decision, [(entries[0], "decision")])
        return
    decision.save()
    for entry in entries:
        entry.decision = decision
    DecisionEntry.objects.bulk_create(entries)


def _drafted(decision: Decision, cases) -> dict:
    """What the "decision.drafted" event records."""
    return {
        "commune": decision.commune.code,
        "year": decision.year,
        "amends": decision.amends.reference if decision.amends_id else None,
        "cases": [c.reference for c in cases],
    }


def _outcomes(entries) -> dict:
    """What the "decision.outcomes_recorded" event records of the entries whose outcome changed."""
    return {"outcomes": {e.case.reference: {"recognised": e.recognised, "reason": e.reason} for e in entries}}


def _signed(decision: Decision, entries) -> dict:
    """What the "decision.signed" event records (with the proposals it cites, where its title has them)."""
    cited = cited_proposals([e.case_id for e in entries]) if _cites_proposals(decision) else []
    return {
        "number": decision.reference,
        **({"proposals": [f"{p.reference} ({p.proposed_on:%d/%m/%Y})" for p in cited]} if cited else {}),
        "signed_on": decision.signed_on,
        "signer": decision.signer_name,
        "amends": decision.amends.reference if decision.amends_id else None,
        "recognised": [e.case.reference for e in entries if e.recognised],
        "refused": {e.case.reference: e.reason for e in entries if not e.recognised},
    }


def _lock_draft(decision: Decision) -> Decision:
    decision = Decision.objects.select_for_update(of=("self",)).select_related("commune").get(pk=decision.pk)
    if decision.is_signed:
        raise BatchRefused(
            _("Decision %(ref)s is signed and can no longer change.") % {"ref": decision.reference}
        )
    return decision


@transaction.atomic
def record_outcomes(decision: Decision, *, outcomes: Mapping[int, tuple[bool, str]], actor) -> Decision:
    """Set, per entry id, whether the case is recognised or refused (with the written reason)."""
    decision = _lock_draft(decision)
    if not can_draft_decision(actor, decision.commune, decision.title_type_id):
        deny(_("You cannot change this decision."))
    entries = {e.pk: e for e in decision.entries.select_related("case").filter(pk__in=list(outcomes))}
    rows = []
    for pk, (recognised, reason) in outcomes.items():
        entry = entries.get(pk)
        if entry is None:
            continue
        reason = "" if recognised else (reason or "").strip()
        if (entry.recognised, entry.reason) != (recognised, reason):
            entry.recognised, entry.reason = recognised, reason
            rows.append(entry)
    DecisionEntry.objects.bulk_update(rows, ["recognised", "reason"])
    if rows:
        audit_batch(decision, "decision.outcomes_recorded", actor=actor, data=_outcomes(rows))
    return decision


@transaction.atomic
def drop_from_decision(entry: DecisionEntry, *, actor, reason: str) -> Decision:
    """Take one case off a draft decision's annex, saying why: the rest can still be signed, and the case is
    free to be decided on its own or put on another draft."""
    decision = _lock_draft(entry.decision)
    if not can_draft_decision(actor, decision.commune, decision.title_type_id):
        deny(_("You cannot change this decision."))
    reason = required_reason(reason)
    entry = DecisionEntry.objects.select_related("case").filter(pk=entry.pk, decision=decision).first()
    if entry is None:
        raise BatchRefused(_("This case is no longer on the decision's annex."))
    if not decision.entries.exclude(pk=entry.pk).exists():
        raise BatchRefused(_("This is the last case on the annex: discard the draft instead."))
    case = entry.case
    entry.delete()
    data = {"decision": decision.pk, "case": case.reference}
    audit_batch(decision, "decision.entry_dropped", actor=actor, reason=reason, data=data)
    record_event(
        case.stream, "case.dropped_from_list", actor=actor, reason=reason, data=data, scope=case.unit_path
    )
    return decision


@transaction.atomic
def discard_decision(decision: Decision, *, actor, reason: str) -> None:
    """Throw away a draft (it never had a number), saying why; the cases return to the commune's list."""
    decision = _lock_draft(decision)
    if not can_draft_decision(actor, decision.commune, decision.title_type_id):
        deny(_("You cannot change this decision."))
    reason = required_reason(reason)
    audit_batch(
        decision,
        "decision.discarded",
        actor=actor,
        reason=reason,
        data={"cases": list(decision.entries.values_list("case__reference", flat=True))},
    )
    decision.delete()


def _sign(decision: Decision, *, actor, signer_name: str) -> None:
    """Number and sign a locked draft: the commune's next number of the year and the signature's fields.

    The number comes from the commune's counter row, created at 1 or incremented and locked until the signing
    commits: a signing that rolls back releases the row without having used the number (no gaps, no
    duplicates). On PostgreSQL the counter and the decision's row are written by one statement
    (fastpath.claims.next_number_into).
    """
    now = timezone.now()
    decision.status = Decision.Status.SIGNED
    decision.signed_at, decision.signed_on = now, timezone.localdate(now)
    decision.signed_by = actor
    decision.signer_name = (signer_name or "").strip() or actor.get_full_name() or actor.get_username()
    decision.documents = Decision.Documents.PENDING
    next_number_into(
        DecisionCounter,
        {"commune_id": decision.commune_id, "year": decision.year, "series": decision.suffix},
        value="value",
        target=decision,
        number="number",
        fields=_SIGNED_FIELDS,
    )
    decision._signed_in_db = True


# what a signing writes on the decision, besides its number
_SIGNED_FIELDS = ("status", "signed_at", "signed_on", "signed_by", "signer_name", "documents")


def sign_problems(entries: list[DecisionEntry]) -> list[str]:
    problems = []
    for entry in entries:
        ref = {"ref": entry.case.reference}
        if not T.RECOGNISE.allowed(entry.case, check_conditions=False):
            problems.append(
                _("Case %(ref)s can no longer be decided: it is in state “%(state)s”.")
                % {**ref, "state": entry.case.get_state_display()}
            )
        elif not entry.recognised and not entry.reason:
            problems.append(_("Case %(ref)s is refused but has no reason.") % ref)
    return problems


@transaction.atomic
def sign_decision(
    decision: Decision,
    *,
    actor,
    signer_name: str = "",
    lock_flow: LockFlow | None = None,
    on_moved: OnMoved | None = None,
) -> Decision:
    """The commune chair signs: the number is allocated, every listed case is decided, the decision is final.

    Recognised cases move to commune_decided, refused ones to not_recognized with their reasons, all in this
    transaction; the PDFs (decision with annex, one certificate per recognised subject) are generated after
    commit by a Celery task, from the now immutable decision. `on_moved(cases)` runs in the same transaction
    once they moved (workflows.collective.sign_decision completes their steps), after `lock_flow(case ids)`
    locked their processes and steps before their rows.
    """
    decision = _lock_draft(decision)
    _may_sign(actor, decision)
    if lock_flow is not None:
        lock_flow(list(decision.entries.values_list("case_id", flat=True)))
    entries = list(decision.entries.select_related("case").order_by("pk"))
    _sign_and_decide(decision, entries, actor=actor, signer_name=signer_name, on_moved=on_moved)
    return decision


def _sign_and_decide(
    decision: Decision,
    entries: list[DecisionEntry],
    *,
    actor,
    signer_name: str,
    opening: list[tuple[str, dict]] | None = None,
    held: Case | None = None,
    on_moved: OnMoved | None = None,
) -> list[Case]:
    """Sign a locked draft and decide its cases: what every signing does, a batch's or a one-case decision's.

    `opening`: the events of a decision drafted in this same transaction (drafted, outcomes), which then
    start its stream together with "signed", before the cases move (one statement); a batch appends
    "signed" after its cases' events. `held`: the one case's row the caller holds (cases.services.move_case).
    """
    # level 2 no earlier than the authority's months after level 1 (only for the cases it recognises)
    authority = authority_for(decision.title_type_id, decision.unit_path)
    recognised = [e.case for e in entries if e.recognised]
    refuse_if(
        sign_problems(entries) or level_problems(authority, recognised, on=timezone.localdate()),
        _("The decision was not signed; nothing was changed."),
    )
    _sign(decision, actor=actor, signer_name=signer_name)
    grant = acting_grant(actor, "decider", decision.title_type_id, decision.unit_path)
    by = {"role": grant.role if grant else "", "unit": grant.unit_code if grant else ""}
    signed = _signed(decision, entries)
    if opening is not None:
        start_stream(  # the decision's stream begins here
            EventSpec(decision.stream, event_type, actor=actor, data=data, scope=decision.unit_path, **kw)
            for event_type, data, kw in [*((t, d, {}) for t, d in opening), ("decision.signed", signed, by)]
        )
    moved = move_all(
        lambda: case_services.decide_many_in_commune(
            [(e.case, e.recognised, e.reason) for e in entries],
            actor=actor,
            decision_reference=decision.reference,
            decision_date=decision.signed_on,
            held=held,
        )
    )
    if opening is None:
        audit_batch(decision, "decision.signed", actor=actor, data=signed, **by)
    if on_moved is not None:
        on_moved(moved)
    _queue_documents(decision.pk)
    return moved


def decide_one(
    case: Case,
    *,
    actor,
    recognised: bool,
    reason: str = "",
    signer_name: str = "",
    held: Case | None = None,
) -> tuple[Decision, Case]:
    """The commune decision on one case from its step page: draft_decision, record_outcomes and
    sign_decision at once, by the chair, with the same checks, rows and events.

    Everything is one transaction: a refusal anywhere writes nothing, the number included. `held`: the
    case's row, locked by the caller inside its own atomic block (a workflow step), worked on without a
    savepoint (the step page then completes the step). Returns the decision and the decided case.
    """
    with transaction.atomic(savepoint=held is None):
        case = held if held is not None else case_services.lock_case(case)
        authority = authority_for(case.title_type_id, case.unit_path)
        commune = _issuing_unit(authority, case.unit)
        _may_draft(actor, commune, authority, case.title_type_id)
        reason = "" if recognised else (reason or "").strip()
        refuse_if(
            _case_problems(commune, case.title_type_id, case.year, [case], dict(_DRAFT_HOLDING.all(case.pk)))
            or proposal_problems(authority, [case]),
            _("The decision was not drafted."),
        )
        decision = Decision(
            commune=commune,
            unit_path=commune.path,
            title_type_id=case.title_type_id,
            year=case.year,
            created_by=actor,
            **_issued_by(authority),
        )
        _may_sign(actor, decision)
        entry = DecisionEntry(case=case, recognised=recognised, reason=reason)
        _save_draft(decision, [entry])
        opening = [
            ("decision.drafted", _drafted(decision, [case])),
            *([] if recognised else [("decision.outcomes_recorded", _outcomes([entry]))]),
        ]
        moved = _sign_and_decide(
            decision,
            [entry],
            actor=actor,
            signer_name=signer_name,
            opening=opening,
            held=held,
        )
    return decision, moved[0]


def _issuing_unit(authority: Authority, unit: AdministrativeUnit) -> AdministrativeUnit:
    """The unit of the deciding level at or above the case's unit (its parent: one compiled query)."""
    if unit.level == authority.decider_level:
        return unit
    if unit.parent_id:
        parent = _UNIT.all(unit.parent_id)[0]
        if parent.level == authority.decider_level:
            return parent
    found = authority.acting_unit("decider", unit)
    if found is None:
        deny(_("No unit of the deciding level is above %(unit)s.") % {"unit": unit.name})
    return found


# compiled once (fastpath.compiled): every one-case decision runs them
_UNIT = CompiledQuery(lambda pk: AdministrativeUnit.objects.filter(pk=pk), kinds=[int])
_DRAFT_HOLDING = CompiledQuery(
    lambda case_id: DecisionEntry.objects.filter(
        case_id=case_id, decision__status=Decision.Status.DRAFT
    ).values_list("case_id", "decision_id"),
    kinds=[int],
)


def _queue_documents(decision_id: int) -> None:
    """A recorded background job (audit.jobs), sent on commit and re-driven until every document exists."""
    enqueue(f"decision-documents:{decision_id}", "approvals.tasks.generate_decision_documents", decision_id)
