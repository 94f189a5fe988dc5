"""start_streams() writes the first events of new streams as record_events() would: the same chain from the
genesis hash, the same heads; a stream that already has a head is refused."""

import pytest
from django.db import IntegrityError, transaction

from audit.hashing import HASHED_FIELDS
from audit.models import GENESIS_HASH, AuditEvent, StreamHead
from audit.services import EventSpec, record_events, start_streams
from audit.verify import verify_log

# what both appends hash, but for the stream, the time and the data (each names its own stream)
HASHED = [f for f in HASHED_FIELDS if f not in ("stream", "occurred_at", "data")] + ["scope"]


def _spec(stream, user):
    return EventSpec(stream, "subject.created", actor=user, data={"code": stream, "n": 1}, scope="01.02")


def test_new_streams_start_as_record_events_starts_them(world):
    user = world.user("officer_a1")
    start_streams(_spec(f"fast:{i}", user) for i in range(3))
    record_events([_spec(f"plain:{i}", user) for i in range(3)])
    for i in range(3):
        fast = AuditEvent.objects.values(*HASHED, "prev_hash").get(stream=f"fast:{i}")
        plain = AuditEvent.objects.values(*HASHED, "prev_hash").get(stream=f"plain:{i}")
        assert fast == plain
        event = AuditEvent.objects.get(stream=f"fast:{i}")
        assert event.prev_hash == GENESIS_HASH and event.seq == 1
        head = StreamHead.objects.get(stream=f"fast:{i}")
        assert (head.seq, head.hash) == (1, event.hash)
    # the chain goes on from there as from any head
    [next_event] = record_events([_spec("fast:0", user)], returning=True)
    assert next_event.seq == 2 and next_event.prev_hash == AuditEvent.objects.get(stream="fast:0", seq=1).hash


def test_a_stream_that_exists_is_refused(world):
    user = world.user("officer_a1")
    record_events([_spec("taken", user)])
    with pytest.raises(IntegrityError), transaction.atomic():
        start_streams([_spec("taken", user)])
    assert AuditEvent.objects.filter(stream="taken").count() == 1


def test_the_log_verifies_with_streams_started_in_bulk(world):
    start_streams(_spec(f"bulk:{i}", world.user("officer_a1")) for i in range(5))
    assert verify_log().ok
