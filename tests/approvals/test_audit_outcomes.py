"""Honest audit outcomes (issue 15 item 9): checked, not sampled and revoked are three different outcomes in
the case file, the reports and the history; a case outside the sample is never reported as checked."""

from decimal import Decimal

from django.urls import reverse
from django.utils import translation

from approvals import services
from audit.models import AuditEvent
from cases.models import RECOGNISED_STATES, Case, CaseState
from reports import dashboard
from tests.approvals.builders import proposed_cases, signed_decision
from tests.builders import gdht
from workflows import services as workflow


def _closed_audit(world, settings, n=5):
    settings.RECOGNITION = {**settings.RECOGNITION, "AUDIT_RISK_MAX_PICKS": 0}
    cases = proposed_cases(world, n)
    decision = signed_decision(world, cases)
    auditor = world.user("auditor")
    audit = services.open_audit(decision, actor=auditor, share=Decimal("0.4"), minimum=2, seed=11)
    samples = sorted(audit.samples.all(), key=lambda s: s.case_id)
    assert len(samples) == 2  # ceil(40 % of 5): three cases stay outside the sample
    problem, checked = samples
    services.record_finding(
        problem,
        finding="problem",
        description="Hộ không còn cư trú tại thôn",
        evidence="Xác nhận của công an xã",
        actor=auditor,
    )
    services.record_finding(checked, finding="confirmed", actor=auditor)
    workflow.close_audit(audit, actor=auditor)
    unsampled = {c.pk for c in cases} - {problem.case_id, checked.case_id}
    return audit, problem.case_id, checked.case_id, unsampled


def test_an_unsampled_case_is_closed_as_not_checked_never_as_audited(world, settings):
    audit, revoked, checked, unsampled = _closed_audit(world, settings)
    states = dict(Case.objects.values_list("pk", "state"))
    assert states[revoked] == CaseState.REVOKED
    assert states[checked] == CaseState.DISTRICT_AUDITED
    assert {states[pk] for pk in unsampled} == {CaseState.AUDIT_NOT_SAMPLED}
    # still recognised: the decision stands, only the check did not happen
    assert CaseState.AUDIT_NOT_SAMPLED in RECOGNISED_STATES
    # the history: one event each, of its own kind; no unsampled case has a confirmation
    for pk in unsampled:
        kinds = list(
            AuditEvent.objects.filter(stream=Case.stream_of(pk)).values_list("event_type", flat=True)
        )
        assert kinds[-1] == "case.audit_not_sampled" and "case.audit_confirmed" not in kinds
    assert AuditEvent.objects.filter(
        stream=Case.stream_of(checked), event_type="case.audit_confirmed"
    ).exists()
    closed = AuditEvent.objects.get(stream=audit.stream, event_type="audit.closed")
    references = dict(Case.objects.values_list("pk", "reference"))
    assert closed.data["confirmed"] == [references[checked]]
    assert sorted(closed.data["not_sampled"]) == sorted(references[pk] for pk in unsampled)
    assert list(closed.data["revoked"]) == [references[revoked]]


def test_the_commune_is_told_how_many_cases_were_not_checked(
    world, settings, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        _closed_audit(world, settings)
    note = Notification.objects.filter(kind="audit_closed", user=world.user("chair_a")).get()
    text = f"{note.title} {note.body}"
    assert "1 hồ sơ thuộc mẫu đã được kiểm tra và xác nhận" in text
    assert "3 hồ sơ không thuộc mẫu nên không được kiểm tra" in text


def test_the_reports_count_the_three_outcomes_apart(world, settings):
    _audit, _revoked, _checked, unsampled = _closed_audit(world, settings)
    report, _points = dashboard.coverage_with_trend(world.commune_a, title=gdht(), year=2026)
    bars = {bar.state: bar.count for bar in dashboard.pipeline(report)}
    assert bars[CaseState.DISTRICT_AUDITED] == 1
    assert bars[CaseState.AUDIT_NOT_SAMPLED] == len(unsampled) == 3
    assert bars[CaseState.REVOKED] == 1


def test_the_case_file_says_not_checked(client, world, settings):
    _audit, _revoked, checked, unsampled = _closed_audit(world, settings)
    client.force_login(world.user("commune_officer_a"))
    with translation.override("vi"):
        page = client.get(reverse("cases:detail", args=[min(unsampled)]), HTTP_ACCEPT_LANGUAGE="vi").content
        page = page.decode()
        checked_page = client.get(reverse("cases:detail", args=[checked]), HTTP_ACCEPT_LANGUAGE="vi").content
    assert 'state-audit_not_sampled"' in page and 'state-district_audited"' not in page
    assert 'state-district_audited"' in checked_page.decode()
    listed = client.get(reverse("cases:list"), {"state": CaseState.DISTRICT_AUDITED}).content.decode()
    references = dict(Case.objects.values_list("pk", "reference"))
    assert references[checked] in listed
    assert not any(references[pk] in listed for pk in unsampled)
