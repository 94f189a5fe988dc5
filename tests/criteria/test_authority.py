"""Recognition authority as data: who proposes, decides and audits each title, overridable per province; a
configuration that strands a step is refused when saved."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from approvals.models import Decision
from audit.models import AuditEvent
from cases import permissions as perms
from cases.models import CaseState
from criteria.authority import RecognitionAuthority, authority_for
from criteria.models import TitleType
from criteria.services import configure_authority
from registry.models import Role, UnitLevel
from registry.services import create_unit
from tests.builders import gdht, make_user
from tests.workflows.walk import open_case, walk
from workflows import services as workflow
from workflows.officer.selectors import queue_for


def _province_rule(world, **changes) -> RecognitionAuthority:
    national = RecognitionAuthority.objects.get(title_type=gdht(), province=None)
    row = RecognitionAuthority.objects.get(pk=national.pk)
    row.pk, row.province = None, world.province
    for field, value in changes.items():
        setattr(row, field, value)
    return row


def test_every_shipped_title_has_a_national_authority_that_leaves_no_step_stranded(world):
    codes = set(TitleType.objects.values_list("code", flat=True))
    rows = RecognitionAuthority.objects.filter(province=None)
    assert {r.title_type.code for r in rows} == codes
    for row in rows:
        row.full_clean()  # raises if a step had nobody allowed to act
    congdan = rows.get(title_type__code="CONGDAN")
    assert (congdan.decider_body, congdan.decision_suffix) == ("hkh", "QĐ-HKH")
    assert congdan.actor("proposer") == (Role.VILLAGE_OFFICER, UnitLevel.VILLAGE)  # the branch verifies
    assert (*congdan.actor("proposal"), congdan.proposal_suffix) == (
        Role.COMMUNE_HKH,
        UnitLevel.COMMUNE,
        "TTr-HKH",
    )


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"decider_role": Role.COMMUNE_CHAIR, "decider_level": UnitLevel.PROVINCE}, "decider_role"),
        ({"decider_role": Role.ASSESSOR}, "decider_role"),  # the assessor does not decide
        ({"proposer_role": Role.AUDITOR, "proposer_level": UnitLevel.PROVINCE}, "proposer_role"),
        ({"auditor_role": Role.COMMUNE_OFFICER, "auditor_level": UnitLevel.COMMUNE}, "auditor_role"),
        (
            {
                "decider_role": Role.COMMUNE_HKH,
                "proposer_role": Role.PROVINCE_HKH,
                "proposer_level": UnitLevel.PROVINCE,
            },
            "proposer_role",
        ),
    ],
)
def test_a_rule_that_leaves_a_step_without_anyone_allowed_to_act_is_refused_and_nothing_is_saved(
    world, changes, field
):
    row = _province_rule(world, **changes)
    with pytest.raises(ValidationError) as refused:
        configure_authority(row, actor=None)
    assert field in refused.value.message_dict
    assert not RecognitionAuthority.objects.filter(province=world.province).exists()


def test_a_district_named_by_a_circular_is_refused_where_the_province_has_no_district(world):
    row = _province_rule(world, auditor_level=UnitLevel.DISTRICT)
    with pytest.raises(ValidationError) as refused:
        configure_authority(row, actor=None)
    assert "Tỉnh Bắc Ninh" in str(refused.value.message_dict["__all__"])
    assert not RecognitionAuthority.objects.filter(province=world.province).exists()

    # the national rule may not name the district either while a province without districts relies on it
    national = RecognitionAuthority.objects.get(title_type=gdht(), province=None)
    national.auditor_level = UnitLevel.DISTRICT
    with pytest.raises(ValidationError):
        configure_authority(national, actor=None)
    # ... unless that province says who acts instead
    configure_authority(_province_rule(world), actor=None)
    configure_authority(national, actor=None)

    # a province that still has a district may keep it
    other = create_unit(code="04", name="Tỉnh Cao Bằng", level=UnitLevel.PROVINCE)
    create_unit(code="04-040", name="Huyện Trùng Khánh", level=UnitLevel.DISTRICT, parent=other)
    row = _province_rule(world, auditor_level=UnitLevel.DISTRICT)
    row.province = other
    configure_authority(row, actor=None)


def test_the_admin_refuses_a_stranding_rule_with_the_reason_on_the_form(world, client):
    admin = make_user()
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    national = RecognitionAuthority.objects.get(title_type=gdht(), province=None)
    data = {
        "title_type": national.title_type_id,
        "province": world.province.pk,
        "subject_level": "village",
        "proposer_role": "village_head",
        "proposer_level": "village",
        "decider_body": "ubnd",
        "decider_role": "commune_chair",
        "decider_level": "province",
        "auditor_role": "auditor",
        "auditor_level": "province",
        "decision_suffix": "QĐ-UBND",
        "signer_office": "Chủ tịch",
    }
    response = client.post(reverse("admin:criteria_recognitionauthority_add"), data)
    assert response.status_code == 200
    assert "nobody could" in response.content.decode() or "không ai" in response.content.decode()
    assert not RecognitionAuthority.objects.filter(province=world.province).exists()


def test_a_province_rule_moves_the_decision_to_the_association_with_its_own_number_series(world):
    hkh = make_user(Role.COMMUNE_HKH, world.commune_a, "hkh_a")
    configure_authority(
        _province_rule(
            world,
            decider_body="hkh",
            decider_role=Role.COMMUNE_HKH,
            decider_level=UnitLevel.COMMUNE,
            decision_suffix="QĐ-HKH",
            signer_office="Chủ tịch Hội Khuyến học",
        ),
        actor=world.user("supervisor_a"),
    )
    assert AuditEvent.objects.filter(
        event_type="config.created", stream__startswith="config:criteria."
    ).exists()
    case = walk(world, open_case(world), through="review")

    assert not perms.can(world.user("chair_a"), "decide", case)  # the chair no longer decides this title
    assert perms.can(hkh, "decide", case)
    assert [t.case_id for t in queue_for(hkh).filter(step="decide")] == [case.pk]
    assert not queue_for(world.user("chair_a")).filter(step="decide").exists()

    with pytest.raises(PermissionDenied):
        workflow.perform_step(
            case,
            step="decide",
            outcome="decide",
            actor=world.user("chair_a"),
            recognised=True,
            signer_name="X",
        )
    case = workflow.perform_step(
        case, step="decide", outcome="decide", actor=hkh, recognised=True, signer_name="Nguyễn Văn Hội"
    )
    assert case.state == CaseState.COMMUNE_DECIDED
    assert case.decision_reference == "1/QĐ-HKH"
    decision = Decision.objects.get(entries__case=case)
    assert (decision.body, decision.signer_office, decision.commune) == (
        "hkh",
        "Chủ tịch Hội Khuyến học",
        world.commune_a,
    )

    # the province's other titles stay with the People's Committee
    national_dhht = authority_for(TitleType.objects.get(code="DHHT").pk, world.commune_a.path)
    assert (national_dhht.decider_role, national_dhht.decision_suffix) == (Role.COMMUNE_CHAIR, "QĐ-UBND")


def test_the_audit_goes_to_whoever_the_rule_names(world):
    department = make_user(Role.EDUCATION_DEPT, world.province, "sgd")
    case = walk(world, open_case(world), through="decide")
    assert perms.can(world.user("auditor"), "audit", case) and not perms.can(department, "audit", case)
    configure_authority(_province_rule(world, auditor_role=Role.EDUCATION_DEPT), actor=None)
    assert not perms.can(world.user("auditor"), "audit", case)
    assert perms.can(department, "audit", case)
    assert [t.case_id for t in queue_for(department).filter(step="audit")] == [case.pk]
