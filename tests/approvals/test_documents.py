"""Storing the generated documents: each once, with its SHA-256 and one event, resumable after a failure."""

import pytest

from approvals import documents as rendering
from approvals import jobs, services, tasks
from approvals.models import Certificate, Decision
from audit.models import AuditEvent
from tests.approvals.builders import proposed_cases, scored_cases, session_for, signed_decision
from tests.builders import gdht


@pytest.fixture
def fake_pdfs(monkeypatch):
    """Rendering counted per document instead of run (WeasyPrint is slow and not what these tests check)."""
    rendered = []

    def fake(kind):
        def render(owner):
            rendered.append((kind, owner.pk))
            return f"%PDF-{kind}-{owner.pk}".encode()

        return render

    for kind in ("minutes", "decision", "certificate"):
        monkeypatch.setattr(rendering, f"{kind}_pdf", fake(kind))
    return rendered


def _events(event_type):
    return AuditEvent.objects.filter(event_type=event_type)


def test_the_minutes_are_stored_once_and_not_while_the_meeting_is_open(world, fake_pdfs):
    cases = scored_cases(world, 2)
    session = session_for(world, cases)
    assert jobs.store_minutes(session) is False  # still open

    services.close_session(session, actor=world.user("head_a1"))
    assert tasks.generate_minutes(session.pk) is True
    assert tasks.generate_minutes(session.pk) is False  # a redelivered task

    session.refresh_from_db()
    assert session.minutes.read() == f"%PDF-minutes-{session.pk}".encode()
    assert fake_pdfs == [("minutes", session.pk)]
    event = _events("session.minutes_generated").get()
    assert (event.stream, event.scope) == (session.stream, session.unit_path)
    assert event.data == {"sha256": session.minutes_sha256, "file": session.minutes.name}


def test_the_decision_documents_are_stored_once_each(world, fake_pdfs):
    cases = proposed_cases(world, 3)
    decision = signed_decision(world, cases, refused=[cases[2]])

    assert tasks.generate_decision_documents(decision.pk) == 3  # the decision and two certificates
    assert tasks.generate_decision_documents(decision.pk) == 0

    decision.refresh_from_db()
    assert decision.documents == Decision.Documents.READY
    assert len(fake_pdfs) == 3
    assert _events("decision.document_generated").get().data["sha256"] == decision.document_sha256
    issued = _events("case.certificate_issued")
    assert sorted(e.stream for e in issued) == sorted(c.stream for c in cases[:2])
    for certificate in Certificate.objects.filter(entry__decision=decision).select_related("entry__case"):
        event = issued.get(stream=certificate.entry.case.stream)
        assert event.scope == certificate.entry.case.unit_path
        assert event.data == {
            "decision": decision.reference,
            "sha256": certificate.sha256,
            "file": certificate.file.name,
        }


def test_a_failed_certificate_marks_the_documents_failed_and_a_retry_continues(world, fake_pdfs, monkeypatch):
    cases = proposed_cases(world, 3)
    decision = signed_decision(world, cases)
    render = rendering.certificate_pdf

    def second_fails(entry):
        if entry.case_id == cases[1].pk:
            raise OSError("disk full")
        return render(entry)

    monkeypatch.setattr(rendering, "certificate_pdf", second_fails)
    with pytest.raises(OSError):
        tasks.generate_decision_documents(decision.pk)
    decision.refresh_from_db()
    assert decision.documents == Decision.Documents.FAILED
    assert Certificate.objects.filter(entry__decision=decision).count() == 1
    assert not _events("case.certificate_issued").filter(stream=cases[1].stream).exists()

    monkeypatch.setattr(rendering, "certificate_pdf", render)
    assert tasks.generate_decision_documents(decision.pk) == 2  # the two certificates still missing
    decision.refresh_from_db()
    assert decision.documents == Decision.Documents.READY
    assert [kind for kind, _ in fake_pdfs] == ["decision", "certificate", "certificate", "certificate"]
    assert _events("case.certificate_issued").count() == 3
    assert _events("decision.document_generated").count() == 1


def test_an_unsigned_decision_gets_no_documents(world, fake_pdfs):
    decision = services.draft_decision(
        world.commune_a,
        title_type=gdht(),
        year=2026,
        cases=proposed_cases(world, 1),
        actor=world.user("commune_officer_a"),
    )
    assert jobs.store_decision_documents(decision) == 0
    assert fake_pdfs == []
