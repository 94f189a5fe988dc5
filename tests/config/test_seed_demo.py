"""seed_demo: a small demo covers every case state through the real services, and seeding is idempotent."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from audit.models import AuditEvent
from audit.verify import verify_log
from cases.models import Case, CaseState, EvidenceFile
from config.demo import DEMO_PASSWORD
from criteria.authority import authority_for
from criteria.models import PlanTarget
from registry.models import AdministrativeUnit, Household, HouseholdMember, Role, RoleAssignment, UnitLevel


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, force=True, **options)  # CI seeds PostgreSQL: forced
    return out.getvalue()


def counts() -> dict:
    return {
        "units": AdministrativeUnit.objects.count(),
        "households": Household.objects.count(),
        "members": HouseholdMember.objects.count(),
        "users": get_user_model().objects.count(),
        "roles": RoleAssignment.objects.count(),
        "cases": Case.objects.count(),
        "states": sorted(Case.objects.values_list("pk", "state")),
        "evidence": EvidenceFile.objects.count(),
        "audit_events": AuditEvent.objects.count(),
        "targets": PlanTarget.objects.count(),
    }


@pytest.fixture
def demo(db, fast_passwords):
    return seed(households=30)


def test_small_demo_covers_every_case_state_in_the_real_province(demo):
    assert Household.objects.count() == 30
    states = set(Case.objects.values_list("state", flat=True))
    assert states == set(CaseState.values)
    titles = set(Case.objects.values_list("title_type__code", flat=True))
    assert {"GDHT", "DHHT", "CONGDAN"} <= titles
    targets = PlanTarget.objects.filter(unit__level=UnitLevel.PROVINCE, title_type__code="GDHT")
    assert sorted(targets.values_list("year_from", "year_to", "target_percent")) == [
        (2021, 2025, 80),
        (2026, 2030, 90),
    ]

    province = AdministrativeUnit.objects.get(code="24")
    assert province.name == "Tỉnh Bắc Ninh"
    communes = dict(AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE).values_list("code", "name"))
    assert communes["24-07627"] == "Xã Đại Sơn" and communes["24-07615"] == "Xã Sơn Động"
    villages = AdministrativeUnit.objects.filter(level=UnitLevel.VILLAGE)
    assert villages.count() == 3 * len(communes)
    assert all(v.code.startswith(f"{v.parent.code}-") for v in villages)
    assert all(v.subjects.filter(kind="community").count() == 1 for v in villages)

    for household in Household.objects.prefetch_related("members"):
        members = list(household.members.all())
        assert 2 <= len(members) <= 6
        heads = [m for m in members if m.relation == HouseholdMember.Relation.HEAD]
        assert len(heads) == 1 and heads[0].full_name == household.head_name


def test_every_role_has_an_account_that_can_log_in(demo, client):
    for role in Role.values:
        assignment = RoleAssignment.objects.filter(role=role).select_related("user").first()
        assert assignment is not None, role
        assert client.login(username=assignment.user.username, password=DEMO_PASSWORD), role
        client.logout()
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    expected = (
        "chihoi.dongdaison",
        "truongthon.dongdaison",
        "chamdiem.daison",
        "canbo.daison",
        "chutich.daison",
        "giamsat.daison",
        "hauky.bacninh",
        "giamsat.bacninh",
        "thanhtra.bacninh",
    )
    for username in expected:
        assert username in demo


def test_cases_come_from_the_services_with_genuine_audit_chains_and_a_rerun_changes_nothing(demo):
    first = dict(
        AuditEvent.objects.filter(stream__startswith="case:", seq=1).values_list("stream", "event_type")
    )
    for case in Case.objects.all():
        assert first.get(case.stream) == "case.nominated", case.reference
    events = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {
        "case.returned",
        "evidence.removed",
        "case.not_proposed",
        "case.refused",
        "case.revoked",
        "case.withdrawn",
        "case.audit_confirmed",
    } <= events
    assert verify_log().ok
    decided = Case.objects.filter(state__in=[CaseState.COMMUNE_DECIDED, CaseState.DISTRICT_AUDITED])
    # each decided by the body its title's recognition authority names, in that body's number series
    assert all(
        c.decision_reference.endswith("/" + authority_for(c.title_type_id, c.unit_path).decision_suffix)
        and c.decision_date
        for c in decided
    )
    assert {c.decision_reference.split("/")[1] for c in decided} >= {"QĐ-UBND", "QĐ-HKH"}
    refused = Case.objects.filter(state=CaseState.NOT_RECOGNIZED)
    assert all(c.outcome_reason for c in refused)
    # the collective steps: signed decisions numbered per commune, a draft and an open meeting to try
    from approvals.models import Decision, ReviewSession

    signed = Decision.objects.filter(status=Decision.Status.SIGNED)
    assert signed.exists() and Decision.objects.filter(status=Decision.Status.DRAFT).exists()
    assert {c.decision_reference for c in decided} <= {d.reference for d in signed}
    assert ReviewSession.objects.filter(status=ReviewSession.Status.OPEN, posting_ends__isnull=False).exists()
    returned = Case.objects.filter(state=CaseState.NOMINATED).exclude(outcome_reason="")
    assert returned.exists()
    kinds = set(EvidenceFile.objects.values_list("content_type", flat=True))
    assert "application/pdf" in kinds and kinds & {"image/jpeg", "image/png"}
    for evidence in EvidenceFile.objects.all()[:5]:
        with evidence.file.open("rb") as handle:
            head = handle.read(4)
        assert head == b"%PDF" or head[:3] == b"\xff\xd8\xff" or head == b"\x89PNG"

    # a second run detects the demo and changes nothing
    before = counts()
    out = seed()  # the default size: must still detect the demo and do nothing
    assert counts() == before
    assert DEMO_PASSWORD in out and "admin" in out


@pytest.mark.django_db
def test_demo_cases_run_through_the_flow():
    """Every demo case has its process; open cases wait at exactly the step their state calls for."""
    from viewflow.workflow.status import STATUS

    from workflows.models import CaseProcess, CaseTask
    from workflows.services import OPEN_TASK_STATES

    call_command("seed_demo", households=30, force=True, stdout=StringIO())
    expected_step = {
        CaseState.NOMINATED: "collect",
        CaseState.EVIDENCE_COLLECTED: "score",
        CaseState.SCORED: "review",
        CaseState.VILLAGE_REVIEWED: "decide",
        CaseState.COMMUNE_DECIDED: "audit",
    }
    assert CaseProcess.objects.count() == Case.objects.count()
    for case in Case.objects.all():
        open_steps = list(
            CaseTask.objects.filter(
                case=case, flow_task_type="HUMAN", status__in=OPEN_TASK_STATES
            ).values_list("flow_task", flat=True)
        )
        names = [step.name for step in open_steps]
        assert names == ([expected_step[case.state]] if case.state in expected_step else []), case.reference
    assert CaseTask.objects.filter(flow_task_type="HUMAN", status=STATUS.DONE).exists()


def test_the_demo_recognises_every_title_each_by_its_configured_body(demo):
    from approvals.models import Decision, Proposal
    from registry.models import Role as R

    recognised = Case.objects.filter(state__in=[CaseState.COMMUNE_DECIDED, CaseState.DISTRICT_AUDITED])
    codes = set(recognised.values_list("title_type__code", flat=True))
    assert {"GDHT", "DHHT", "CDHT_THON", "CDHT_XA", "DVHT", "CONGDAN", "DVHT_TINH"} <= codes

    # learning citizens: the province Association's decisions, citing the commune Association's proposals
    citizens = Decision.objects.filter(title_type__code="CONGDAN", status=Decision.Status.SIGNED)
    assert citizens.exists()
    province = AdministrativeUnit.objects.get(level=UnitLevel.PROVINCE)
    for decision in citizens:
        assert (decision.body, decision.suffix, decision.commune) == ("hkh", "QĐ-HKH", province)
        signed = AuditEvent.objects.get(stream=decision.stream, event_type="decision.signed")
        assert signed.data["proposals"] and signed.actor_role == R.PROVINCE_HKH
    assert Proposal.objects.filter(title_type__code="CONGDAN").exists()

    # the commune's title: Bắc Ninh's Department of Education decides, in its own series
    communes = Decision.objects.filter(title_type__code="CDHT_XA", status=Decision.Status.SIGNED)
    assert communes.exists()
    for decision in communes:
        assert (decision.body, decision.suffix, decision.commune) == ("sgddt", "QĐ-SGDĐT", province)
    assert Case.objects.filter(title_type__code="CDHT_XA", level=1, state=CaseState.COMMUNE_DECIDED).exists()
    early = Case.objects.get(title_type__code="CDHT_XA", level=2)
    assert early.state == CaseState.NOT_RECOGNIZED and "12 tháng" in early.outcome_reason

    # every working account has a step to take in its queue or inbox
    from workflows.officer.selectors import inbox_for, queue_for

    working = (R.VILLAGE_OFFICER, R.ASSESSOR, R.VILLAGE_HEAD, R.COMMUNE_CHAIR, R.AUDITOR, R.EDUCATION_DEPT)
    for role in (*working, R.PROVINCE_HKH, R.PROVINCE_CHAIR):
        holders = {a.user for a in RoleAssignment.objects.filter(role=role).select_related("user")}
        assert any(inbox_for(u).exists() or queue_for(u).exists() for u in holders), role
