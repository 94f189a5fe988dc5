"""verify_log(): a genuine log verifies; every kind of tampering by raw SQL is detected and located.

The tampering tests run on SQLite and on PostgreSQL; on PostgreSQL the append-only trigger is switched off
around the raw SQL, as an attacker with owner rights on the database could do.
"""

import datetime
import hashlib
import json
from contextlib import contextmanager

import pytest
from django.db import connection
from django.utils import timezone, translation

from audit import verify
from audit.checkpoints import checkpoint_document, checkpoint_file_bytes, make_checkpoint
from audit.hashing import HASHED_FIELDS, chain_hash, normalise
from audit.models import AuditEvent, Checkpoint, StreamHead
from audit.services import record_event
from cases.models import CaseState
from tests.builders import advance, nominate

ALPHA = "test:alpha"
BETA = "test:beta"


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, whatever LANGUAGE_CODE is."""
    with translation.override("en"):
        yield


def run_sql(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextmanager
def tampering(table: str = "audit_auditevent"):
    """Raw changes to an append-only table: on PostgreSQL its trigger is disabled meanwhile."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        # ALTER TABLE refuses while deferred foreign-key checks of this transaction are pending: run them now.
        run_sql("SET CONSTRAINTS ALL IMMEDIATE")
        run_sql(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
    try:
        yield
    finally:
        if postgres:
            run_sql(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
            run_sql("SET CONSTRAINTS ALL DEFERRED")


def update_event(stream: str, seq: int, column: str, value) -> None:
    placeholder = "CAST(%s AS jsonb)" if column == "data" and connection.vendor == "postgresql" else "%s"
    if column == "data":
        value = json.dumps(value)
    with tampering():
        run_sql(
            f"UPDATE audit_auditevent SET {column} = {placeholder} WHERE stream = %s AND seq = %s",
            [value, stream, seq],
        )


def delete_events(stream: str, *seqs: int) -> None:
    with tampering():
        if seqs:
            marks = ", ".join(["%s"] * len(seqs))
            run_sql(f"DELETE FROM audit_auditevent WHERE stream = %s AND seq IN ({marks})", [stream, *seqs])
        else:
            run_sql("DELETE FROM audit_auditevent WHERE stream = %s", [stream])


def forge_event(stream: str, seq: int, prev_hash: str, occurred_at=None, **changes) -> AuditEvent:
    """Insert an event whose hash is correct over `prev_hash`, bypassing record_event (no head update)."""
    values = {
        "stream": stream,
        "seq": seq,
        "event_type": "case.recognised",
        "actor_id": None,
        "actor_name": "",
        "actor_role": "",
        "actor_unit": "",
        "occurred_at": occurred_at or timezone.now(),
        "data": normalise({"forged": True}),
        "reason": "",
        "request_id": "",
        "ip": None,
    }
    values.update(changes)
    event = AuditEvent(prev_hash=prev_hash, hash=chain_hash(prev_hash, values), **values)
    event.save()  # inserts are allowed: only the verifier can tell a forged row
    return event


def head(stream: str) -> StreamHead:
    return StreamHead.objects.get(stream=stream)


def kinds_at(result) -> list[tuple[str, int | None, str]]:
    return [(p.stream, p.seq, p.kind) for p in result.problems]


@pytest.fixture
def log(world):
    """Genuine chains: a case walked to the district audit (9 events) plus two plain streams."""
    case = advance(world, nominate(world), CaseState.DISTRICT_AUDITED)
    actor = world.user("auditor")
    for i in range(5):
        record_event(ALPHA, "test.event", actor=actor, data={"i": i, "note": "Thôn Đông"}, reason=f"r{i}")
    for i in range(3):
        record_event(BETA, "test.event", data={"i": i, "amount": 1.5})
    assert AuditEvent.objects.filter(stream=case.stream).count() == 9
    return case.stream


# --- a genuine log ----------------------------------------------------------------------------------------


def test_clean_log_verifies(log):
    result = verify.verify_log()
    assert result.ok, result.problems
    assert result.problems == [] and result.problem_count == 0 and result.first_problem is None
    assert result.events_checked == AuditEvent.objects.count() > 17
    assert result.streams_checked == StreamHead.objects.count()
    assert result.checkpoints_checked == 0


def test_clean_log_with_checkpoints_verifies_also_after_later_events(log):
    first = make_checkpoint(day=timezone.localdate() - datetime.timedelta(days=1), cutoff=timezone.now())
    record_event(ALPHA, "test.event", data={"later": True})
    second = make_checkpoint(cutoff=timezone.now())
    assert second.prev_hash == first.hash
    record_event(ALPHA, "test.event", data={"after the latest checkpoint": True})
    record_event("test:new", "test.event")

    result = verify.verify_log()
    assert result.ok, result.problems
    assert result.checkpoints_checked == 2


def test_stream_names_are_ordered_by_bytes_everywhere(db):
    """Upper case, lower case and non-ASCII names: the merge with the heads and the digest stay consistent."""
    names = ["b", "B", "á", "z", "Z-1", "a b", "đ", "ă"]
    for name in names:
        record_event(name, "test.event")
    checkpoint = make_checkpoint(cutoff=timezone.now())
    lines = "".join(f"{name}\t1\t{head(name).hash}\n" for name in sorted(names, key=str.encode))
    assert checkpoint.heads_digest == hashlib.sha256(lines.encode()).hexdigest()
    result = verify.verify_log()
    assert result.ok, result.problems
    assert result.streams_checked == len(names)


# --- altered, removed, inserted, renumbered events --------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("reason", "Rewritten reason"),
        ("actor_name", "someone_else"),
        ("data", {"from": "scored", "to": "village_reviewed", "total": "99.00"}),
        ("event_type", "case.refused"),
    ],
)
def test_altered_middle_event_is_located(log, column, value):
    update_event(log, 5, column, value)
    result = verify.verify_log()
    assert not result.ok
    # Only the altered row is reported: the next link still points to its stored hash.
    assert kinds_at(result) == [(log, 5, verify.HASH_MISMATCH)]
    assert "row was altered" in result.first_problem.message


