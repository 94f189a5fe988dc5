"""Every event the collective steps write is scoped to its unit, so inspectors of that unit find it."""

from django.urls import reverse

from approvals import services
from audit.models import AuditEvent
from tests.approvals.builders import scored_cases, session_for, signed_decision
from workflows import services as workflow


def test_events_of_meetings_decisions_audits_and_their_cases_carry_their_unit(
    world, client, django_capture_on_commit_callbacks
):
    head, auditor = world.user("head_a1"), world.user("auditor")
    cases = scored_cases(world, 2)
    with django_capture_on_commit_callbacks(execute=True):
        session = session_for(world, cases, posting_days=0)
        services.record_comment(session.entries.first(), author="Bà Lan", text="Đồng ý", actor=head)
        workflow.close_session(session, actor=head)
        decision = signed_decision(world, cases)
    audit = services.open_audit(decision, actor=auditor, share=1, minimum=0, seed=3)
    for sample in audit.samples.all():
        services.record_finding(sample, finding="confirmed", actor=auditor)
    workflow.close_audit(audit, actor=auditor)
    client.force_login(world.user("chair_a"))
    assert client.get(reverse("approvals:decision_document", args=[decision.pk])).status_code == 200
    client.force_login(head)
    assert client.get(reverse("approvals:session_minutes", args=[session.pk])).status_code == 200

    scopes = {
        kind: set(AuditEvent.objects.filter(stream__startswith=f"{kind}:").values_list("scope", flat=True))
        for kind in ("session", "decision", "audit", "case")
    }
    assert scopes == {
        "session": {world.village_a1.path},
        "decision": {world.commune_a.path},
        "audit": {world.commune_a.path},
        "case": {world.village_a1.path},
    }
    downloads = AuditEvent.objects.filter(event_type="document.downloaded").values_list("stream", "scope")
    assert set(downloads) == {
        (decision.stream, world.commune_a.path),
        (session.stream, world.village_a1.path),
    }
    assert (
        AuditEvent.objects.filter(stream__startswith="case:", event_type="case.certificate_issued").count()
        == 2
    )
