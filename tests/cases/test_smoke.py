from audit.models import AuditEvent
from cases.models import CaseState
from tests.builders import advance, nominate


def test_case_walks_to_audited(world):
    case = nominate(world)
    case = advance(world, case, CaseState.DISTRICT_AUDITED)
    assert case.state == CaseState.DISTRICT_AUDITED
    types = list(AuditEvent.objects.filter(stream=case.stream).order_by("seq").values_list("event_type", flat=True))
    assert types[0] == "case.nominated" and types[-1] == "case.audit_confirmed"