def test_altered_ip_of_first_event_is_located(log):
    update_event(ALPHA, 1, "ip", "10.0.0.66")
    result = verify.verify_log()
    assert kinds_at(result) == [(ALPHA, 1, verify.HASH_MISMATCH)]


def test_deleted_middle_event_is_located(log):
    delete_events(log, 4)
    result = verify.verify_log()
    assert not result.ok
    assert kinds_at(result) == [(log, 4, verify.MISSING_EVENT)]
    assert "events 4 to 4 are missing" in result.first_problem.message


def test_deleted_first_events_are_located(log):
    delete_events(ALPHA, 1, 2)
    result = verify.verify_log()
    assert kinds_at(result) == [(ALPHA, 1, verify.MISSING_EVENT)]


def test_deleted_last_event_is_caught_by_the_head(log):
    delete_events(log, 9)
    result = verify.verify_log()
    assert not result.ok
    assert kinds_at(result) == [(log, 9, verify.HEAD_MISMATCH)]
    assert "the last events were removed" in result.first_problem.message


def test_forged_event_with_plausible_hash_is_caught_by_the_head(log):
    tip = head(log)
    forge_event(log, tip.seq + 1, tip.hash)
    result = verify.verify_log()
    assert not result.ok
    assert kinds_at(result) == [(log, 10, verify.HEAD_MISMATCH)]


def test_forged_event_with_a_wrong_prev_hash_is_located(log):
    tip = head(ALPHA)
    forge_event(ALPHA, tip.seq + 1, "f" * 64)
    run_sql("UPDATE audit_streamhead SET seq = seq + 1 WHERE stream = %s", [ALPHA])  # not append-only
    result = verify.verify_log()
    assert (ALPHA, 6, verify.BROKEN_LINK) == kinds_at(result)[0]


