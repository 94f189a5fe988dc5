"""A step added to a copy of the step table, in a flow built from it, reaches the work lists, the case file's
panel, the deadlines and the step's completion with no other change: the table is the one place a step is
declared."""

import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone

import workflows.flows
from cases.models import CaseState
from tests.builders import full_marks, gdht, make_household
from tests.workflows.walk import collect
from workflows import deadlines, services
from workflows.engine.nodes import build_flow
from workflows.models import CaseTask
from workflows.selectors import TaskFilters, queue_for
from workflows.steps.base import Step, step_choices, unregister
from workflows.steps.panel import work_panel
from workflows.steps.table import STEPS

# A title-specific check before scoring: a step of its own (label, deadline), with the scoring's outcomes.
PRECHECK = Step(
    key="precheck",
    label="Kiểm tra chéo",
    milestone="Đã kiểm tra chéo",
    opens_on=CaseState.EVIDENCE_COLLECTED,
    action="score",
    permission_unit=lambda case: case.unit,
    outcomes=STEPS["score"].outcomes,
    working_days=3,
    page=STEPS["score"].page,
    titles=frozenset({"GDHT"}),
    template="workflows/step_score.html",
)


@pytest.fixture
def extended(monkeypatch):
    """A flow built from the table plus PRECHECK, importable where viewflow's stored references point."""
    table = STEPS.with_step(PRECHECK, after="collect")
    flow = build_flow("ExtendedRecognitionFlow", table, module="workflows.flows")
    monkeypatch.setattr(workflows.flows, "ExtendedRecognitionFlow", flow, raising=False)
    yield flow
    unregister(table)


def _open(world, flow):
    household = make_household(world.village_a1)
    return services.open_case(
        household, title_type=gdht(), year=2026, actor=world.user("officer_a1"), flow=flow
    )


def test_an_added_step_is_routed_listed_shown_and_due_without_other_changes(world, extended):
    case = collect(world, _open(world, extended))
    assert case.state == CaseState.EVIDENCE_COLLECTED

    # routing: the flow opens the added step, not the general scoring step of the same state
    task = services.open_task(case)
    assert task.step == "precheck" and task.flow_task == extended.precheck

    # work lists: in the queue of the role the step names, filterable by the step, in no one else's
    assessor, head = world.user("assessor_a1"), world.user("head_a1")
    assert task.pk in set(queue_for(assessor).values_list("pk", flat=True))
    assert task.pk in set(queue_for(assessor, TaskFilters(step="precheck")).values_list("pk", flat=True))
    assert task.pk not in set(queue_for(head).values_list("pk", flat=True))
    assert ("precheck", "Kiểm tra chéo") in step_choices()

    # the case file's panel: the step is a milestone on the case's path, current, and the assessor may take it
    request = RequestFactory().get(f"/ho-so/{case.pk}/")
    request.user = assessor
    panel = work_panel(request, case)
    assert [s["key"] for s in panel["steps"]] == [
        "nominated",
        "collect",
        "precheck",
        "review",
        "decide",
        "audit",
    ]
    assert next(s for s in panel["steps"] if s["key"] == "precheck")["status"] == "current"
    assert panel["can_claim"] and panel["step_title"] == "Kiểm tra chéo"

    # deadlines: the step's own working days from the table
    created = timezone.localtime(CaseTask.objects.get(pk=task.pk).created)
    assert task.due_at == deadlines.due_for("precheck", case.title_type_id, created)
    assert deadlines.policy("precheck", case.title_type_id) == (3, deadlines.DEFAULT_WARNING_DAYS)
    five = deadlines.due_for("score", case.title_type_id, created)
    assert timezone.localtime(task.due_at).date() < timezone.localtime(five).date() - datetime.timedelta(
        days=1
    )

    # completion: the step's outcome runs its service and the route goes on to the village review
    scored = services.perform_step(
        case, step="precheck", outcome="score", actor=assessor, values=full_marks(case)
    )
    assert scored.state == CaseState.SCORED
    assert services.open_task(scored).step == "review"


def test_a_step_for_one_title_stays_off_the_path_of_the_others(world, extended):
    table = extended.steps
    assert [s.key for s in table.path(gdht().pk, lambda pk: "GDHT")] == [
        "collect",
        "precheck",
        "review",
        "decide",
        "audit",
    ]
    assert [s.key for s in table.path(gdht().pk, lambda pk: "DHHT")] == [
        s.key for s in STEPS if s.titles is None
    ]
    # the production table's own title step: a learning citizen self-assesses where others are scored
    assert [s.key for s in STEPS.path(gdht().pk, lambda pk: "CONGDAN")] == [
        "collect",
        "self_assess",
        "review",
        "decide",
        "audit",
    ]


def test_the_production_flow_is_unchanged_by_a_copy_of_its_table(world, extended):
    household = make_household(world.village_a1)
    case = services.open_case(household, title_type=gdht(), year=2026, actor=world.user("officer_a1"))
    case = collect(world, case)
    assert services.open_task(case).step == "score"
    assert "precheck" not in workflows.flows.RecognitionFlow.steps
