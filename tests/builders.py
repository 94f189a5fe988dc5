"""Building test state through the real services (plain rows only where no service exists)."""

import datetime
import itertools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.models import Case, CaseState
from config.demo.data import image_bytes, pdf_bytes  # noqa: F401  (pdf_bytes is re-exported)
from criteria.models import CriteriaSet, CriterionItem, TitleType
from criteria.services import adopt_criteria_set
from registry.models import Household, HouseholdMember, Role, UnitLevel
from registry.services import assign_role, create_unit

_seq = itertools.count(1)
TODAY = datetime.date(2026, 1, 1)


def make_user(role: str | None = None, unit=None, username: str | None = None):
    user = get_user_model().objects.create_user(username=username or f"user{next(_seq)}", password="pw")
    if role:
        assign_role(user, role=role, unit=unit, actor=None, valid_from=TODAY)
    return user


def make_household(village, name: str = "Hộ Nguyễn Văn An", members: int = 2) -> Household:
    n = next(_seq)
    household = Household.objects.create(
        code=f"HH{n:06d}", name=name, head_name=name.removeprefix("Hộ "), unit=village
    )
    HouseholdMember.objects.create(
        household=household,
        full_name=household.head_name,
        birth_year=1975,
        relation=HouseholdMember.Relation.HEAD,
    )
    for i in range(members - 1):
        HouseholdMember.objects.create(
            household=household,
            full_name=f"Thành viên {i}",
            birth_year=2010,
            relation=HouseholdMember.Relation.CHILD,
        )
    return household


def jpeg_bytes() -> bytes:
    return image_bytes((200, 120, 40), "JPEG")