def test_swapped_sequence_numbers_are_located(log):
    with tampering():  # in three steps: the (stream, seq) constraint is checked row by row
        run_sql("UPDATE audit_auditevent SET seq = 1000 WHERE stream = %s AND seq = 3", [log])
        run_sql("UPDATE audit_auditevent SET seq = 3 WHERE stream = %s AND seq = 4", [log])
        run_sql("UPDATE audit_auditevent SET seq = 4 WHERE stream = %s AND seq = 1000", [log])
    result = verify.verify_log()
    assert not result.ok
    first = result.first_problem
    assert (first.stream, first.seq) == (log, 3)
    problems = kinds_at(result)
    assert (log, 3, verify.HASH_MISMATCH) in problems and (log, 4, verify.HASH_MISMATCH) in problems
    assert all(stream == log and seq in (3, 4, 5) for stream, seq, _kind in problems)


def test_problems_in_several_streams_are_all_reported_in_stream_order(log):
    update_event(BETA, 2, "reason", "x")
    delete_events(ALPHA, 3)
    result = verify.verify_log()
    assert kinds_at(result) == [(ALPHA, 3, verify.MISSING_EVENT), (BETA, 2, verify.HASH_MISMATCH)]


def test_collecting_stops_after_the_limit(db):
    for i in range(verify.MAX_PROBLEMS + 20):
        record_event(ALPHA, "test.event", data={"i": i})
    with tampering():
        run_sql("UPDATE audit_auditevent SET reason = 'x' WHERE stream = %s", [ALPHA])
    result = verify.verify_log()
    assert result.problem_count == verify.MAX_PROBLEMS + 20
    assert len(result.problems) == verify.MAX_PROBLEMS
    assert result.first_problem.seq == 1
    assert result.events_checked == verify.MAX_PROBLEMS + 20


# --- heads ------------------------------------------------------------------------------------------------


def test_head_without_events_is_reported(log):
    StreamHead.objects.create(stream="case:999", seq=4, hash="a" * 64)
    result = verify.verify_log()
    assert kinds_at(result) == [("case:999", 1, verify.EVENTS_MISSING)]


def test_head_without_events_sorting_last_is_reported(log):
    StreamHead.objects.create(stream="zzz", seq=2, hash="a" * 64)
    result = verify.verify_log()
    assert kinds_at(result) == [("zzz", 1, verify.EVENTS_MISSING)]


def test_events_without_head_are_reported(log):
    StreamHead.objects.filter(stream=BETA).delete()  # StreamHead is not append-only; it is checked instead
    result = verify.verify_log()
    assert kinds_at(result) == [(BETA, None, verify.HEAD_MISSING)]


def test_head_with_another_hash_is_reported(log):
    run_sql("UPDATE audit_streamhead SET hash = %s WHERE stream = %s", ["b" * 64, ALPHA])
    result = verify.verify_log()
    assert kinds_at(result) == [(ALPHA, 5, verify.HEAD_MISMATCH)]


# --- checkpoints ------------------------------------------------------------------------------------------


def test_whole_stream_deleted_after_a_checkpoint_is_detected(log):
    make_checkpoint(cutoff=timezone.now())
    assert verify.verify_log().ok
    delete_events(BETA)
    StreamHead.objects.filter(stream=BETA).delete()

    result = verify.verify_log()
    assert not result.ok
    # Nothing is left of the stream to see in the chains: only the checkpoint knows it existed.
    assert kinds_at(result) == [("", None, verify.CHECKPOINT_MISMATCH)]
    message = result.first_problem.message
    assert f"{StreamHead.objects.count()} streams" in message and "differs" in message


