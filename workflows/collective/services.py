"""Closing a village meeting, signing a decision, closing an audit: the approvals service moves the cases,
then their open steps are completed (workflows.engine.completion), all in one transaction.

Pages, Celery tasks and commands call these; approvals' own functions move cases without knowing the flow.
The completion runs inside the approvals service's transaction (its `on_moved`), so these open none of their
own (a nested one would cost a savepoint).
"""

from approvals import services as approvals
from approvals.models import Audit, Decision, ReviewSession
from cases.models import CaseState

from ..engine.completion import lock_flows
from ..engine.steps import complete_steps
from ..steps.table import STEPS


def _step_on(state: CaseState) -> str:
    """The step whose cases a collective step moves: the general step that opens on their state."""
    return next(s.key for s in STEPS if s.opens_on == state and s.titles is None)


def _completing(state: CaseState, actor) -> dict:
    """The workflow's part of a collective step: its cases' processes and open steps locked before the cases
    (lock_flow), then the steps completed once the cases moved (on_moved)."""
    step = _step_on(state)
    return {
        "lock_flow": lambda case_ids: lock_flows(case_ids, step=step),
        "on_moved": lambda moved: complete_steps(list(moved), step=step, actor=actor),
    }


def close_session(session: ReviewSession, *, actor) -> ReviewSession:
    """Close the village meeting: its cases reviewed, their review steps done, the commune's next."""
    return approvals.close_session(session, actor=actor, **_completing(CaseState.SCORED, actor))


def sign_decision(decision: Decision, *, actor, signer_name: str = "") -> Decision:
    """Sign the decision: its cases decided, their decision steps done, the audits' next."""
    return approvals.sign_decision(
        decision,
        actor=actor,
        signer_name=signer_name,
        **_completing(CaseState.VILLAGE_REVIEWED, actor),
    )


def close_audit(audit: Audit, *, actor) -> Audit:
    """Close the audit: its cases confirmed or revoked, their audit steps done, their processes ended."""
    return approvals.close_audit(audit, actor=actor, **_completing(CaseState.COMMUNE_DECIDED, actor))
