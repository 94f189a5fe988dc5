"""Reads of the case file's work panel and the step pages: the case's steps, the criteria items to work on."""

from django.db.models import QuerySet

from cases.models import Case
from criteria.models import CriterionItem

from ..models import CaseTask


def human_tasks_of(case: Case) -> list[CaseTask]:
    """The case's human steps (with their assignees), oldest first."""
    return list(
        CaseTask.objects.filter(case=case, flow_task_type="HUMAN").select_related("owner").order_by("pk")
    )


def criteria_items(case: Case) -> QuerySet[CriterionItem]:
    """The items of the case's pinned criteria set, in sheet order."""
    return (
        CriterionItem.objects.filter(criterion__criteria_set_id=case.criteria_set_id)
        .select_related("criterion")
        .order_by("criterion__order", "criterion__pk", "order", "pk")
    )