def test_forged_backdated_events_with_a_consistent_head_are_caught_by_the_checkpoint(log):
    before = timezone.now()
    make_checkpoint(cutoff=timezone.now())
    tip = head(ALPHA)
    forged = forge_event(ALPHA, tip.seq + 1, tip.hash, occurred_at=before)
    run_sql(
        "UPDATE audit_streamhead SET seq = %s, hash = %s WHERE stream = %s", [forged.seq, forged.hash, ALPHA]
    )

    result = verify.verify_log()
    assert kinds_at(result) == [("", None, verify.CHECKPOINT_MISMATCH)]


def test_rewritten_chain_is_caught_by_the_checkpoint(log):
    """An attacker alters an event, recomputes every later hash and the head: only the checkpoint sees it."""
    make_checkpoint(cutoff=timezone.now())
    rows = list(AuditEvent.objects.filter(stream=ALPHA).order_by("seq").values("id", *HASHED_FIELDS, "hash"))
    rows[2]["reason"] = "rewritten"
    prev = rows[1]["hash"]
    with tampering():
        for row in rows[2:]:
            values = {name: row[name] for name in HASHED_FIELDS}
            new_hash = chain_hash(prev, values)
            run_sql(
                "UPDATE audit_auditevent SET reason = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [row["reason"], prev, new_hash, row["id"]],
            )
            prev = new_hash
    run_sql("UPDATE audit_streamhead SET hash = %s WHERE stream = %s", [prev, ALPHA])

    result = verify.verify_log()
    assert kinds_at(result) == [("", None, verify.CHECKPOINT_MISMATCH)]


def test_altered_checkpoint_is_detected(log):
    make_checkpoint(day=timezone.localdate() - datetime.timedelta(days=1), cutoff=timezone.now())
    make_checkpoint(cutoff=timezone.now())
    older = Checkpoint.objects.order_by("day").first()
    with tampering("audit_checkpoint"):
        run_sql("UPDATE audit_checkpoint SET event_count = event_count - 1 WHERE id = %s", [older.pk])
    result = verify.verify_log()
    assert kinds_at(result) == [("", None, verify.CHECKPOINT_HASH_MISMATCH)]


def test_removed_checkpoint_breaks_the_checkpoint_chain(log):
    make_checkpoint(day=timezone.localdate() - datetime.timedelta(days=2), cutoff=timezone.now())
    make_checkpoint(day=timezone.localdate() - datetime.timedelta(days=1), cutoff=timezone.now())
    make_checkpoint(cutoff=timezone.now())
    middle = Checkpoint.objects.order_by("day")[1]
    with tampering("audit_checkpoint"):
        run_sql("DELETE FROM audit_checkpoint WHERE id = %s", [middle.pk])
    result = verify.verify_log()
    assert kinds_at(result) == [("", None, verify.CHECKPOINT_BROKEN_LINK)]


# --- against a checkpoint file kept off the server --------------------------------------------------------


def checkpoint_file(checkpoint) -> dict:
    return json.loads(checkpoint_file_bytes(checkpoint))


def test_genuine_checkpoint_file_verifies(log):
    older = checkpoint_file(
        make_checkpoint(day=timezone.localdate() - datetime.timedelta(days=1), cutoff=timezone.now())
    )
    record_event(ALPHA, "test.event")
    latest = checkpoint_file(make_checkpoint(cutoff=timezone.now()))
    record_event(BETA, "test.event")
    assert verify.verify_log(against=older).ok
    result = verify.verify_log(against=latest)
    assert result.ok, result.problems


@pytest.mark.parametrize("key", ["heads_digest", "event_count", "stream_count", "cutoff", "hash"])
def test_edited_checkpoint_file_is_rejected(log, key):
    document = checkpoint_file(make_checkpoint(cutoff=timezone.now()))
    if key in ("event_count", "stream_count"):
        document[key] += 1
    elif key == "cutoff":
        document[key] = (
            datetime.datetime.fromisoformat(document[key]) - datetime.timedelta(hours=1)
        ).isoformat()
    else:
        document[key] = "c" * 64
    result = verify.verify_log(against=document)
    assert not result.ok
    assert {p.kind for p in result.problems} == {verify.CHECKPOINT_FILE_MISMATCH}


