"""The case services' names, with every state change made through the recognition flow.

The demo drives cases the way officers do, so each case has its process and its open step sits in the
right inbox or queue; evidence edits are not steps and go straight to the case services.
"""

from django.db import transaction

from cases import services as case_services
from workflows import services as flow


def _open_step(case) -> str:
    return flow.open_task(case).flow_task.name


add_evidence = case_services.add_evidence
remove_evidence = case_services.remove_evidence


def nominate_case(subject, *, title_type, year, actor):
    return flow.open_case(subject, title_type=title_type, year=year, actor=actor)


def complete_evidence_collection(case, *, actor):
    return flow.perform_step(case, step="collect", outcome="complete", actor=actor)


def score_case(case, *, values, actor):
    return flow.perform_step(case, step="score", outcome="score", actor=actor, values=values)


def self_assess(case, *, values, actor):
    """A learning citizen's self-assessment, entered by the village branch officer."""
    return flow.perform_step(case, step="self_assess", outcome="score", actor=actor, values=values)


def return_for_rework(case, *, actor, reason):
    return flow.perform_step(case, step=_open_step(case), outcome="return", actor=actor, reason=reason)


def review_in_village(case, *, proposed, actor, reason=""):
    return flow.perform_step(
        case, step="review", outcome="review", actor=actor, proposed=proposed, reason=reason
    )


def decide_in_commune(case, *, recognised, actor, reason=""):
    """A one-case decision, drafted and signed by the chair from the case's step page."""
    signer = f"{actor.last_name} {actor.first_name}".strip() or actor.get_username()
    return flow.perform_step(
        case,
        step="decide",
        outcome="decide",
        actor=actor,
        recognised=recognised,
        reason=reason,
        signer_name=signer,
    )


def audit_in_district(case, *, actor):
    return flow.perform_step(case, step="audit", outcome="confirm", actor=actor)


def close_unsampled(case, *, actor, note):
    """A case outside the sample of its decision's audit: closed as not checked, its audit step done (what
    closing an audit does to every unsampled case)."""
    with transaction.atomic():
        [case] = case_services.settle_audited([case], actor=actor, revoked={}, note=note, unsampled={case.pk})
        flow.complete_steps([case], step="audit", actor=actor)
    return case


def revoke_case(case, *, actor, reason):
    return flow.perform_step(case, step="audit", outcome="revoke", actor=actor, reason=reason)


def withdraw_case(case, *, actor, reason):
    return flow.perform_step(case, step=_open_step(case), outcome="withdraw", actor=actor, reason=reason)
