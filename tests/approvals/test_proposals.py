"""The Study Promotion Association in the flow: the village branch verifies a learning citizen, the commune
Association compiles the numbered proposal ("tờ trình"), the province Association recognises, and the
decision cites the proposal (number and date): for one case and for a batch."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from approvals import services as approvals
from approvals.documents import _decision_context
from approvals.models import Decision, Proposal, ProposalEntry
from audit.models import AuditEvent
from cases.models import Case, CaseState
from criteria.models import TitleType
from registry.models import Person, Role
from tests.builders import full_marks, make_user
from workflows import services as workflow

YEAR = 2026


@pytest.fixture
def hkh(world):
    return {
        "commune_a": make_user(Role.COMMUNE_HKH, world.commune_a, "hkh_a"),
        "commune_b": make_user(Role.COMMUNE_HKH, world.commune_b, "hkh_b"),
        "province": make_user(Role.PROVINCE_HKH, world.province, "hkh_tinh"),
    }


def verified_citizen(world, village=None, name="Nguyễn Thị Học") -> Case:
    """A learning citizen entered, scored and verified by the village branch (proposed by the village)."""
    village = village or world.village_a1
    officer = world.user({world.village_a1.pk: "officer_a1", world.village_a2.pk: "officer_a2"}[village.pk])
    person = Person.objects.create(
        code=f"P-{Person.objects.count() + 1}", name=name, unit=village, birth_year=1980
    )
    title = TitleType.objects.get(code="CONGDAN")
    case = workflow.open_case(person, title_type=title, year=YEAR, actor=officer)
    case = workflow.perform_step(case, step="collect", outcome="complete", actor=officer)
    # the self-assessment against the three competence groups, entered by the branch officer; not the assessor
    with pytest.raises(PermissionDenied):
        workflow.perform_step(
            case,
            step="self_assess",
            outcome="score",
            actor=world.user("assessor_a1"),
            values=full_marks(case),
        )
    case = workflow.perform_step(
        case, step="self_assess", outcome="score", actor=officer, values=full_marks(case)
    )
    assert case.level == 1 and not case.criteria_set.criteria.filter(items__level=2).exists()  # no "mức độ 2"
    # the branch verifies: the review step is the branch officer's for this title, not the village head's
    with pytest.raises(PermissionDenied):
        workflow.perform_step(
            case, step="review", outcome="review", actor=world.user("head_a1"), proposed=True
        )
    return workflow.perform_step(case, step="review", outcome="review", actor=officer, proposed=True)


def test_one_citizen_is_proposed_by_the_commune_association_and_recognised_by_the_province_association(
    world, hkh
):
    case = verified_citizen(world)
    assert case.state == CaseState.VILLAGE_REVIEWED

    # no decision before the Association's proposal
    with pytest.raises(approvals.BatchRefused) as refused:
        workflow.perform_step(
            case, step="decide", outcome="decide", actor=hkh["province"], recognised=True, signer_name="A"
        )
    assert "proposal" in str(refused.value).lower() or "tờ trình" in str(refused.value).lower()
    assert not Decision.objects.exists()

    # only the commune's own Association issues it
    for outsider in (world.user("chair_a"), hkh["commune_b"], hkh["province"]):
        with pytest.raises(PermissionDenied):
            approvals.compile_proposal(
                world.commune_a, title_type=case.title_type, year=YEAR, cases=[case], actor=outsider
            )
    proposal = approvals.compile_proposal(
        world.commune_a,
        title_type=case.title_type,
        year=YEAR,
        cases=[case],
        actor=hkh["commune_a"],
        proposed_on=datetime.date(2026, 10, 5),
    )
    assert (proposal.reference, proposal.proposed_on) == ("1/TTr-HKH", datetime.date(2026, 10, 5))
    issued = AuditEvent.objects.get(stream=proposal.stream)
    assert issued.event_type == "proposal.issued" and issued.data["cases"] == [case.reference]

    # the commune chair does not decide a learning citizen; the province Association does
    with pytest.raises(PermissionDenied):
        workflow.perform_step(
            case,
            step="decide",
            outcome="decide",
            actor=world.user("chair_a"),
            recognised=True,
            signer_name="B",
        )
    case = workflow.perform_step(
        case,
        step="decide",
        outcome="decide",
        actor=hkh["province"],
        recognised=True,
        signer_name="Lê Văn Hội",
    )
    assert case.state == CaseState.COMMUNE_DECIDED and case.decision_reference == "1/QĐ-HKH"
    decision = Decision.objects.get()
    assert (decision.body, decision.commune) == ("hkh", world.province)
    signed = AuditEvent.objects.get(stream=decision.stream, event_type="decision.signed")
    assert signed.data["proposals"] == ["1/TTr-HKH (05/10/2026)"]
    assert _decision_context(decision)["proposals"] == [proposal]


def test_a_batch_proposal_lists_the_villages_cases_and_the_decision_cites_it(world, hkh):
    cases = [
        verified_citizen(world, world.village_a1),
        verified_citizen(world, world.village_a2, "Trần Văn Hai"),
    ]
    title = cases[0].title_type
    proposal = approvals.compile_proposal(
        world.commune_a, title_type=title, year=YEAR, cases=cases, actor=hkh["commune_a"]
    )
    assert sorted(
        ProposalEntry.objects.filter(proposal=proposal).values_list("case_id", flat=True)
    ) == sorted(c.pk for c in cases)

    # a case is proposed once: the whole batch is refused, nothing written
    with pytest.raises(approvals.BatchRefused) as refused:
        approvals.compile_proposal(
            world.commune_a, title_type=title, year=YEAR, cases=cases, actor=hkh["commune_a"]
        )
    assert cases[0].reference in str(refused.value) and cases[1].reference in str(refused.value)
    assert Proposal.objects.count() == 1

    decision = approvals.draft_decision(
        world.province, title_type=title, year=YEAR, cases=cases, actor=hkh["province"]
    )
    decision = workflow.sign_decision(decision, actor=hkh["province"], signer_name="Lê Văn Hội")
    assert decision.reference == "1/QĐ-HKH"
    assert set(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("state", flat=True)) == {
        CaseState.COMMUNE_DECIDED
    }
    assert _decision_context(decision)["proposals"] == [proposal]


def test_a_proposal_refuses_cases_the_villages_have_not_proposed_or_from_elsewhere(world, hkh):
    case = verified_citizen(world)
    title = case.title_type
    with pytest.raises(approvals.BatchRefused):
        approvals.compile_proposal(
            world.commune_b, title_type=title, year=YEAR, cases=[case], actor=hkh["commune_b"]
        )
    with pytest.raises(approvals.BatchRefused):
        approvals.compile_proposal(
            world.commune_a,
            title_type=title,
            year=YEAR,
            cases=[case],
            actor=hkh["commune_a"],
            proposed_on=timezone.localdate() + datetime.timedelta(days=3),
        )
    assert not Proposal.objects.exists()


def test_the_proposal_pages_show_the_commune_its_own_and_nobody_else(world, hkh, client):
    from django.urls import reverse

    case = verified_citizen(world)
    client.force_login(hkh["commune_a"])
    page = client.get(reverse("approvals:proposal_new"))
    assert page.status_code == 200 and case.reference in page.content.decode()
    response = client.post(
        reverse("approvals:proposal_new"),
        {"commune": world.commune_a.pk, "proposed_on": "05/10/2026", "note": "Đề nghị", "cases": [case.pk]},
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "approvals:proposal", args=[proposal.pk]
    )
    detail = client.get(reverse("approvals:proposal", args=[proposal.pk])).content.decode()
    assert "1/TTr-HKH" in detail and case.reference in detail
    assert "1/TTr-HKH" in client.get(reverse("approvals:proposals")).content.decode()

    # the Association of another commune sees neither the proposal nor the case, and cannot propose it
    client.force_login(hkh["commune_b"])
    assert client.get(reverse("approvals:proposal", args=[proposal.pk])).status_code == 404
    assert "1/TTr-HKH" not in client.get(reverse("approvals:proposals")).content.decode()
    other = verified_citizen(world, world.village_a2, "Lê Thị Ba")
    page = client.post(
        reverse("approvals:proposal_new"),
        {"commune": world.commune_b.pk, "proposed_on": "05/10/2026", "cases": [other.pk]},
    )
    assert page.status_code == 200 and other.reference not in page.content.decode()
    assert Proposal.objects.count() == 1
    # a bad date is a form error, not a 500, and issues nothing
    client.force_login(hkh["commune_a"])
    page = client.post(
        reverse("approvals:proposal_new"),
        {"commune": world.commune_a.pk, "proposed_on": "31/02/2026", "cases": [other.pk]},
    )
    assert page.status_code == 200 and Proposal.objects.count() == 1


def test_the_province_associations_queue_costs_the_same_queries_for_more_citizens(
    world, hkh, client, django_assert_max_num_queries
):
    from django.urls import reverse

    def queries() -> tuple[int, str]:
        with django_assert_max_num_queries(15) as ctx:
            page = client.get(reverse("workflows:queue"))
        assert page.status_code == 200
        return len(ctx.captured_queries), page.content.decode()

    first = verified_citizen(world)
    client.force_login(hkh["province"])
    few, html = queries()
    assert first.reference in html  # the decide step is the province Association's
    more = [verified_citizen(world, world.village_a2, f"Công dân {i}") for i in range(4)]
    many, html = queries()
    assert many == few and all(c.reference in html for c in more)
    # the commune chair's queue holds none of them: the title's authority names the Association
    client.force_login(world.user("chair_a"))
    assert first.reference not in client.get(reverse("workflows:queue")).content.decode()
