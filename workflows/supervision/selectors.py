"""Reads of the supervisor workspace: where a subtree's cases stand, what is late, who holds what.

A supervisor's grants are units; the workspace shows one of them (or a unit below) at a time, one row per
unit directly under it (and one for cases held at that unit itself), with counts by state, and the open
steps that are overdue or at risk. All counts are a few GROUP BY queries over the subtree, rolled up to the
rows in Python, so the page costs the same for a commune and for a province.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from viewflow.workflow.status import STATUS

from cases.conf import setting
from cases.models import Case, CaseState
from cases.permissions import ACTION_ROLES
from cases.selectors import get_case_for
from registry.models import AdministrativeUnit, Role, RoleAssignment
from registry.selectors import scope_paths

from ..models import CaseTask
from ..steps.base import step_actions
from ..steps.table import STEPS

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


@dataclass
class UnitRow:
    unit: AdministrativeUnit
    own: bool = False  # the row of cases held at the shown unit itself
    states: dict = field(default_factory=lambda: defaultdict(int))
    open_steps: int = 0
    overdue: int = 0
    at_risk: int = 0

    @property
    def total(self) -> int:
        return sum(self.states.values())

    def cells(self):
        """(state, count) in the order of CaseState, for the table's columns."""
        return [(state, self.states.get(state, 0)) for state in CaseState.values]


def supervised_paths(user) -> list[str]:
    return scope_paths(user, roles={Role.SUPERVISOR})


def supervised_roots(user) -> list[AdministrativeUnit]:
    return list(AdministrativeUnit.objects.filter(path__in=supervised_paths(user)).order_by("path"))


def unit_for(user, code: str | None) -> AdministrativeUnit:
    """The unit to show: the given one if it lies in the supervisor's subtrees, else the first granted one."""
    paths = supervised_paths(user)
    if not paths:
        raise Http404
    if not code:
        return AdministrativeUnit.objects.get(path=paths[0])
    unit = AdministrativeUnit.objects.filter(code=code).first()
    if unit is None or not any(unit.path.startswith(p) for p in paths):
        raise Http404
    return unit


def _row_key(unit_path: str, root: AdministrativeUnit) -> str:
    """The path of the row a case at unit_path counts in: the child of root on its way, or root itself."""
    rest = unit_path[len(root.path) :].strip("/")
    return root.path + rest.split("/")[0] + "/" if rest else root.path


def open_tasks_under(root: AdministrativeUnit, year: int | None = None):
    qs = CaseTask.objects.filter(
        status__in=OPEN, flow_task_type="HUMAN", case__unit_path__startswith=root.path
    )
    return qs.filter(case__year=year) if year else qs


def late_q(now: datetime.datetime) -> dict:
    running = Q(paused_at__isnull=True)
    return {
        "overdue": Count("pk", filter=running & Q(due_at__lt=now)),
        "at_risk": Count("pk", filter=running & Q(remind_at__lte=now, due_at__gte=now)),
    }


def overview(
    root: AdministrativeUnit, year: int | None, now: datetime.datetime | None = None
) -> list[UnitRow]:
    """One row per unit directly under `root` (and one for root's own cases, when it has any)."""
    now = now or timezone.now()
    rows = {u.path: UnitRow(u) for u in AdministrativeUnit.objects.filter(parent=root).order_by("code")}
    own = UnitRow(root, own=True)

    def row(path: str) -> UnitRow:
        key = _row_key(path, root)
        return own if key == root.path else rows.setdefault(key, UnitRow(_unit_by_path(key)))

    cases = Case.objects.filter(unit_path__startswith=root.path)
    if year:
        cases = cases.filter(year=year)
    for item in cases.values("unit_path", "state").annotate(n=Count("pk")).order_by():
        row(item["unit_path"]).states[item["state"]] += item["n"]
    steps = open_tasks_under(root, year).values("case__unit_path").annotate(n=Count("pk"), **late_q(now))
    for item in steps.order_by():
        target = row(item["case__unit_path"])
        target.open_steps += item["n"]
        target.overdue += item["overdue"]
        target.at_risk += item["at_risk"]
    result = list(rows.values())
    return [own, *result] if own.total or own.open_steps else result


