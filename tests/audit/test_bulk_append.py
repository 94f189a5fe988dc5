"""record_events(): many events in a few statements, writing exactly the chains record_event() would."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent, StreamHead
from audit.services import EventSpec, record_event, record_events, start_stream
from audit.verify import verify_log

FROZEN = datetime.datetime(2026, 3, 9, 3, 0, tzinfo=datetime.UTC)


def _specs(actor):
    return [
        EventSpec("test:alpha", "case.scored", actor, {"total": 87.5}, "", "scorer", "V01", "/P/C/V01/"),
        EventSpec("test:beta", "case.nominated", None, {"names": {"Nguyễn Văn An"}}, scope="/P/C/V02/"),
        EventSpec("test:alpha", "case.reviewed", actor, {}, "Đủ điều kiện", "head", "V01", "/P/C/V01/"),
        EventSpec("test:gamma", "deadline.reminder", data={"due_at": None}),
    ]


def _rows():
    rows = AuditEvent.objects.order_by("stream", "seq")
    return list(rows.values_list("stream", "seq", "prev_hash", "hash"))


def _written_one_by_one(specs):
    """The rows record_event() writes for the specs, one call each (then rolled back)."""
    with transaction.atomic():
        for spec in specs:
            record_event(
                spec.stream, spec.event_type, actor=spec.actor, data=spec.data, reason=spec.reason,
                role=spec.role, unit=spec.unit, scope=spec.scope,
            )  # fmt: skip
        rows = _rows()
        transaction.set_rollback(True)
    return rows


@pytest.mark.django_db
def test_the_chains_are_those_record_event_writes_one_by_one(django_user_model):
    actor = django_user_model.objects.create_user("canbo")
    record_event("test:alpha", "case.nominated", actor=actor)  # an existing chain to continue
    with time_machine.travel(FROZEN, tick=False):
        one_by_one = _written_one_by_one(_specs(actor))
        assert AuditEvent.objects.count() == 1
        assert record_events(_specs(actor)) == []  # copied in: nothing to return
    assert _rows() == one_by_one
    assert list(AuditEvent.objects.order_by("pk").values_list("stream", "seq"))[1:] == [
        ("test:alpha", 2), ("test:beta", 1), ("test:alpha", 3), ("test:gamma", 1),
    ]  # fmt: skip
    last = {row[0]: (row[1], row[3]) for row in one_by_one}  # stream -> (seq, hash) of its last event
    assert {h.stream: (h.seq, h.hash) for h in StreamHead.objects.all()} == last
    assert AuditEvent.objects.get(stream="test:beta").scope == "/P/C/V02/"
    assert verify_log().ok


@pytest.mark.django_db
def test_statements_do_not_grow_with_the_number_of_events(requires_postgres):
    """On PostgreSQL (one COPY); SQLite's bulk_create splits at its limit of bound parameters."""

    def statements(n, offset):
        specs = [EventSpec(f"test:s{offset + i}", "deadline.reminder", data={"i": i}) for i in range(n)]
        with CaptureQueriesContext(connection) as queries:
            record_events(specs)
        return len(queries)

    few, many = statements(3, 0), statements(120, 100)
    assert few == many <= 8  # lock the heads, create the new ones, lock them; insert; update the heads
    assert AuditEvent.objects.count() == 123 and verify_log().ok


@pytest.mark.django_db
def test_nothing_to_append_writes_nothing():
    with CaptureQueriesContext(connection) as queries:
        assert record_events([]) == []
    assert len(queries) == 0


@pytest.mark.django_db
def test_returning_gives_the_saved_events_with_their_keys(django_user_model):
    actor = django_user_model.objects.create_user("chutich")
    record_event("test:alpha", "case.nominated")
    saved = record_events(_specs(actor), returning=True)
    assert [(e.stream, e.seq) for e in saved] == [
        ("test:alpha", 2), ("test:beta", 1), ("test:alpha", 3), ("test:gamma", 1),
    ]  # fmt: skip
    stored = AuditEvent.objects.filter(pk__in=[e.pk for e in saved]).values_list("stream", "seq", "hash")
    assert sorted(stored) == sorted((e.stream, e.seq, e.hash) for e in saved)
    assert verify_log().ok


@pytest.mark.django_db
def test_a_new_stream_starts_with_its_head_and_the_chain_record_event_writes(django_user_model):
    actor = django_user_model.objects.create_user("chutich")
    specs = [
        EventSpec("test:new", "decision.drafted", actor, {"cases": ["GDHT-1"]}, scope="/P/C/"),
        EventSpec("test:new", "decision.signed", actor, {"number": "1/QĐ-UBND"}, "", "chair", "C", "/P/C/"),
    ]
    with time_machine.travel(FROZEN, tick=False):
        one_by_one = _written_one_by_one(specs)
        with CaptureQueriesContext(connection) as queries:
            started = start_stream(specs)
    assert _rows() == one_by_one and [e.pk for e in started] == list(
        AuditEvent.objects.order_by("seq").values_list("pk", flat=True)
    )
    assert StreamHead.objects.get(stream="test:new").hash == one_by_one[-1][3]
    if connection.vendor == "postgresql":
        assert len(queries) == 1  # the events and the head together
    assert verify_log().ok


@pytest.mark.django_db
def test_a_stream_that_exists_cannot_be_started_again():
    record_event("test:old", "case.nominated")
    with pytest.raises(IntegrityError), transaction.atomic():
        start_stream([EventSpec("test:old", "case.scored")])
    assert AuditEvent.objects.filter(stream="test:old").count() == 1
    with pytest.raises(ValueError):
        start_stream([EventSpec("test:a", "x.y"), EventSpec("test:b", "x.y")])
