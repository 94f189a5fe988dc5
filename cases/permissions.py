"""Named permission predicates: services call them to enforce, views call them to draw buttons.

A role granted on a unit covers that unit's whole subtree (prefix match on the materialised path).
"""

from registry.models import AdministrativeUnit, Role, UnitLevel
from registry.selectors import Grant, grant_covering

R = Role
ACTION_ROLES: dict[str, frozenset[str]] = {
    "view": frozenset(Role.values),
    "nominate": frozenset({R.VILLAGE_OFFICER, R.COMMUNE_OFFICER}),
    "collect_evidence": frozenset({R.VILLAGE_OFFICER, R.COMMUNE_OFFICER}),
    "score": frozenset({R.ASSESSOR}),
    "review_in_village": frozenset({R.VILLAGE_HEAD}),
    "return_for_rework": frozenset({R.ASSESSOR, R.VILLAGE_HEAD, R.COMMUNE_OFFICER}),
    "decide": frozenset({R.COMMUNE_CHAIR}),
    "audit": frozenset({R.AUDITOR}),
    "revoke": frozenset({R.AUDITOR}),
    "withdraw": frozenset({R.VILLAGE_OFFICER, R.COMMUNE_OFFICER}),
    "supervise": frozenset({R.SUPERVISOR}),
}


# Cases held at commune level (clans, organisations) have no village meeting: the commune officer, who
# prepares the commune's review, takes that step instead of a village head.
COMMUNE_LEVEL_ROLES: dict[str, frozenset[str]] = {
    "review_in_village": frozenset({R.COMMUNE_OFFICER}),
}


# The unit permission (registry; django-guardian holds it where a role is assigned) standing for each action.
# registry.models.ROLE_PERMISSIONS gives it to exactly the roles roles_for() names at some unit level, a test
# keeps the two equal (tests/registry/test_unit_permissions.py). "view", "return_for_rework" and "withdraw"
# have no permission of their own; "inspect_unit" belongs to inspection.permissions.
ACTION_PERMISSIONS: dict[str, str] = {
    "nominate": "nominate_case",
    "collect_evidence": "collect_evidence",
    "score": "score_case",
    "review_in_village": "review_case",
    "decide": "decide_case",
    "audit": "audit_case",
    "revoke": "audit_case",
    "supervise": "supervise_unit",
}


def step_permission(action: str) -> str:
    """The permission a flow step taking `action` declares (viewflow's `.Permission(...)`), e.g.
    "registry.score_case"; checked by guardian on the unit where the role is assigned."""
    return f"registry.{ACTION_PERMISSIONS[action]}"


def roles_for(action: str, unit_level: str | None = None) -> frozenset[str]:
    if unit_level == UnitLevel.COMMUNE and action in COMMUNE_LEVEL_ROLES:
        return COMMUNE_LEVEL_ROLES[action]
    return ACTION_ROLES[action]


def authorising_grant(user, action: str, unit_path: str, unit_level: str | None = None) -> Grant | None:
    """The grant that lets the user take `action` on something at unit_path, or None."""
    return grant_covering(user, unit_path, roles_for(action, unit_level))


def case_grant(user, action: str, case) -> Grant | None:
    return authorising_grant(user, action, case.unit_path, case.unit.level)


def can(user, action: str, case) -> bool:
    if action == "view" and getattr(user, "is_superuser", False):
        return True
    return case_grant(user, action, case) is not None


def can_view(user, case) -> bool:
    return can(user, "view", case)


def can_nominate(user, unit: AdministrativeUnit) -> bool:
    return authorising_grant(user, "nominate", unit.path) is not None


def can_collect_evidence(user, case) -> bool:
    return can(user, "collect_evidence", case)


def can_score(user, case) -> bool:
    return can(user, "score", case)


def can_review_in_village(user, case) -> bool:
    return can(user, "review_in_village", case)


def can_return_for_rework(user, case) -> bool:
    return can(user, "return_for_rework", case)


def can_decide(user, case) -> bool:
    return can(user, "decide", case)


def can_audit(user, case) -> bool:
    return can(user, "audit", case)


def can_revoke(user, case) -> bool:
    return can(user, "revoke", case)


def can_withdraw(user, case) -> bool:
    return can(user, "withdraw", case)
