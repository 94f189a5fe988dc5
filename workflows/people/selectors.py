"""Reads of people management, scoped to the units the reader manages (registry.permissions.managed_paths)."""

from django.db.models import Count, Q
from django.utils import timezone
from viewflow.workflow.status import STATUS

from registry.accounts import is_activated
from registry.models import AdministrativeUnit, RoleAssignment, UnitLevel
from registry.permissions import can_manage_role, managed_paths
from registry.selectors import path_q

from ..models import CaseTask


def manages_people(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    paths = managed_paths(user)
    return paths is None or bool(paths)


def _scoped(user, qs, field: str = "unit__path"):
    paths = managed_paths(user)
    return qs if paths is None else qs.filter(path_q(paths, field))


def role_holders(user, *, unit: AdministrativeUnit | None = None, q: str = "", role: str = ""):
    """The roles held today or later on the units the user manages (under `unit` if given), with their
    holders, units and how many steps each holder has claimed; the actions the user may take are flagged."""
    today = timezone.localdate()
    qs = RoleAssignment.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    qs = _scoped(user, qs)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if role:
        qs = qs.filter(role=role)
    if q:
        qs = qs.filter(
            Q(user__first_name__icontains=q) | Q(user__username__icontains=q) | Q(unit__name__icontains=q)
        )
    return qs.select_related("user", "unit").order_by("unit__path", "role", "user__first_name", "pk")


def decorate(user, assignments) -> list:
    """Mark each assignment of a page with what the reader may do and the holder's claimed steps there."""
    rows = list(assignments)
    claimed = dict(
        CaseTask.objects.filter(
            owner_id__in={a.user_id for a in rows}, status=STATUS.ASSIGNED, flow_task_type="HUMAN"
        )
        .values("owner_id")
        .annotate(n=Count("pk"))
        .values_list("owner_id", "n")
    )
    for a in rows:
        a.manageable = can_manage_role(user, a.role, a.unit)
        a.activated = is_activated(a.user)
        a.claimed = claimed.get(a.user_id, 0)
    return rows


def assignment_for(user, pk: int) -> RoleAssignment | None:
    """One role assignment in the user's managed units, or None (not found, or not theirs to see)."""
    return _scoped(user, RoleAssignment.objects.select_related("user", "unit")).filter(pk=pk).first()


def units_for(user, *, villages: bool = True):
    """The units whose people the user manages (the unit filter lists them without the villages)."""
    qs = (
        AdministrativeUnit.objects.all()
        if villages
        else AdministrativeUnit.objects.exclude(level=UnitLevel.VILLAGE)
    )
    return _scoped(user, qs, "path").order_by("path")


def awaiting_activation(
    user, *, unit: AdministrativeUnit | None = None
) -> list[tuple[AdministrativeUnit, list]]:
    """Accounts not yet activated that hold a role the user manages, grouped by commune (the printable sheet):
    [(commune or unit, [(assignment, user), ...])]."""
    rows = [
        a
        for a in role_holders(user, unit=unit).filter(user__is_active=True, user__password__startswith="!")  # noqa: S106 (unusable)
        if can_manage_role(user, a.role, a.unit)
    ]
    groups: dict[int, tuple] = {}
    parents = {
        u.pk: u
        for u in AdministrativeUnit.objects.filter(
            pk__in={a.unit.parent_id for a in rows if a.unit.parent_id}
        )
    }
    for a in rows:
        commune = parents.get(a.unit.parent_id, a.unit) if a.unit.level == UnitLevel.VILLAGE else a.unit
        groups.setdefault(commune.pk, (commune, []))[1].append(a)
    return sorted(groups.values(), key=lambda g: g[0].path)