def pdf_upload(name: str = "minh-chung.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def jpeg_upload(name: str = "anh.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")


@dataclass
class World:
    """A province with two communes; commune A has villages A1 and A2, commune B has B1; one user per role."""

    province: object
    commune_a: object
    commune_b: object
    village_a1: object
    village_a2: object
    village_b1: object
    users: dict

    def user(self, key: str):
        return self.users[key]


def build_world() -> World:
    province = create_unit(code="24", name="Tỉnh Bắc Ninh", level=UnitLevel.PROVINCE)
    commune_a = create_unit(code="24-07627", name="Xã Đại Sơn", level=UnitLevel.COMMUNE, parent=province)
    commune_b = create_unit(code="24-07615", name="Xã Sơn Động", level=UnitLevel.COMMUNE, parent=province)
    village_a1 = create_unit(code="24-07627-01", name="Thôn Đông", level=UnitLevel.VILLAGE, parent=commune_a)
    village_a2 = create_unit(code="24-07627-02", name="Thôn Tây", level=UnitLevel.VILLAGE, parent=commune_a)
    village_b1 = create_unit(code="24-07615-01", name="Thôn Nam", level=UnitLevel.VILLAGE, parent=commune_b)
    users = {
        "officer_a1": make_user(Role.VILLAGE_OFFICER, village_a1, "officer_a1"),
        "officer_a2": make_user(Role.VILLAGE_OFFICER, village_a2, "officer_a2"),
        "officer_b1": make_user(Role.VILLAGE_OFFICER, village_b1, "officer_b1"),
        "assessor_a1": make_user(Role.ASSESSOR, village_a1, "assessor_a1"),
        "head_a1": make_user(Role.VILLAGE_HEAD, village_a1, "head_a1"),
        "commune_officer_a": make_user(Role.COMMUNE_OFFICER, commune_a, "commune_officer_a"),
        "chair_a": make_user(Role.COMMUNE_CHAIR, commune_a, "chair_a"),
        "supervisor_a": make_user(Role.SUPERVISOR, commune_a, "supervisor_a"),
        "supervisor_b": make_user(Role.SUPERVISOR, commune_b, "supervisor_b"),
        "auditor": make_user(Role.AUDITOR, province, "auditor"),
        "inspector": make_user(Role.INSPECTOR, province, "inspector"),
    }
    adopt_criteria_sets(province)
    return World(province, commune_a, commune_b, village_a1, village_a2, village_b1, users)


def adopt_criteria_sets(province, years=(2024, 2025, 2026)) -> None:
    """The province adopts every set that applies to it for the years the tests use (scoring needs it)."""
    for criteria_set in CriteriaSet.objects.filter(province__isnull=True) | CriteriaSet.objects.filter(
        province=province
    ):
        for year in years:
            if criteria_set.valid_from.year <= year and (
                criteria_set.valid_to is None or criteria_set.valid_to.year >= year
            ):
                adopt_criteria_set(
                    criteria_set,
                    province=province,
                    year=year,
                    decision_reference="187/QĐ-UBND",
                    decision_date=datetime.date(2024, 1, 15),
                    actor=None,
                )


def gdht() -> TitleType:
    return TitleType.objects.get(code="GDHT")


def required_evidence_items(case: Case):
    return CriterionItem.objects.filter(
        criterion__criteria_set=case.criteria_set, evidence_requirements__required=True
    ).distinct()


def full_marks(case: Case, minus: int = 0) -> dict[int, object]:
    items = CriterionItem.objects.filter(criterion__criteria_set=case.criteria_set)
    values = {i.pk: (i.max_points if i.is_points else True) for i in items}
    if minus:
        first = next(iter(values))
        values[first] = values[first] - minus
    return values


def nominate(world: World, village=None, year: int = 2026, household=None) -> Case:
    village = village or world.village_a1
    officer = {
        world.village_a1.pk: "officer_a1",
        world.village_a2.pk: "officer_a2",
        world.village_b1.pk: "officer_b1",
    }[village.pk]
    household = household or make_household(village)
    return services.nominate_case(household, title_type=gdht(), year=year, actor=world.user(officer))


def advance(world: World, case: Case, target: str) -> Case:
    """Walk a village-A1 case forward through the services until it reaches `target`."""
    path = [
        CaseState.NOMINATED,
        CaseState.EVIDENCE_COLLECTED,
        CaseState.SCORED,
        CaseState.VILLAGE_REVIEWED,
        CaseState.COMMUNE_DECIDED,
        CaseState.DISTRICT_AUDITED,
    ]
    case = Case.objects.get(pk=case.pk)
    terminal = {
        CaseState.NOT_RECOGNIZED: CaseState.VILLAGE_REVIEWED,
        CaseState.REVOKED: CaseState.COMMUNE_DECIDED,
        CaseState.AUDIT_NOT_SAMPLED: CaseState.COMMUNE_DECIDED,
        CaseState.WITHDRAWN: CaseState.NOMINATED,
    }
    goal = terminal.get(target, target)
    while case.state != goal:
        step = path[path.index(case.state) + 1]
        case = _step(world, case, step)
    if target == CaseState.NOT_RECOGNIZED:
        case = services.decide_in_commune(
            case,
            recognised=False,
            actor=world.user("chair_a"),
            decision_reference="12/QĐ-UBND",
            decision_date=TODAY,
            reason="Không đủ điều kiện",
        )
    elif target == CaseState.REVOKED:
        case = services.revoke_case(case, actor=world.user("auditor"), reason="Hậu kiểm phát hiện sai lệch")
    elif target == CaseState.AUDIT_NOT_SAMPLED:
        [case] = services.settle_audited([case], actor=world.user("auditor"), revoked={}, unsampled={case.pk})
    elif target == CaseState.WITHDRAWN:
        case = services.withdraw_case(case, actor=world.user("officer_a1"), reason="Hộ xin rút")
    return case


def _step(world: World, case: Case, step: str) -> Case:
    if step == CaseState.EVIDENCE_COLLECTED:
        for item in required_evidence_items(case):
            services.add_evidence(case, item=item, upload=pdf_upload(), actor=world.user("officer_a1"))
        return services.complete_evidence_collection(case, actor=world.user("officer_a1"))
    if step == CaseState.SCORED:
        return services.score_case(case, values=full_marks(case), actor=world.user("assessor_a1"))
    if step == CaseState.VILLAGE_REVIEWED:
        return services.review_in_village(case, proposed=True, actor=world.user("head_a1"))
    if step == CaseState.COMMUNE_DECIDED:
        return services.decide_in_commune(
            case,
            recognised=True,
            actor=world.user("chair_a"),
            decision_reference="12/QĐ-UBND",
            decision_date=TODAY,
        )
    if step == CaseState.DISTRICT_AUDITED:
        return services.audit_in_district(case, actor=world.user("auditor"))
    raise AssertionError(step)
