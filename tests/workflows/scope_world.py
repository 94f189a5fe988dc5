"""The scope matrix's world (tests/workflows/test_scope_matrix.py): three villages, a user per role, a case
at each step in each village, and the users whose grants do not cover them."""

import dataclasses
import datetime
from collections.abc import Callable

from django.utils import timezone

from cases import services as case_services
from cases.models import Case
from registry.models import Role, RoleAssignment, Subject
from registry.services import assign_role, end_role_assignment
from tests.builders import (
    TODAY,
    build_world,
    full_marks,
    gdht,
    make_household,
    make_user,
    pdf_upload,
    required_evidence_items,
)
from tests.conftest import _restore_shipped_criteria
from workflows import services

VILLAGES = ("A1", "A2", "B1")
STEPS = ("collect", "score", "review", "decide", "audit")
# Distinctive names: a target's secrets are its subjects' names and its case references.
BASE_NAMES = {"A1": "Đặng Văn Khải", "A2": "Trịnh Thị Lụa", "B1": "Vũ Đức Mạnh"}
ORDINAL = {
    "collect": "Nhất",
    "score": "Nhì",
    "review": "Ba",
    "decide": "Tư",
    "audit": "Năm",
    "spare": "Út",
    "moved_done": "Sáu",  # collected by the officer who has since moved from B1 to A2
    "moved_held": "Bảy",  # its collect step is still claimed by that officer
}
REASON = "Kiểm tra phạm vi"
ANONYMOUS = "anonymous"
NOBODY = "nobody"
MOVED = "moved_b1"  # was a village officer in B1, whose role there ended; now a village officer in A2


def officer(village: str) -> str:
    return f"officer_{village.lower()}"


def assessor(village: str) -> str:
    return f"assessor_{village.lower()}"


def head(village: str) -> str:
    return f"head_{village.lower()}"


def chair(village: str) -> str:
    return f"chair_{village[0].lower()}"


def supervisor(village: str) -> str:
    return f"supervisor_{village[0].lower()}"


STEP_ACTOR: dict[str, Callable[[str], str]] = {
    "collect": officer,
    "score": assessor,  # the score step is claimed by the village's assessor
    "review": head,
    "decide": chair,
    "audit": lambda village: "auditor",
}


# --- the world ------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Target:
    """One village's cases, one open at each step, each with evidence; and a subject with no case yet."""

    village: str
    cases: dict[str, Case]  # by the step open on it (B1 also has the moved officer's "moved_*" cases)
    tasks: dict[str, int]  # the open task's pk, by the same keys
    evidence: dict[str, int]  # one evidence file pk, by the same keys
    spare: Subject

    @property
    def base_name(self) -> str:
        return BASE_NAMES[self.village]

    def name(self, step: str) -> str:
        return f"Hộ {self.base_name} {ORDINAL[step]}"

    def listed(self) -> list[str]:
        """What a full case list of the village shows: every case's subject name and reference."""
        return [*(self.name(key) for key in self.cases), *(case.reference for case in self.cases.values())]

    def secrets(self, echoed: str = "") -> list[str]:
        """Each subject's name and each case reference; a query the page echoes back is not a leak."""
        names = [f"{self.base_name} {ORDINAL[key]}" for key in ORDINAL]
        return [s for s in (*names, *(case.reference for case in self.cases.values())) if s != echoed]


@dataclasses.dataclass
class Matrix:
    users: dict
    targets: dict[str, Target]


def _build() -> Matrix:
    _restore_shipped_criteria()
    world = build_world()
    users = dict(world.users)
    users.update(
        assessor_a2=make_user(Role.ASSESSOR, world.village_a2, "assessor_a2"),
        assessor_b1=make_user(Role.ASSESSOR, world.village_b1, "assessor_b1"),
        head_a2=make_user(Role.VILLAGE_HEAD, world.village_a2, "head_a2"),
        head_b1=make_user(Role.VILLAGE_HEAD, world.village_b1, "head_b1"),
        chair_b=make_user(Role.COMMUNE_CHAIR, world.commune_b, "chair_b"),
        nobody=make_user(None, None, NOBODY),
    )
    units = {"A1": world.village_a1, "A2": world.village_a2, "B1": world.village_b1}
    targets = {}
    for village, unit in units.items():
        target = Target(village, {}, {}, {}, spare=None)
        for depth, step in enumerate(STEPS):
            case = _case_at(users, village, unit, target.name(step), depth)
            target.cases[step] = case
            target.tasks[step] = services.open_task(case, step).pk
            target.evidence[step] = case.evidence.order_by("pk").values_list("pk", flat=True).first()
        target.spare = make_household(unit, name=target.name("spare")).subject_ptr
        targets[village] = target
    _move_officer(users, world, targets["B1"])
    return Matrix(users, targets)


def _move_officer(users, world, target: Target) -> None:
    """An officer works in B1 (one step done, one claimed), then moves to A2: B1 leaves all their lists."""
    moved = users[MOVED] = make_user(Role.VILLAGE_OFFICER, world.village_b1, MOVED)
    for key in ("moved_done", "moved_held"):
        household = make_household(world.village_b1, name=target.name(key))
        case = services.open_case(household, title_type=gdht(), year=2026, actor=moved)
        for item in required_evidence_items(case):
            case_services.add_evidence(case, item=item, upload=pdf_upload(), actor=moved)
        if key == "moved_done":
            case = services.perform_step(case, step="collect", outcome="complete", actor=moved)
        else:
            services.claim_task(services.open_task(case, "collect"), actor=moved)
        target.cases[key] = case
        target.tasks[key] = services.open_task(case).pk
        target.evidence[key] = case.evidence.order_by("pk").values_list("pk", flat=True).first()
    end_role_assignment(
        RoleAssignment.objects.get(user=moved, unit=world.village_b1),
        actor=None,
        on=timezone.localdate() - datetime.timedelta(days=1),
        reason="Chuyển công tác sang thôn Tây",
    )
    assign_role(moved, role=Role.VILLAGE_OFFICER, unit=world.village_a2, actor=None, valid_from=TODAY)


def _case_at(users, village: str, unit, name: str, depth: int) -> Case:
    """A case opened in the village and walked forward `depth` steps; the score step is left claimed."""
    household = make_household(unit, name=name)
    case = services.open_case(household, title_type=gdht(), year=2026, actor=users[officer(village)])
    if depth == 0:
        item = required_evidence_items(case).first()
        case_services.add_evidence(case, item=item, upload=pdf_upload(), actor=users[officer(village)])
        return case
    for item in required_evidence_items(case):
        case_services.add_evidence(case, item=item, upload=pdf_upload(), actor=users[officer(village)])
    case = services.perform_step(case, step="collect", outcome="complete", actor=users[officer(village)])
    if depth == 1:
        services.claim_task(services.open_task(case, "score"), actor=users[assessor(village)])
        return case
    case = services.perform_step(
        case, step="score", outcome="score", actor=users[assessor(village)], values=full_marks(case)
    )
    if depth == 2:
        return case
    case = services.perform_step(
        case, step="review", outcome="review", actor=users[head(village)], proposed=True
    )
    if depth == 3:
        return case
    return services.perform_step(
        case,
        step="decide",
        outcome="decide",
        actor=users[chair(village)],
        recognised=True,
        signer_name="Chủ tịch",
    )
