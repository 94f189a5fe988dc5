"""The commune as subject (CDHT_XA, Circular 25/2023: pass/fail indicators, two levels, level 2 not within 12
months of level 1) and the province-level learning unit (DVHT_TINH, Circular 24/2023), each recognised by the
body the authority configures: in Bắc Ninh the Department of Education acts where the circular named the
district."""

import pytest
from django.core.exceptions import PermissionDenied

from approvals.models import Decision
from approvals.services import BatchRefused
from cases import permissions as perms
from cases.models import CaseState
from criteria.authority import RecognitionAuthority
from criteria.models import CriterionItem, TitleType
from criteria.services import configure_authority
from registry.models import Community, Organisation, Role, UnitLevel
from tests.builders import make_user
from workflows import services as workflow


def _indicators(case, level: int) -> dict:
    items = CriterionItem.objects.filter(criterion__criteria_set=case.criteria_set)
    return {i.pk: (i.level or 1) <= level for i in items}


@pytest.fixture
def department_decides(world):
    """Bắc Ninh names its Department of Education where Circular 25 names the district."""
    national = RecognitionAuthority.objects.get(title_type__code="CDHT_XA", province=None)
    row = RecognitionAuthority.objects.get(pk=national.pk)
    row.pk, row.province = None, world.province
    row.decider_body, row.decider_role = "sgddt", Role.EDUCATION_DEPT
    row.decision_suffix, row.signer_office = "QĐ-SGDĐT", "Giám đốc Sở Giáo dục và Đào tạo"
    return configure_authority(row, actor=None)


def _commune_case(world, commune, year: int, level: int):
    title = TitleType.objects.get(code="CDHT_XA")
    subject = Community.objects.filter(unit=commune).first() or Community.objects.create(
        code=f"XA-{commune.code}", name=commune.name, unit=commune
    )
    officer = world.user("commune_officer_a")
    case = workflow.open_case(subject, title_type=title, year=year, actor=officer)
    case = workflow.perform_step(case, step="collect", outcome="complete", actor=officer)
    assessor = make_user(Role.ASSESSOR, commune)
    case = workflow.perform_step(
        case, step="score", outcome="score", actor=assessor, values=_indicators(case, level)
    )
    assert case.level == level
    return workflow.perform_step(case, step="review", outcome="review", actor=officer, proposed=True)


def test_a_commune_is_recognised_at_level_1_by_the_configured_body_and_an_early_level_2_is_refused(
    world, department_decides
):
    department = make_user(Role.EDUCATION_DEPT, world.province, "sgd")
    case = _commune_case(world, world.commune_a, 2025, level=1)
    assert not perms.can(world.user("chair_a"), "decide", case)  # not the commune's own chair
    case = workflow.perform_step(
        case, step="decide", outcome="decide", actor=department, recognised=True, signer_name="Nguyễn Văn Sở"
    )
    assert case.state == CaseState.COMMUNE_DECIDED and case.decision_reference == "1/QĐ-SGDĐT"
    decision = Decision.objects.get(entries__case=case)
    assert (decision.body, decision.commune, decision.signer_office) == (
        "sgddt",
        world.province,
        "Giám đốc Sở Giáo dục và Đào tạo",
    )

    early = _commune_case(world, world.commune_a, 2026, level=2)
    with pytest.raises(BatchRefused) as refused:
        workflow.perform_step(
            early,
            step="decide",
            outcome="decide",
            actor=department,
            recognised=True,
            signer_name="Nguyễn Văn Sở",
        )
    message = str(refused.value)
    assert early.reference in message and "12" in message and case.decision_reference in message
    early.refresh_from_db()
    assert early.state == CaseState.VILLAGE_REVIEWED and Decision.objects.count() == 1


def test_without_a_province_rule_the_province_peoples_committee_decides_the_commune(world):
    chair = make_user(Role.PROVINCE_CHAIR, world.province, "chutich_tinh")
    case = _commune_case(world, world.commune_a, 2025, level=1)
    assert perms.can(chair, "decide", case) and not perms.can(world.user("chair_a"), "decide", case)
    case = workflow.perform_step(
        case, step="decide", outcome="decide", actor=chair, recognised=True, signer_name="A"
    )
    assert case.decision_reference == "1/QĐ-UBND"


def test_a_unit_the_province_manages_is_prepared_by_the_department_and_decided_at_province(world):
    department = make_user(Role.EDUCATION_DEPT, world.province, "sgd")
    chair = make_user(Role.PROVINCE_CHAIR, world.province, "chutich_tinh")
    unit = Organisation.objects.create(
        code="SO-YT", name="Sở Y tế tỉnh Bắc Ninh", unit=world.province, org_type="agency", member_count=120
    )
    title = TitleType.objects.get(code="DVHT_TINH")
    assert title.case_unit_level == UnitLevel.PROVINCE
    with pytest.raises(PermissionDenied):  # a commune officer does not open the province's units
        workflow.open_case(unit, title_type=title, year=2025, actor=world.user("commune_officer_a"))
    case = workflow.open_case(unit, title_type=title, year=2025, actor=department)
    case = workflow.perform_step(case, step="collect", outcome="complete", actor=department)
    case = workflow.perform_step(
        case, step="score", outcome="score", actor=department, values=_indicators(case, 1)
    )
    case = workflow.perform_step(case, step="review", outcome="review", actor=department, proposed=True)
    assert not perms.can(department, "decide", case)
    case = workflow.perform_step(
        case, step="decide", outcome="decide", actor=chair, recognised=True, signer_name="B"
    )
    assert case.state == CaseState.COMMUNE_DECIDED and case.decision_reference == "1/QĐ-UBND"
    assert Decision.objects.get(entries__case=case).commune == world.province
