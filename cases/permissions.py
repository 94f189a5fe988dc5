"""Named permission predicates: services call them to enforce, views call them to draw buttons.

A role granted on a unit covers that unit's whole subtree (prefix match on the materialised path).
"""

from criteria.authority import authority_for
from registry.models import LEVEL_DEPTH, ROLE_LEVELS, ROLE_PERMISSIONS, AdministrativeUnit, Role, UnitLevel
from registry.selectors import Grant, grant_covering, grants_for

R = Role


def _carrying(codename: str) -> frozenset[str]:
    return frozenset(role for role, codenames in ROLE_PERMISSIONS.items() if codename in codenames)


# The steps whose actor each title's recognition authority names (criteria.authority): who proposes, who
# decides, who audits. The roles below are every role that can be configured for them; the authority in force
# for the case's title and province says which one acts, and at which level.
AUTHORITY_ACTORS: dict[str, str] = {
    "review_in_village": "proposer",
    "propose": "proposal",
    "decide": "decider",
    "audit": "auditor",
    "revoke": "auditor",
}
ACTION_ROLES: dict[str, frozenset[str]] = {
    "view": frozenset(Role.values),
    "nominate": frozenset({R.VILLAGE_OFFICER, R.COMMUNE_OFFICER}),
    "collect_evidence": frozenset({R.VILLAGE_OFFICER, R.COMMUNE_OFFICER}),
    "score": frozenset({R.ASSESSOR}),
    "self_assess": frozenset({R.VILLAGE_OFFICER, R.COMMUNE_OFFICER}),
    "review_in_village": _carrying("review_case"),
    "propose": _carrying("propose_case"),
    "return_for_rework": frozenset({R.ASSESSOR, R.VILLAGE_HEAD, R.COMMUNE_OFFICER}),
    "decide": _carrying("decide_case"),
    "audit": _carrying("audit_case"),
    "revoke": _carrying("audit_case"),
    "withdraw": frozenset({R.VILLAGE_OFFICER, R.COMMUNE_OFFICER}),
    "supervise": frozenset({R.SUPERVISOR}),
}


# The unit permission (registry; django-guardian holds it where a role is assigned) standing for each action.
# registry.models.ROLE_PERMISSIONS gives it to exactly the roles roles_for() names at some unit level, a test
# keeps the two equal (tests/registry/test_unit_permissions.py). "view", "return_for_rework" and "withdraw"
# have no permission of their own; "inspect_unit" belongs to inspection.permissions.
ACTION_PERMISSIONS: dict[str, str] = {
    "nominate": "nominate_case",
    "collect_evidence": "collect_evidence",
    "score": "score_case",
    "self_assess": "collect_evidence",  # the branch officer who collects a citizen's file enters it
    "review_in_village": "review_case",
    "propose": "propose_case",
    "decide": "decide_case",
    "audit": "audit_case",
    "revoke": "audit_case",
    "supervise": "supervise_unit",
}


# Cases held at the province (units the province manages, Circular 24/2023) are prepared by the province's
# Department of Education: it opens them, collects the unit's dossier and assesses it.
PROVINCE_LEVEL_ROLES: dict[str, frozenset[str]] = {
    action: frozenset({R.EDUCATION_DEPT})
    for action in ("nominate", "collect_evidence", "score", "return_for_rework", "withdraw")
}


def step_permission(action: str) -> str:
    """The permission a flow step taking `action` declares (viewflow's `.Permission(...)`), e.g.
    "registry.score_case"; checked by guardian on the unit where the role is assigned."""
    return f"registry.{ACTION_PERMISSIONS[action]}"


def roles_for(action: str, unit_level: str | None = None) -> frozenset[str]:
    """The roles that may take `action` on something at `unit_level`: for the steps a title's authority names,
    every role that can be configured for them at that level or above (the authority narrows it: `can`)."""
    if unit_level == UnitLevel.PROVINCE and action in PROVINCE_LEVEL_ROLES:
        return PROVINCE_LEVEL_ROLES[action]
    if action in AUTHORITY_ACTORS and unit_level is not None:
        depth = LEVEL_DEPTH[unit_level]
        return frozenset(
            role
            for role in ACTION_ROLES[action]
            if any(LEVEL_DEPTH[level] <= depth for level in ROLE_LEVELS[role])
        )
    return ACTION_ROLES[action]


def acting_grant(user, actor: str, title_type_id: int, unit_path: str) -> Grant | None:
    """The user's grant that makes them the title's proposer, decider or auditor for something at unit_path:
    the configured role, held on the unit of the configured level above it."""
    role, level = authority_for(title_type_id, unit_path).actor(actor)
    return next(
        (
            g
            for g in grants_for(user)
            if g.role == role and g.unit_level == level and unit_path.startswith(g.unit_path)
        ),
        None,
    )


def authorising_grant(user, action: str, unit_path: str, unit_level: str | None = None) -> Grant | None:
    """The grant that lets the user take `action` on something at unit_path, or None."""
    return grant_covering(user, unit_path, roles_for(action, unit_level))


def case_grant(user, action: str, case) -> Grant | None:
    actor = AUTHORITY_ACTORS.get(action)
    if actor is not None:
        return acting_grant(user, actor, case.title_type_id, case.unit_path)
    return authorising_grant(user, action, case.unit_path, case.unit.level)


def can(user, action: str, case) -> bool:
    if action == "view" and getattr(user, "is_superuser", False):
        return True
    return case_grant(user, action, case) is not None


def can_view(user, case) -> bool:
    return can(user, "view", case)


def can_nominate(user, unit: AdministrativeUnit) -> bool:
    return authorising_grant(user, "nominate", unit.path, unit.level) is not None


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
