"""Who may run the collective steps; a role on a unit covers its subtree, as for single cases."""

from cases.permissions import roles_for
from registry.models import Role, UnitLevel
from registry.selectors import grant_covering

SESSION_EDITORS = frozenset({Role.VILLAGE_HEAD, Role.VILLAGE_OFFICER})
DECISION_DRAFTERS = frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIR})


def can_prepare_session(user, village) -> bool:
    """The village head or the study-promotion branch officer prepares the meeting's list."""
    return grant_covering(user, village.path, SESSION_EDITORS) is not None


def can_close_session(user, session) -> bool:
    """Closing records the meeting's result for every case: the village head's step."""
    return (
        grant_covering(user, session.unit_path, roles_for("review_in_village", UnitLevel.VILLAGE)) is not None
    )


def can_draft_decision(user, commune) -> bool:
    return grant_covering(user, commune.path, DECISION_DRAFTERS) is not None


def can_sign_decision(user, decision) -> bool:
    return grant_covering(user, decision.unit_path, roles_for("decide")) is not None


def can_audit_decision(user, decision) -> bool:
    return grant_covering(user, decision.unit_path, roles_for("audit")) is not None
