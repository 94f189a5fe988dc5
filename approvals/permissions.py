"""Who may run the collective steps; a role on a unit covers its subtree, as for single cases."""

from cases.permissions import acting_grant
from registry.models import Role
from registry.selectors import grant_covering

SESSION_EDITORS = frozenset({Role.VILLAGE_HEAD, Role.VILLAGE_OFFICER})
DECISION_DRAFTERS = frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIR})


def can_prepare_session(user, village) -> bool:
    """The village head or the study-promotion branch officer prepares the meeting's list."""
    return grant_covering(user, village.path, SESSION_EDITORS) is not None


def can_close_session(user, session) -> bool:
    """Closing records the meeting's result for every case: the step of whoever proposes the title (the
    village head, by its recognition authority)."""
    return acting_grant(user, "proposer", session.title_type_id, session.unit_path) is not None


def can_draft_decision(user, unit, title_type_id: int | None = None) -> bool:
    """The commune's office drafts the commune's decisions; whoever decides a title drafts its decisions too
    (the Association, the Department of Education, at their own level)."""
    if grant_covering(user, unit.path, DECISION_DRAFTERS) is not None:
        return True
    return title_type_id is not None and _decides_at(user, title_type_id, unit)


def _decides_at(user, title_type_id: int, unit) -> bool:
    grant = acting_grant(user, "decider", title_type_id, unit.path)
    return grant is not None and grant.unit_path == unit.path


def can_sign_decision(user, decision) -> bool:
    return _decides_at(user, decision.title_type_id, decision.commune)


def can_audit_decision(user, decision) -> bool:
    return acting_grant(user, "auditor", decision.title_type_id, decision.unit_path) is not None
