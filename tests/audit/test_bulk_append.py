"""record_events(): a bulk append writes byte for byte the chains record_event writes one event at a time."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from audit import services
from audit.context import RequestMeta, reset_request_meta, set_request_meta
from audit.models import AuditEvent, StreamHead
from audit.services import NewEvent, record_event, record_events
from audit.verify import verify_log
from tests.builders import make_user

FROZEN = datetime.datetime(2026, 11, 20, 3, 4, 5, 123456, tzinfo=datetime.UTC)


class _Rollback(Exception):
    pass


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(services.timezone, "now", lambda: FROZEN)
    token = set_request_meta(RequestMeta(request_id="req-7", ip="2001:DB8:0:0:0:0:0:1"))
    yield
    reset_request_meta(token)


def _batch():
    """Events for a stream with history, a new stream, and a stream appended to twice in the batch."""
    return [
        NewEvent(
            "case:old", "case.recognised", data={"from": "a", "to": "b", "date": datetime.date(2026, 1, 2)}
        ),
        NewEvent("case:new", "case.refused", data={"score": 1.5}, reason="Chưa đạt", role="chair", unit="24"),
        NewEvent("case:twice", "case.one", scope="/24/"),
        NewEvent("case:twice", "case.two", data={"nested": {"x": [1, 2]}}, scope="/24/"),
    ]


def _chains(streams):
    return list(
        AuditEvent.objects.filter(stream__in=streams)
        .order_by("stream", "seq")
        .values_list("stream", "seq", "event_type", "occurred_at", "data", "prev_hash", "hash", "scope", "ip")
    ), dict(StreamHead.objects.filter(stream__in=streams).values_list("stream", "hash"))


def test_bulk_append_writes_the_chains_record_event_writes(db, frozen):
    actor = make_user(username="chair")
    record_event("case:old", "case.nominated", actor=actor, data={"n": 1})
    record_event("case:twice", "case.nominated", actor=actor)
    streams = {e.stream for e in _batch()}

    one_by_one = None
    try:
        with transaction.atomic():
            for e in _batch():
                record_event(
                    e.stream,
                    e.event_type,
                    actor=actor,
                    data=e.data,
                    reason=e.reason,
                    role=e.role,
                    unit=e.unit,
                    scope=e.scope,
                )
            one_by_one = _chains(streams)
            raise _Rollback
    except _Rollback:
        pass
    assert AuditEvent.objects.filter(stream="case:new").count() == 0

    written = record_events(_batch(), actor=actor)

    assert [(e.stream, e.seq) for e in written] == [
        ("case:old", 2),
        ("case:new", 1),
        ("case:twice", 2),
        ("case:twice", 3),
    ]
    assert all(e.pk for e in written)
    assert _chains(streams) == one_by_one
    assert verify_log().ok


def test_bulk_append_costs_the_same_statements_for_ten_or_fifty_streams(db):
    def appended(n):
        streams = [f"case:{n}-{i}" for i in range(n)]
        record_events([NewEvent(s, "case.nominated") for s in streams])  # heads created
        with CaptureQueriesContext(connection) as ctx:
            record_events([NewEvent(s, "case.recognised") for s in streams])
        return len(ctx.captured_queries)

    assert appended(10) == appended(50) == 3  # lock the heads, insert the events, update the heads
    assert verify_log().ok


def test_an_empty_batch_writes_nothing(db):
    with CaptureQueriesContext(connection) as ctx:
        assert record_events([]) == []
    assert ctx.captured_queries == []
