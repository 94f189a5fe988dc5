"""Benchmark scenarios of the collective steps (registered into bench.scenarios.SCENARIOS)."""

import datetime
import time
import uuid
from collections.abc import Callable

from django.db import connection
from django.utils import timezone

from approvals import services as approvals
from cases.models import Case, CaseState
from criteria.models import CriterionItem
from registry.models import Role
from workflows import services as wf_services
from workflows.models import CaseTask

from .generate import BenchWorld, create_households
from .scenarios import QueryCounter, _no_debug, add_evidence_rows, scenario


def _proposed_cases(world: BenchWorld, village, count: int) -> list[Case]:
    """`count` new households of the village, through the flow up to proposed by a closed village meeting."""
    officer = world.user(Role.VILLAGE_OFFICER, village)
    assessor = world.user(Role.ASSESSOR, village)
    head = world.user(Role.VILLAGE_HEAD, village)
    year = timezone.localdate().year
    subjects = create_households(village, count, code_prefix=f"SD-{village.code}-{uuid.uuid4().hex[:8]}")
    cases = [
        wf_services.open_case(s, title_type=world.title_type, year=year, actor=officer) for s in subjects
    ]
    items = list(CriterionItem.objects.filter(criterion__criteria_set_id=cases[0].criteria_set_id))
    required = {
        i.pk
        for i in CriterionItem.objects.filter(
            pk__in=[i.pk for i in items], evidence_requirements__required=True
        )
    }
    add_evidence_rows([(case, item) for case in cases for item in required], lambda _case: officer)
    values = {item.pk: (item.max_points if item.is_points else True) for item in items}
    for case in cases:
        wf_services.perform_step(case, step="collect", outcome="complete", actor=officer)
        wf_services.perform_step(case, step="score", outcome="score", actor=assessor, values=values)
    session = approvals.open_session(
        village,
        title_type=world.title_type,
        year=year,
        meeting_date=timezone.localdate() - datetime.timedelta(days=1),
        chair="Trưởng thôn",
        attendees="Trưởng thôn\nChi hội trưởng khuyến học",
        cases=cases,
        actor=head,
        posting_days=0,
    )
    wf_services.close_session(session, actor=head)
    return cases


@scenario("sign_decision")
def sign_decision(world: BenchWorld, *, cases: int = 1000, log: Callable[[str], None] | None = print) -> dict:
    """The commune chair signs one decision listing `cases` proposed cases: the number, every case's
    transition and audit event, and the completion of every decide step (the next step, the audit, is
    created), in one transaction. Untimed: bringing the cases through the flow to a closed village meeting
    and drafting the decision. The PDFs are generated after commit by a Celery task, outside the timing."""
    log = log or (lambda _msg: None)
    commune = world.communes[0]
    village = world.villages[commune.pk][0]
    prepared = _proposed_cases(world, village, cases)
    decision = approvals.draft_decision(
        commune,
        title_type=world.title_type,
        year=prepared[0].year,
        cases=prepared,
        actor=world.user(Role.COMMUNE_OFFICER, commune),
    )
    chair = world.user(Role.COMMUNE_CHAIR, commune)
    counter = QueryCounter()
    with _no_debug(), connection.execute_wrapper(counter):
        counter.bucket = "sign"
        t0 = time.perf_counter()
        decision = wf_services.sign_decision(decision, actor=chair, signer_name="Chủ tịch UBND xã")
        dt = time.perf_counter() - t0
        counter.bucket = None
    ids = [c.pk for c in prepared]
    if Case.objects.filter(pk__in=ids, state=CaseState.COMMUNE_DECIDED).count() != cases:
        raise AssertionError("not every case was recognised")
    if CaseTask.objects.filter(case_id__in=ids, status="NEW", flow_task_type="HUMAN").count() != cases:
        raise AssertionError("not every case has its audit step")
    log(f"    {decision.reference}: {cases} cases in {dt * 1000:.0f} ms, {counter.counts['sign']} queries")
    return {"cases": cases, "ms": round(dt * 1000), "queries": counter.counts["sign"]}
