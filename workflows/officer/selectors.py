"""Reads of the work lists (inbox, queue, archive), scoped to the user's grants and filterable."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from viewflow.workflow.status import STATUS

from cases.models import Case
from cases.permissions import AUTHORITY_ACTORS, roles_for
from cases.selectors import get_case_for
from criteria.authority import authorities_in
from criteria.models import TitleType
from registry.models import SubjectKind, UnitLevel
from registry.selectors import covering_paths, grants_for, path_q, scope_paths
from registry.text import fold

from ..models import CaseTask
from ..steps.base import step_actions

CASE_LEVELS = (UnitLevel.VILLAGE, UnitLevel.COMMUNE, UnitLevel.PROVINCE)


@dataclass(frozen=True)
class TaskFilters:
    q: str = ""
    step: str = ""
    title: str = ""
    state: str = ""
    year: int | None = None
    unit_path: str = ""
    due: str = ""  # "overdue" | "week"
    order: str = "due"  # "due" | "created"


_RELATED = ("case__subject", "case__unit", "case__title_type", "owner")


def _tasks() -> QuerySet[CaseTask]:
    return CaseTask.objects.filter(flow_task_type="HUMAN").select_related(*_RELATED)


def queue_q(user) -> Q:
    """Open steps the user may take: per step, the unit subtrees where one of the user's roles acts on it.

    One prefix match on the step's unit (a copy of the case's) per covering grant path and step; the unit's
    level enters only where the acting role differs by level (the review of commune-level cases).
    """
    grants = grants_for(user)
    q = Q(pk__in=[])
    for step, action in step_actions().items():
        if action in AUTHORITY_ACTORS:
            q |= Q(step=step) & _acting_q(grants, AUTHORITY_ACTORS[action])
            continue
        by_level = {}
        for level in CASE_LEVELS:
            roles = roles_for(action, level)
            by_level[level] = covering_paths({g.unit_path for g in grants if g.role in roles})
        step_q = Q(step=step)
        if by_level[UnitLevel.VILLAGE] == by_level[UnitLevel.COMMUNE] == by_level[UnitLevel.PROVINCE]:
            if by_level[UnitLevel.VILLAGE]:
                q |= step_q & path_q(by_level[UnitLevel.VILLAGE], field="unit__path", unit_field="unit")
            continue
        for level, paths in by_level.items():
            if paths:
                q |= step_q & Q(unit__level=level) & path_q(paths, field="unit__path", unit_field="unit")
    return q


def _acting_q(grants, actor: str) -> Q:
    """The steps of an actor a title's authority names (proposer, decider, auditor) that the user's grants
    make theirs: per grant, the titles whose authority in the grant's province names its role at its level."""
    paths_by_titles: dict[frozenset[int], set[str]] = {}
    for g in grants:
        titles = frozenset(
            title_id
            for title_id, authority in authorities_in(g.unit_path.strip("/").split("/")[0]).items()
            if authority.actor(actor) == (g.role, g.unit_level)
        )
        if titles:
            paths_by_titles.setdefault(titles, set()).add(g.unit_path)
    q = Q(pk__in=[])
    for titles, paths in paths_by_titles.items():
        q |= Q(case__title_type_id__in=sorted(titles)) & path_q(
            covering_paths(paths), field="unit__path", unit_field="unit"
        )
    return q


def _filtered(qs: QuerySet[CaseTask], f: TaskFilters) -> QuerySet[CaseTask]:
    if f.q:
        qs = qs.filter(
            Q(case__reference__icontains=f.q.strip()) | Q(case__subject__name_folded__contains=fold(f.q))
        )
    if f.step in step_actions():
        qs = qs.filter(step=f.step)
    if f.title:
        qs = qs.filter(case__title_type__code=f.title)
    if f.state:
        qs = qs.filter(case__state=f.state)
    if f.year:
        qs = qs.filter(case__year=f.year)
    if f.unit_path:
        qs = qs.filter(unit__path__startswith=f.unit_path)
    now = timezone.now()
    if f.due == "overdue":
        qs = qs.filter(due_at__lt=now)
    elif f.due == "week":
        qs = qs.filter(due_at__gte=now, due_at__lt=now + datetime.timedelta(days=7))
    if f.order == "created":
        return qs.order_by("-created", "-pk")
    return qs.order_by(F("due_at").asc(nulls_last=True), "pk")


def _own_tasks(user) -> QuerySet[CaseTask]:
    """Steps assigned to the user, on cases still in the user's scope.

    A role that has ended takes its unit's cases off the user's inbox and archive, as off every other list.
    """
    qs = _tasks().filter(owner=user)
    return (
        qs
        if user.is_superuser
        else qs.filter(path_q(scope_paths(user), field="unit__path", unit_field="unit"))
    )


def inbox_for(user, filters: TaskFilters = TaskFilters()) -> QuerySet[CaseTask]:
    """Steps the user has claimed and not finished."""
    return _filtered(_own_tasks(user).filter(status__in=(STATUS.ASSIGNED, STATUS.STARTED)), filters)


def queue_for(user, filters: TaskFilters = TaskFilters()) -> QuerySet[CaseTask]:
    """Unclaimed steps the user may take (the partial index on queued steps serves step and due order)."""
    queued = CaseTask.objects.filter(queued=True).select_related(*_RELATED)  # queued steps are human steps
    return _filtered(queued.filter(queue_q(user)), filters)


def queued_tasks_among(user, pks) -> QuerySet[CaseTask]:
    """Those of the given steps that the user could take from their queue (the others are not theirs)."""
    return CaseTask.objects.filter(pk__in=pks).filter(queue_q(user))


def archive_for(user, filters: TaskFilters = TaskFilters()) -> QuerySet[CaseTask]:
    """Steps the user completed."""
    qs = _filtered(_own_tasks(user).filter(status=STATUS.DONE), filters)
    # done steps have no meaningful due order: the default shows the most recently finished first
    return qs.order_by("-finished", "-pk") if filters.order == "due" else qs


def open_step_for(case) -> CaseTask | None:
    """The case's open human step (with its assignee), if any."""
    return (
        CaseTask.objects.filter(case=case, flow_task_type="HUMAN", status__in=(STATUS.NEW, STATUS.ASSIGNED))
        .select_related("owner")
        .first()
    )


def task_of_case(case: Case, task_pk: int) -> CaseTask | None:
    """The case's step with this primary key, if the case has it."""
    return CaseTask.objects.filter(pk=task_pk, case=case).first()


def human_task_and_case_for(user, task_pk: int) -> tuple[CaseTask, Case]:
    """A human step (with its assignee) and its case, or 404 when missing or outside the user's scope."""
    task = CaseTask.objects.filter(pk=task_pk, flow_task_type="HUMAN").select_related("owner").first()
    if task is None:
        raise Http404
    return task, get_case_for(user, task.case_id)


def case_of_task_for(user, task_pk: int) -> Case:
    """The case of any step, or 404 when the step is missing or its case lies outside the user's scope."""
    task = get_object_or_404(CaseTask, pk=task_pk)
    return get_case_for(user, task.case_id)


def default_title(titles: QuerySet[TitleType]) -> TitleType | None:
    """The title a nomination search starts on: the first household title among `titles`, else the first."""
    return titles.filter(subject_kind=SubjectKind.HOUSEHOLD).first() or titles.first()
