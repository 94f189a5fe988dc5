"""The transition matrix: each allowed (from, to) succeeds with exactly one audit event; all others raise."""

import datetime

import pytest

from audit.models import AuditEvent
from cases import services
from cases.exceptions import InvalidTransition
from cases.models import Case, CaseState
from tests.builders import advance, full_marks, nominate, pdf_upload, required_evidence_items

S = CaseState
DAY = datetime.date(2026, 3, 1)

# The lifecycle drawn in ARCHITECTURE §2: (from, to) -> the transition method on Case.
EXPECTED_TABLE = {
    (S.NOMINATED, S.EVIDENCE_COLLECTED): "collect_evidence",
    (S.EVIDENCE_COLLECTED, S.SCORED): "record_score",
    (S.SCORED, S.VILLAGE_REVIEWED): "propose_in_village",
    (S.SCORED, S.NOT_RECOGNIZED): "reject_in_village",
    (S.VILLAGE_REVIEWED, S.COMMUNE_DECIDED): "recognise",
    (S.VILLAGE_REVIEWED, S.NOT_RECOGNIZED): "refuse",
    (S.COMMUNE_DECIDED, S.DISTRICT_AUDITED): "confirm_audit",
    (S.COMMUNE_DECIDED, S.AUDIT_NOT_SAMPLED): "close_unsampled",
    (S.COMMUNE_DECIDED, S.REVOKED): "revoke",
    (S.EVIDENCE_COLLECTED, S.NOMINATED): "return_for_rework",
    (S.SCORED, S.NOMINATED): "return_for_rework",
    (S.NOMINATED, S.WITHDRAWN): "withdraw",
    (S.EVIDENCE_COLLECTED, S.WITHDRAWN): "withdraw",
    (S.SCORED, S.WITHDRAWN): "withdraw",
    (S.VILLAGE_REVIEWED, S.WITHDRAWN): "withdraw",
}


def test_fsm_declares_exactly_the_documented_table():
    declared = {}
    for transition in Case._meta.get_field("state").get_all_transitions(Case):
        if transition.source in ("*", "+"):
            raise AssertionError("wildcard sources are not part of the lifecycle")
        declared[(transition.source, transition.target)] = transition.name
    assert declared == EXPECTED_TABLE


def _prepare_evidence(world, case):
    for item in required_evidence_items(case):
        services.add_evidence(case, item=item, upload=pdf_upload(), actor=world.user("officer_a1"))


# Each operation: (name, target state, callable(world, case)).
OPERATIONS = {
    "complete_evidence": (
        S.EVIDENCE_COLLECTED,
        lambda w, c: services.complete_evidence_collection(c, actor=w.user("officer_a1")),
    ),
    "score": (
        S.SCORED,
        lambda w, c: services.score_case(c, values=full_marks(c), actor=w.user("assessor_a1")),
    ),
    "propose": (
        S.VILLAGE_REVIEWED,
        lambda w, c: services.review_in_village(c, proposed=True, actor=w.user("head_a1")),
    ),
    "not_propose": (
        S.NOT_RECOGNIZED,
        lambda w, c: services.review_in_village(
            c, proposed=False, actor=w.user("head_a1"), reason="Chưa tham gia sinh hoạt"
        ),
    ),
    "recognise": (
        S.COMMUNE_DECIDED,
        lambda w, c: services.decide_in_commune(
            c, recognised=True, actor=w.user("chair_a"), decision_reference="7/QĐ-UBND", decision_date=DAY
        ),
    ),
    "refuse": (
        S.NOT_RECOGNIZED,
        lambda w, c: services.decide_in_commune(
            c,
            recognised=False,
            actor=w.user("chair_a"),
            decision_reference="7/QĐ-UBND",
            decision_date=DAY,
            reason="Không đủ điều kiện",
        ),
    ),
    "audit": (S.DISTRICT_AUDITED, lambda w, c: services.audit_in_district(c, actor=w.user("auditor"))),
    "not_sampled": (
        S.AUDIT_NOT_SAMPLED,
        lambda w, c: services.settle_audited([c], actor=w.user("auditor"), revoked={}, unsampled={c.pk})[0],
    ),
    "revoke": (S.REVOKED, lambda w, c: services.revoke_case(c, actor=w.user("auditor"), reason="Sai lệch")),
    "return": (
        S.NOMINATED,
        lambda w, c: services.return_for_rework(c, actor=w.user("assessor_a1"), reason="Thiếu học bạ"),
    ),
    "withdraw": (
        S.WITHDRAWN,
        lambda w, c: services.withdraw_case(c, actor=w.user("officer_a1"), reason="Xin rút"),
    ),
}


def _allowed_sources(name: str) -> set[str]:
    target, _ = OPERATIONS[name]
    method = {
        "complete_evidence": "collect_evidence",
        "score": "record_score",
        "propose": "propose_in_village",
        "not_propose": "reject_in_village",
        "recognise": "recognise",
        "refuse": "refuse",
        "audit": "confirm_audit",
        "not_sampled": "close_unsampled",
        "revoke": "revoke",
        "return": "return_for_rework",
        "withdraw": "withdraw",
    }[name]
    return {src for (src, tgt), m in EXPECTED_TABLE.items() if m == method and tgt == target}


@pytest.mark.parametrize("state", list(S.values))
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_every_pair(world, state, operation):
    case = advance(world, nominate(world), state)
    if operation == "complete_evidence" and state == S.NOMINATED:
        _prepare_evidence(world, case)
    before_events = AuditEvent.objects.filter(stream=case.stream).count()
    target, call = OPERATIONS[operation]
    if state in _allowed_sources(operation):
        result = call(world, case)
        assert result.state == target
        assert Case.objects.get(pk=case.pk).state == target
        assert AuditEvent.objects.filter(stream=case.stream).count() == before_events + 1
    else:
        with pytest.raises(InvalidTransition):
            call(world, case)
        assert Case.objects.get(pk=case.pk).state == state
        assert AuditEvent.objects.filter(stream=case.stream).count() == before_events
