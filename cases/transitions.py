"""The case's transitions as the services make them: the permission each needs, its FSM method on Case, its
audit event, whether it needs a written reason, and the guards the model's transition carries.

The FSM decorators on Case stay the only table of allowed moves (source, target, conditions); this table
names, once, what a service adds to each move. One-case services, the collective (batch) services and the
workflow's step table all refer to these entries instead of repeating method names and event types.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from .models import Case


@dataclass(frozen=True)
class CaseTransition:
    action: str  # the permission the actor needs on the case (cases.permissions.ACTION_ROLES)
    method: str  # the FSM transition on Case
    label: Promise  # the step's name in a refusal ("Cannot “%(action)s”: ...")
    event_type: str  # the audit event it writes
    needs_reason: bool = False  # refused without a written reason (kept as the case's outcome_reason)

    def allowed(self, case: Case, *, check_conditions: bool = True) -> bool:
        """Whether the case's state (and, with check_conditions, the transition's guards) allow it now."""
        return can_proceed(getattr(case, self.method), check_conditions=check_conditions)

    def failed_guard(self, case: Case):
        """The first guard (a Case condition with a `message`) the case does not meet, or None."""
        meta = getattr(Case, self.method)._django_fsm
        transition = meta.get_transition(case.state)
        for condition in transition.conditions if transition else ():
            if not condition(case):
                return condition
        return None


COLLECT = CaseTransition(
    "collect_evidence", "collect_evidence", _("Complete evidence collection"), "case.evidence_collected"
)
SCORE = CaseTransition("score", "record_score", _("Score"), "case.scored")
# a learning citizen's self-assessment, entered on their behalf by the village branch officer (Decision 244)
SELF_ASSESS = CaseTransition("self_assess", "record_score", _("Self-assessment"), "case.scored")
PROPOSE = CaseTransition("review_in_village", "propose_in_village", _("Village review"), "case.proposed")
NOT_PROPOSE = CaseTransition(
    "review_in_village", "reject_in_village", _("Village review"), "case.not_proposed", needs_reason=True
)
RECOGNISE = CaseTransition("decide", "recognise", _("Commune decision"), "case.recognised")
REFUSE = CaseTransition("decide", "refuse", _("Commune decision"), "case.refused", needs_reason=True)
CONFIRM_AUDIT = CaseTransition("audit", "confirm_audit", _("Post-decision audit"), "case.audit_confirmed")
NOT_SAMPLED = CaseTransition("audit", "close_unsampled", _("Post-decision audit"), "case.audit_not_sampled")
REVOKE = CaseTransition("revoke", "revoke", _("Revoke recognition"), "case.revoked", needs_reason=True)
RETURN = CaseTransition(
    "return_for_rework", "return_for_rework", _("Return for rework"), "case.returned", needs_reason=True
)
WITHDRAW = CaseTransition("withdraw", "withdraw", _("Withdraw case"), "case.withdrawn", needs_reason=True)
