"""Driving flow-backed cases through the workflow services, step by step, as the test world's users."""

from cases import services as case_services
from tests.builders import full_marks, gdht, make_household, pdf_upload, required_evidence_items
from workflows import services

STEPS = ("collect", "score", "review", "decide", "audit")


def open_case(world, village=None):
    village = village or world.village_a1
    household = make_household(village)
    return services.open_case(household, title_type=gdht(), year=2026, actor=world.user("officer_a1"))


def collect(world, case):
    for item in required_evidence_items(case):
        case_services.add_evidence(case, item=item, upload=pdf_upload(), actor=world.user("officer_a1"))
    return services.perform_step(case, step="collect", outcome="complete", actor=world.user("officer_a1"))


def _do(world, case, step):
    if step == "collect":
        return collect(world, case)
    if step == "score":
        return services.perform_step(
            case, step="score", outcome="score", actor=world.user("assessor_a1"), values=full_marks(case)
        )
    if step == "review":
        return services.perform_step(
            case, step="review", outcome="review", actor=world.user("head_a1"), proposed=True
        )
    if step == "decide":
        return services.perform_step(
            case,
            step="decide",
            outcome="decide",
            actor=world.user("chair_a"),
            recognised=True,
            signer_name="Trần Văn Chủ",
        )
    return services.perform_step(case, step="audit", outcome="confirm", actor=world.user("auditor"))


def walk(world, case, *, through: str = "audit"):
    """Complete the open steps of a village-A1 case in order, up to and including `through`."""
    start = STEPS.index(services.open_task(case).flow_task.name)
    for step in STEPS[start : STEPS.index(through) + 1]:
        case = _do(world, case, step)
    return case
