"""make_checkpoint(): the digest of the stream heads as of a cut-off, chained, idempotent per day."""

import datetime
import hashlib
import json
import logging

import pytest
from django.utils import timezone, translation

from audit import tasks
from audit.checkpoints import (
    checkpoint_file_bytes,
    default_period,
    make_checkpoint,
    parse_checkpoint_document,
)
from audit.hashing import checkpoint_hash
from audit.models import GENESIS_HASH, AuditEvent, Checkpoint, StreamHead
from audit.services import record_event

HCM = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, whatever LANGUAGE_CODE is."""
    with translation.override("en"):
        yield


def expected_digest(heads) -> str:
    lines = "".join(f"{stream}\t{seq}\t{head_hash}\n" for stream, seq, head_hash in heads)
    return hashlib.sha256(lines.encode()).hexdigest()


def test_checkpoint_digests_every_head(world):
    record_event("test:a", "test.event")
    record_event("test:a", "test.event")
    cutoff = timezone.now()
    checkpoint = make_checkpoint(cutoff=cutoff)

    heads = sorted(StreamHead.objects.values_list("stream", "seq", "hash"), key=lambda h: h[0].encode())
    assert checkpoint.day == timezone.localdate()
    assert checkpoint.cutoff == cutoff
    assert checkpoint.stream_count == len(heads) == StreamHead.objects.count() > 1
    assert checkpoint.event_count == AuditEvent.objects.count()
    assert checkpoint.heads_digest == expected_digest(heads)
    assert checkpoint.prev_hash == GENESIS_HASH
    assert checkpoint.hash == checkpoint_hash(
        GENESIS_HASH,
        day=checkpoint.day.isoformat(),
        cutoff=cutoff,
        stream_count=checkpoint.stream_count,
        event_count=checkpoint.event_count,
        heads_digest=checkpoint.heads_digest,
    )
    assert Checkpoint.objects.get().hash == checkpoint.hash


def test_checkpoint_takes_the_heads_as_of_its_cutoff(db):
    first = record_event("test:a", "test.event")
    second = record_event("test:a", "test.event")
    cutoff = timezone.now()
    record_event("test:a", "test.event")  # after the cut-off
    record_event("test:b", "test.event")  # a stream that begins after the cut-off

    checkpoint = make_checkpoint(cutoff=cutoff)
    assert checkpoint.stream_count == 1
    assert checkpoint.event_count == 2
    assert checkpoint.heads_digest == expected_digest([("test:a", 2, second.hash)])
    assert first.hash != second.hash


def test_checkpoints_are_chained(db):
    record_event("test:a", "test.event")
    first = make_checkpoint(day=datetime.date(2026, 1, 1), cutoff=timezone.now())
    record_event("test:a", "test.event")
    second = make_checkpoint(day=datetime.date(2026, 1, 2), cutoff=timezone.now())
    assert second.prev_hash == first.hash
    assert second.event_count == first.event_count + 1


def test_checkpoint_is_idempotent_per_day(db):
    record_event("test:a", "test.event")
    day = timezone.localdate()
    checkpoint = make_checkpoint(day=day, cutoff=timezone.now())
    assert checkpoint is not None
    record_event("test:a", "test.event")

    assert make_checkpoint(day=day, cutoff=timezone.now()) is None
    assert make_checkpoint(cutoff=timezone.now()) is None  # the same local day
    stored = Checkpoint.objects.get()
    assert (stored.pk, stored.hash, stored.event_count) == (checkpoint.pk, checkpoint.hash, 1)


def test_empty_log_checkpoint(db):
    checkpoint = make_checkpoint(cutoff=timezone.now())
    assert (checkpoint.stream_count, checkpoint.event_count) == (0, 0)
    assert checkpoint.heads_digest == hashlib.sha256(b"").hexdigest()


def test_future_cutoff_is_refused(db):
    with pytest.raises(ValueError, match="future"):
        make_checkpoint(cutoff=timezone.now() + datetime.timedelta(minutes=5))
    with pytest.raises(ValueError, match="future"):
        make_checkpoint(day=timezone.localdate())  # its cut-off is tonight
    assert not Checkpoint.objects.exists()


def test_checkpoint_before_the_latest_is_refused(db):
    make_checkpoint(day=datetime.date(2026, 1, 5), cutoff=timezone.now() - datetime.timedelta(hours=1))
    with pytest.raises(ValueError, match="later checkpoint"):
        make_checkpoint(day=datetime.date(2026, 1, 4), cutoff=timezone.now())
    with pytest.raises(ValueError, match="later checkpoint"):
        make_checkpoint(day=datetime.date(2026, 1, 6), cutoff=timezone.now() - datetime.timedelta(hours=2))
    assert Checkpoint.objects.count() == 1


def test_default_period_is_yesterday_up_to_local_midnight():
    day, cutoff = default_period()
    assert cutoff.utcoffset() == datetime.timedelta(hours=7)
    assert (cutoff.hour, cutoff.minute, cutoff.second, cutoff.microsecond) == (0, 0, 0, 0)
    assert cutoff.date() == timezone.localdate(timezone.now())
    assert day == cutoff.date() - datetime.timedelta(days=1)
    assert cutoff <= timezone.now() < cutoff + datetime.timedelta(days=1)


def test_default_period_from_a_day_or_a_cutoff():
    day, cutoff = default_period(day=datetime.date(2026, 3, 31))
    assert (day, cutoff) == (datetime.date(2026, 3, 31), datetime.datetime(2026, 4, 1, tzinfo=HCM))
    # 17:30 UTC on 1 April is 00:30 on 2 April in Ho Chi Minh City.
    late = datetime.datetime(2026, 4, 1, 17, 30, tzinfo=datetime.UTC)
    assert default_period(cutoff=late) == (datetime.date(2026, 4, 2), late)
    midnight = datetime.datetime(2026, 4, 2, tzinfo=HCM)
    assert default_period(cutoff=midnight) == (datetime.date(2026, 4, 1), midnight)


def test_checkpoint_file_round_trips(db):
    record_event("test:a", "test.event")
    checkpoint = make_checkpoint(cutoff=timezone.now())
    document = json.loads(checkpoint_file_bytes(checkpoint))
    assert set(document) == {
        "day",
        "cutoff",
        "stream_count",
        "event_count",
        "heads_digest",
        "prev_hash",
        "hash",
    }
    parsed = parse_checkpoint_document(document)
    assert parsed == {
        "day": checkpoint.day,
        "cutoff": checkpoint.cutoff,
        "stream_count": checkpoint.stream_count,
        "event_count": checkpoint.event_count,
        "heads_digest": checkpoint.heads_digest,
        "prev_hash": checkpoint.prev_hash,
        "hash": checkpoint.hash,
    }


def test_daily_task_checkpoints_yesterday_once(db):
    record_event("test:a", "test.event")  # today: after yesterday's cut-off
    tasks.make_daily_checkpoint.delay()
    tasks.make_daily_checkpoint.delay()
    checkpoint = Checkpoint.objects.get()
    assert checkpoint.day == timezone.localdate() - datetime.timedelta(days=1)
    assert checkpoint.cutoff == datetime.datetime.combine(timezone.localdate(), datetime.time.min, tzinfo=HCM)
    assert (checkpoint.stream_count, checkpoint.event_count) == (0, 0)


def test_verify_task_logs_the_outcome(db, caplog):
    event = record_event("test:a", "test.event")
    with caplog.at_level(logging.INFO, logger="audit.tasks"):
        assert tasks.verify_audit_log() is True
    assert "audit log verified: 1 events" in caplog.text

    StreamHead.objects.filter(stream=event.stream).delete()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="audit.tasks"):
        assert tasks.verify_audit_log() is False
    assert "FAILED" in caplog.text and "test:a" in caplog.text


def test_daily_task_after_an_operator_checkpoint_of_today_does_not_fail(db, caplog):
    make_checkpoint(cutoff=timezone.now())  # audit_checkpoint --now, before yesterday's was written
    with caplog.at_level(logging.WARNING, logger="audit.tasks"):
        assert tasks.make_daily_checkpoint() is None
    assert "not written" in caplog.text
    assert Checkpoint.objects.get().day == timezone.localdate()
