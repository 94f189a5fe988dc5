"""Mutation testing of verification: 200 seeded random single-row tamperings are each detected and located.

A generated log of several streams (with a checkpoint over all of it) is tampered with one row at a time by
raw SQL, as someone with owner rights on the database could: a field changed, a row deleted, a forged row
inserted (at the end of a stream with a correct hash, or as a new stream), two sequence numbers swapped, a
whole stream deleted with its head. Each tampering is rolled back (savepoint) before the next, and each must
make verify_log() fail with its first problem at the tampered stream and sequence number (a deleted whole
stream is found by the checkpoint, which is the only record left of it).
"""

import datetime
import json
import random

import pytest
from django.db import connection, transaction
from django.utils import timezone, translation

from audit import verify
from audit.checkpoints import make_checkpoint
from audit.hashing import chain_hash, normalise
from audit.models import AuditEvent, StreamHead
from audit.services import record_event
from tests.builders import make_user

SEED = 20260601
MUTATIONS = 200
STREAMS = {f"case:{900 + i}": 8 + 3 * i for i in range(6)}  # 6 streams of 8..23 events
# Columns an attacker may rewrite in place (the hashed ones, and the two hashes themselves).
COLUMNS = (
    "event_type",
    "actor_name",
    "actor_role",
    "actor_unit",
    "occurred_at",
    "data",
    "reason",
    "request_id",
    "ip",
    "actor_id",
    "hash",
    "prev_hash",
)
KINDS = ("change", "delete", "insert", "swap", "drop_stream")


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def generated_log(db):
    actors = [make_user(username=f"nguoi{i}") for i in range(3)]
    rng = random.Random(SEED)
    for i in range(max(STREAMS.values())):
        for stream, length in STREAMS.items():
            if i < length:
                record_event(
                    stream,
                    rng.choice(["case.scored", "evidence.added", "case.returned"]),
                    actor=rng.choice(actors),
                    role="assessor",
                    unit="24-07627",
                    data={"i": i, "note": "Hộ Nguyễn Văn Ân", "total": "87.50"},
                    reason=rng.choice(["", "Thiếu minh chứng"]),
                )
    make_checkpoint(day=timezone.localdate(), cutoff=timezone.now())
    if connection.vendor == "postgresql":
        # An owner can switch the append-only trigger off; it stays off only inside this test's transaction.
        sql("SET CONSTRAINTS ALL IMMEDIATE")
        sql("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
    return actors


def _row(stream: str, seq: int) -> dict:
    return AuditEvent.objects.filter(stream=stream, seq=seq).values().get()


def _changed_value(column: str, row: dict, rng: random.Random, actors):
    if column == "occurred_at":
        return row["occurred_at"] - datetime.timedelta(seconds=rng.randint(1, 3600))
    if column == "data":
        data = dict(row["data"])
        data[rng.choice(["i", "note", "total"])] = rng.choice(["0", "Hộ khác", "99.00"])
        return json.dumps(data, ensure_ascii=False)
    if column == "ip":
        return f"10.0.0.{rng.randint(1, 254)}"
    if column == "actor_id":
        others = [a.pk for a in actors if a.pk != row["actor_id"]]
        return rng.choice(others)
    if column in ("hash", "prev_hash"):
        return f"{rng.getrandbits(256):064x}"
    return row[column] + rng.choice(["x", " ", "1"])


def tamper(kind: str, rng: random.Random, actors) -> tuple[str, int | None]:
    """Apply one tampering; return where verification must locate it: (stream, seq)."""
    stream = rng.choice(sorted(STREAMS))
    last = STREAMS[stream]
    if kind == "change":
        seq = rng.randint(1, last)
        column = rng.choice(COLUMNS)
        value = _changed_value(column, _row(stream, seq), rng, actors)
        cast = "CAST(%s AS jsonb)" if column == "data" and connection.vendor == "postgresql" else "%s"
        sql(
            f"UPDATE audit_auditevent SET {column} = {cast} WHERE stream = %s AND seq = %s",
            [value, stream, seq],
        )
        return stream, seq
    if kind == "delete":
        seq = rng.randint(1, last)
        sql("DELETE FROM audit_auditevent WHERE stream = %s AND seq = %s", [stream, seq])
        return stream, seq  # a gap in the middle; the head for the last one
    if kind == "insert":
        if rng.random() < 0.3:
            forged_stream = f"case:{rng.randint(10_000, 99_999)}"
            _forge(forged_stream, 1, "0" * 64)
            return forged_stream, None  # events without a head row
        _forge(stream, last + 1, _row(stream, last)["hash"])
        return stream, last + 1  # a correctly chained event the head does not know
    if kind == "swap":
        seq = rng.randint(1, last - 1)
        params = [stream]
        sql("UPDATE audit_auditevent SET seq = 1000000 WHERE stream = %s AND seq = %s", [*params, seq])
        sql("UPDATE audit_auditevent SET seq = %s WHERE stream = %s AND seq = %s", [seq, stream, seq + 1])
        sql("UPDATE audit_auditevent SET seq = %s WHERE stream = %s AND seq = 1000000", [seq + 1, stream])
        return stream, seq
    # the whole stream and its head: nothing of it is left in the chains
    sql("DELETE FROM audit_auditevent WHERE stream = %s", [stream])
    StreamHead.objects.filter(stream=stream).delete()
    return "", None


def _forge(stream: str, seq: int, prev_hash: str) -> None:
    values = {
        "stream": stream,
        "seq": seq,
        "event_type": "case.recognised",
        "actor_id": None,
        "actor_name": "",
        "actor_role": "",
        "actor_unit": "",
        "occurred_at": timezone.now(),
        "data": normalise({"forged": True}),
        "reason": "",
        "request_id": "",
        "ip": None,
    }
    AuditEvent(prev_hash=prev_hash, hash=chain_hash(prev_hash, values), **values).save()


def test_clean_generated_log_gives_no_false_alarm(generated_log):
    result = verify.verify_log()
    assert result.ok, result.problems
    assert result.events_checked == sum(STREAMS.values())
    assert result.streams_checked == len(STREAMS)


def test_random_single_row_tamperings_are_each_detected_and_located(generated_log):
    rng = random.Random(SEED)
    seen = {kind: 0 for kind in KINDS}
    with translation.override("en"):
        for n in range(MUTATIONS):
            kind = rng.choice(KINDS)
            savepoint = transaction.savepoint()
            try:
                where = tamper(kind, rng, generated_log)
                result = verify.verify_log()
            finally:
                transaction.savepoint_rollback(savepoint)
            first = result.first_problem
            assert not result.ok, (n, kind, where)
            assert (first.stream, first.seq) == where, (n, kind, where, result.problems[:3])
            if kind == "drop_stream":
                assert first.kind == verify.CHECKPOINT_MISMATCH
            seen[kind] += 1
        # every rollback restored the genuine log
        assert verify.verify_log().ok
    assert all(count >= 20 for count in seen.values()), seen


@pytest.mark.parametrize(
    "instant",
    [
        datetime.datetime(2026, 1, 1, 0, 0, 0, tzinfo=datetime.UTC),  # no microseconds
        datetime.datetime(2026, 6, 30, 23, 59, 59, 999999, tzinfo=datetime.UTC),
        datetime.datetime(2026, 3, 1, 6, 30, 0, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=7))),
    ],
)
def test_instants_read_in_canonical_form_by_the_database_verify(db, instant):
    """The verifier reads occurred_at as PostgreSQL formats it; that must equal Python's canonical form."""
    from unittest import mock

    with mock.patch("audit.services.timezone.now", return_value=instant):
        record_event("case:1", "case.nominated", data={"note": "Hộ"})
    make_checkpoint(day=datetime.date(2026, 7, 1), cutoff=datetime.datetime(2026, 7, 1, tzinfo=datetime.UTC))
    result = verify.verify_log()
    assert result.ok, result.problems