def _unit_by_path(path: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(path=path)


def totals(rows: list[UnitRow]) -> UnitRow:
    total = UnitRow(rows[0].unit if rows else None)
    for r in rows:
        for state, n in r.states.items():
            total.states[state] += n
        total.open_steps += r.open_steps
        total.overdue += r.overdue
        total.at_risk += r.at_risk
    return total


def stalled_steps(root: AdministrativeUnit, now: datetime.datetime | None = None):
    """Open steps without any change for STALLED_AFTER_DAYS, oldest first."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=setting("STALLED_AFTER_DAYS"))
    return (
        open_tasks_under(root)
        .filter(created__lte=since)
        .select_related("case__subject", "case__unit", "owner")
        .order_by("created", "pk")
    )


def workload(root: AdministrativeUnit, now: datetime.datetime | None = None) -> list[dict]:
    """Open steps held per officer under root, with how many are overdue or at risk; most loaded first."""
    now = now or timezone.now()
    rows = (
        open_tasks_under(root)
        .filter(owner__isnull=False)
        .values("owner_id", "owner__username", "owner__first_name", "owner__last_name")
        .annotate(n=Count("pk"), **late_q(now))
        .order_by("-n", "owner__username")
    )
    return list(rows)


def unclaimed(root: AdministrativeUnit, now: datetime.datetime | None = None) -> dict:
    now = now or timezone.now()
    return open_tasks_under(root).filter(owner__isnull=True).aggregate(n=Count("pk"), **late_q(now))


# --- an officer's steps and their reassignment ---------------------------------------------------------

OFFICER_STEPS_LIMIT = 200


def get_officer(user_pk: int):
    """The user whose steps the page shows, or 404."""
    return get_object_or_404(get_user_model(), pk=user_pk)


def officer_open_tasks(root: AdministrativeUnit, officer) -> list[CaseTask]:
    """The officer's open steps on cases under root (case, subject and unit joined), soonest due first."""
    return list(
        open_tasks_under(root)
        .filter(owner=officer)
        .select_related("case__subject", "case__unit")
        .order_by("due_at", "pk")[:OFFICER_STEPS_LIMIT]
    )


def reassignment_candidates(root: AdministrativeUnit, officer) -> QuerySet:
    """Users other than the officer who hold a step role on root, above it or below it: whom steps may be
    given to."""
    step_roles = {role for action in step_actions().values() for role in ACTION_ROLES[action]}
    codes = root.path.strip("/").split("/")
    return (
        get_user_model()
        .objects.filter(
            pk__in=RoleAssignment.objects.active()
            .filter(role__in=step_roles)
            .filter(unit__path__startswith=root.path)
            .values("user")
            .union(
                RoleAssignment.objects.active()
                .filter(role__in=step_roles, unit__code__in=codes)
                .values("user")
            )
        )
        .order_by("username")
        .exclude(pk=officer.pk)
    )


def clock_task_for(user, task_pk: int) -> CaseTask:
    """A human step (with its case) whose deadline clock may be paused or resumed, or 404 when the step is
    missing or its case lies outside the user's scope."""
    task = get_object_or_404(CaseTask.objects.select_related("case"), pk=task_pk, flow_task_type="HUMAN")
    get_case_for(user, task.case_id)  # 404 outside the user's units
    return task


# --- the campaign calendar ------------------------------------------------------------------------------

# the order a case goes through the steps (the step table's general path)
STEP_ORDER = tuple(s.key for s in STEPS if s.titles is None)


@dataclass
class Milestone:
    key: str
    label: str
    date: datetime.date
    step: str | None  # the step every case must have finished by then (None: nothing to project)
    at_risk: int = 0

    def days_left(self, today: datetime.date) -> int:
        return (self.date - today).days


def milestones(year: int) -> list[Milestone]:
    from django.utils.translation import gettext as _

    dates = setting("CAMPAIGN")
    spec = [
        ("registration_end", _("Registrations close"), None),
        ("village_meetings", _("Village review meetings held"), "review"),
        ("commune_decisions", _("Commune decisions signed"), "decide"),
        ("report_province", _("Report to the province"), "decide"),
        ("report_ministry", _("Province report to the ministry"), "decide"),
    ]
    return [Milestone(key, label, datetime.date(year, *dates[key]), step) for key, label, step in spec]


def campaign(root: AdministrativeUnit, year: int, today: datetime.date | None = None) -> list[Milestone]:
    """The year's milestones, each with how many open cases of the subtree will miss it at the pace the
    step deadlines set: a case's open step finishes on its due day (or today, when overdue), each later step
    takes its working days, and the case misses the milestone when its milestone step ends after the date.
    One grouped query (by step, title and due day), projected in Python."""
    from ..deadlines import policy
    from ..deadlines.workdays import calendar

    today = today or timezone.localdate()
    work = calendar()
    groups = (
        open_tasks_under(root, year)
        .filter(step__in=STEP_ORDER)
        .annotate(due_day=TruncDate("due_at", tzinfo=timezone.get_current_timezone()))
        .values("step", "case__title_type_id", "due_day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result = milestones(year)
    for group in groups:
        position = STEP_ORDER.index(group["step"])
        finish = max(group["due_day"] or today, today)
        projected = {group["step"]: finish}
        for later in STEP_ORDER[position + 1 :]:
            rule = policy(later, group["case__title_type_id"])
            finish = work.add(finish, rule[0] if rule else 0)
            projected[later] = finish
        for milestone in result:
            end = projected.get(milestone.step) if milestone.step else None
            if end is not None and end > milestone.date:
                milestone.at_risk += group["n"]
    return result