def test_checkpoint_file_with_recomputed_hash_is_rejected(log):
    """Editing the digest and recomputing the file's hash fails: the stored checkpoint has the real one."""
    from audit.checkpoints import compute_checkpoint_hash, parse_checkpoint_document

    document = checkpoint_file(make_checkpoint(cutoff=timezone.now()))
    document["heads_digest"] = "d" * 64
    parsed = parse_checkpoint_document(document)
    document["hash"] = compute_checkpoint_hash(
        parsed["prev_hash"],
        **{k: parsed[k] for k in ("day", "cutoff", "stream_count", "event_count", "heads_digest")},
    )
    result = verify.verify_log(against=document)
    messages = [p.message for p in result.problems]
    assert not result.ok
    assert any("differs from the checkpoint file" in m for m in messages)
    assert any("Checkpoint file of" in m and "digest differs" in m for m in messages)


def test_checkpoint_file_catches_a_stream_deleted_with_rewritten_checkpoints(log):
    """Delete a stream, drop and rebuild every checkpoint: the log is self-consistent, the file is not."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    cutoff = timezone.now()
    kept_off_server = checkpoint_file(make_checkpoint(day=yesterday, cutoff=cutoff))
    delete_events(BETA)
    StreamHead.objects.filter(stream=BETA).delete()
    with tampering("audit_checkpoint"):
        run_sql("DELETE FROM audit_checkpoint")
    make_checkpoint(day=yesterday, cutoff=cutoff)

    assert verify.verify_log().ok
    result = verify.verify_log(against=kept_off_server)
    assert not result.ok
    kinds = [p.kind for p in result.problems]
    assert kinds == [verify.CHECKPOINT_FILE_MISMATCH, verify.CHECKPOINT_FILE_MISMATCH]
    assert "differs from the checkpoint file" in result.problems[0].message


def test_checkpoint_file_of_a_day_without_checkpoint_is_rejected(log):
    document = checkpoint_file(make_checkpoint(cutoff=timezone.now()))
    with tampering("audit_checkpoint"):
        run_sql("DELETE FROM audit_checkpoint")
    result = verify.verify_log(against=document)
    assert any("has no checkpoint of" in p.message for p in result.problems)


@pytest.mark.parametrize(
    "document",
    [
        [],
        {"day": "2026-01-01"},
        {
            "day": "yesterday",
            "cutoff": "x",
            "stream_count": 1,
            "event_count": 1,
            "heads_digest": "",
            "prev_hash": "",
            "hash": "",
        },
    ],
)
def test_malformed_checkpoint_file_is_a_problem(log, document):
    result = verify.verify_log(against=document)
    assert kinds_at(result) == [("", None, verify.CHECKPOINT_FILE_INVALID)]


def test_checkpoint_document_matches_the_row(log):
    checkpoint = make_checkpoint(cutoff=timezone.now())
    document = checkpoint_document(checkpoint)
    assert document["hash"] == checkpoint.hash
    assert datetime.datetime.fromisoformat(document["cutoff"]) == checkpoint.cutoff
    assert json.loads(checkpoint_file_bytes(checkpoint)) == document


def test_ipv6_and_float_data_round_trip_without_false_alarms(db):
    from audit.context import RequestMeta, reset_request_meta, set_request_meta
    from audit.services import record_event
    from audit.verify import verify_log

    token = set_request_meta(RequestMeta(request_id="r1", ip="2001:DB8:0:0:0:0:0:1"))
    try:
        record_event("test:ipv6", "x.happened", data={"big": 1e20, "ratio": 0.1, "nested": [1.5, {"f": 2.0}]})
    finally:
        reset_request_meta(token)
    assert verify_log().ok
