"""What the generated province is made of: its codes, the states its cases are in and in what share, the
names of its households, who does which step, and the batch size of the inserts."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from cases.models import CaseState
from criteria.models import CriteriaSet, TitleType
from registry.models import AdministrativeUnit, Role
from workflows.flows import RecognitionFlow

PROVINCE_CODE = "90"
TITLE_CODE = "GDHT"
ROLE_VALID_FROM = datetime.date(2024, 1, 1)
VILLAGE_ROLES = (Role.VILLAGE_OFFICER, Role.ASSESSOR, Role.VILLAGE_HEAD)
COMMUNE_ROLES = (Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIR, Role.SUPERVISOR)
PROVINCE_ROLES = (Role.AUDITOR, Role.SUPERVISOR)

S = CaseState
# A mid-year snapshot: this year's cases are still moving, earlier years' cases are mostly closed.
STATE_WEIGHTS = {
    S.NOMINATED: 12,
    S.EVIDENCE_COLLECTED: 10,
    S.SCORED: 8,
    S.VILLAGE_REVIEWED: 8,
    S.COMMUNE_DECIDED: 10,
    S.DISTRICT_AUDITED: 35,
    S.NOT_RECOGNIZED: 8,
    S.REVOKED: 2,
    S.WITHDRAWN: 7,
}
CURRENT_YEAR_STATES = {S.NOMINATED, S.EVIDENCE_COLLECTED, S.SCORED, S.VILLAGE_REVIEWED, S.COMMUNE_DECIDED}
SCORED_STATES = {
    S.SCORED,
    S.VILLAGE_REVIEWED,
    S.COMMUNE_DECIDED,
    S.DISTRICT_AUDITED,
    S.NOT_RECOGNIZED,
    S.REVOKED,
}
DECIDED_STATES = {S.COMMUNE_DECIDED, S.DISTRICT_AUDITED, S.REVOKED}

# Household heads: family, middle and given names (split on spaces).
FAMILY = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
MIDDLE = "Văn Thị Hữu Đức Minh Ngọc Quang Thanh Xuân Công".split()
GIVEN = (
    "An Bình Cường Dũng Đức Giang Hà Hải Hạnh Hòa Hùng Hương Khánh Lan Linh Long Mai Minh Nam Nga Phúc "
    "Phương Quân Sơn Tâm Thảo Thắng Trang Tuấn Vân Yến"
).split()

# The recognition flow's human steps, in order, and the step a case in each open state waits for: the step
# table's. Who does each step here:
# (households, so the steps every title takes, not a title's own such as CONGDAN's self_assess)
STEPS = tuple(step.key for step in RecognitionFlow.steps if step.titles is None)
STEP_OF_STATE = {step.opens_on: step.key for step in RecognitionFlow.steps if step.titles is None}
STEP_ROLES = {
    "collect": Role.VILLAGE_OFFICER,  # on the village
    "score": Role.ASSESSOR,  # on the village
    "review": Role.VILLAGE_HEAD,  # on the village
    "decide": Role.COMMUNE_CHAIR,  # on the commune
    "audit": Role.AUDITOR,  # on the province (the village's audit unit: no district level here)
}
ASSIGNED_SHARE = 0.3  # open steps already claimed by the unit's role user
ALL_UNITS_EVERY = 10  # of the claimed collect steps, every 10th is claimed by the all-units user instead
HISTORY_SHARE = 0.1  # cases that also carry DONE tasks for the steps already behind them
DUE_SPREAD_DAYS = 30  # open steps are due within +-30 days of now (some overdue, some this week)
# A user holding a supervisor and a village-officer grant on every village of the province: the broadest
# queue (every collect step of the province) and the longest grant list a user can have here.
ALL_UNITS_USERNAME = "all-units.90"
ALL_UNITS_ROLES = (Role.SUPERVISOR, Role.VILLAGE_OFFICER)

BATCH = 2000


def username_for(role: str, unit: AdministrativeUnit) -> str:
    return f"{role}.{unit.code}"


@dataclass
class BenchWorld:
    """The generated province, found again by its codes."""

    province: AdministrativeUnit
    communes: list[AdministrativeUnit]
    villages: dict[int, list[AdministrativeUnit]]  # commune pk -> its villages, by code
    title_type: TitleType
    criteria_set: CriteriaSet

    def user(self, role: str, unit: AdministrativeUnit):
        return get_user_model().objects.get(username=username_for(role, unit))

    def all_villages(self) -> list[AdministrativeUnit]:
        return [v for c in self.communes for v in self.villages[c.pk]]

    def all_units_user(self):
        """The user with a supervisor and a village-officer grant on every village."""
        return get_user_model().objects.get(username=ALL_UNITS_USERNAME)

    def commune_of(self, village: AdministrativeUnit) -> AdministrativeUnit:
        return next(c for c in self.communes if c.pk == village.parent_id)
