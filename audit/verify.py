"""Verification of the whole audit log in one pass: every link of every stream, the heads, the checkpoints.

What each check catches:

* the recomputed hash of an event differs from the stored one: the row was altered;
* a gap in the sequence numbers, or a stored ``prev_hash`` that is not the previous event's hash: an event was
  removed, inserted or renumbered;
* the stream head (``StreamHead``) disagrees with the last event: events were removed from, or forged at, the
  end of a stream; a head without events, or events without a head, are reported too;
* the chain of checkpoints is recomputed, and the heads digest and counts of the latest checkpoint are
  recomputed from the events: a stream deleted together with its head row before that cut-off shows here;
* ``against`` (a checkpoint file kept off the server) must match the stored checkpoint of its day and the log
  as of its cut-off.
"""

import time
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import CharField
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from .checkpoints import (
    CHUNK_SIZE,
    HeadsDigest,
    compute_checkpoint_hash,
    consistent_snapshot,
    parse_checkpoint_document,
    stream_order,
)
from .hashing import HASHED_FIELDS, canonical_instant, chain_hash
from .models import GENESIS_HASH, AuditEvent, Checkpoint, StreamHead

MAX_PROBLEMS = 100

# Problem kinds.
MISSING_EVENT = "missing_event"
SEQ_OUT_OF_ORDER = "seq_out_of_order"
BROKEN_LINK = "broken_link"
HASH_MISMATCH = "hash_mismatch"
HEAD_MISMATCH = "head_mismatch"
HEAD_MISSING = "head_missing"
EVENTS_MISSING = "events_missing"
CHECKPOINT_BROKEN_LINK = "checkpoint_broken_link"
CHECKPOINT_HASH_MISMATCH = "checkpoint_hash_mismatch"
CHECKPOINT_MISMATCH = "checkpoint_mismatch"
CHECKPOINT_FILE_INVALID = "checkpoint_file_invalid"
CHECKPOINT_FILE_MISMATCH = "checkpoint_file_mismatch"

# Columns read per event: the id, the hashed fields (in the order the hash covers them), the two hashes.
EVENT_COLUMNS = ("id", *HASHED_FIELDS, "prev_hash", "hash")
_HASHED = slice(1, 1 + len(HASHED_FIELDS))
_STREAM = EVENT_COLUMNS.index("stream")
_SEQ = EVENT_COLUMNS.index("seq")
_OCCURRED_AT = EVENT_COLUMNS.index("occurred_at")
_PREV_HASH = EVENT_COLUMNS.index("prev_hash")
_HASH = EVENT_COLUMNS.index("hash")

CHECKPOINT_COLUMNS = ("day", "cutoff", "stream_count", "event_count", "heads_digest", "prev_hash", "hash")


@dataclass(frozen=True)
class Problem:
    stream: str  # "" for problems of the checkpoints
    seq: int | None
    kind: str
    message: str

    def location(self) -> str:
        if not self.stream:
            return _("checkpoints")
        if self.seq is None:
            return _("stream %(stream)s") % {"stream": self.stream}
        return _("stream %(stream)s, seq %(seq)s") % {"stream": self.stream, "seq": self.seq}


@dataclass
class VerificationResult:
    ok: bool = True
    events_checked: int = 0
    streams_checked: int = 0
    checkpoints_checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0  # all problems found; `problems` keeps the first MAX_PROBLEMS
    elapsed: float = 0.0

    @property
    def first_problem(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    def add(self, stream: str, seq: int | None, kind: str, message: str) -> None:
        self.ok = False
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(stream, seq, kind, message))


class _CutoffTracker:
    """Recomputes a heads digest and counts as of one cut-off during the pass over the events."""

    __slots__ = ("cutoff", "key", "digest", "seq", "hash")

    def __init__(self, cutoff):
        self.cutoff = cutoff
        self.key = cutoff  # compared with each event's occurred_at, in the form the pass reads it
        self.digest = HeadsDigest()
        self.seq = None
        self.hash = None

    def end_stream(self, stream: str) -> None:
        if self.seq is not None:
            self.digest.add_head(stream, self.seq, self.hash)
        self.seq = self.hash = None


class _Heads:
    """The stream heads, read in the same stream order as the events and merged with them."""

    def __init__(self, result: VerificationResult):
        self._rows = (
            StreamHead.objects.order_by(stream_order())
            .values_list("stream", "seq", "hash")
            .iterator(chunk_size=CHUNK_SIZE)
        )
        self._result = result
        self._next = next(self._rows, None)

    def _orphans_before(self, stream: str | None) -> None:
        """Heads of streams that sort before `stream` (all remaining when None) have no events at all."""
        while self._next is not None and (stream is None or self._next[0] < stream):
            head_stream, head_seq, _hash = self._next
            if head_seq > 0:
                self._result.add(
                    head_stream,
                    1,
                    EVENTS_MISSING,
                    _(
                        "Stream %(stream)s has a head at seq %(head)s but no events: "
                        "events 1 to %(head)s are missing."
                    )
                    % {"stream": head_stream, "head": head_seq},
                )
            self._next = next(self._rows, None)

    def check(self, stream: str, last_seq: int, last_hash: str) -> None:
        self._orphans_before(stream)
        if self._next is None or self._next[0] != stream:
            self._result.add(
                stream,
                None,
                HEAD_MISSING,
                _("Stream %(stream)s has events up to seq %(seq)s but no head row.")
                % {"stream": stream, "seq": last_seq},
            )
            return
        _stream, head_seq, head_hash = self._next
        self._next = next(self._rows, None)
        if head_seq == last_seq and head_hash == last_hash:
            return
        params = {"stream": stream, "seq": last_seq, "head": head_seq}
        if head_seq > last_seq:
            where = last_seq + 1
            message = _(
                "Stream %(stream)s ends at seq %(seq)s but its head is at seq %(head)s: "
                "the last events were removed."
            )
        elif head_seq < last_seq:
            where = head_seq + 1
            message = _(
                "Stream %(stream)s has events up to seq %(seq)s but its head is at seq %(head)s: "
                "events after the head were added outside the audit service."
            )
        else:
            where = last_seq
            message = _(
                "The head of stream %(stream)s at seq %(seq)s has a different hash than the last event."
            )
        self._result.add(stream, where, HEAD_MISMATCH, message % params)

    def finish(self) -> None:
        self._orphans_before(None)


def _check_events(result: VerificationResult, trackers: list[_CutoffTracker]) -> None:
    """The single pass over all events, ordered by stream (byte order) and seq. Keep this loop tight."""
    columns = list(EVENT_COLUMNS)
    if connection.vendor == "postgresql":
        # The database writes the instant in the canonical form (UTC, microseconds) directly: parsing a
        # timestamptz into a datetime and formatting it back cost a fifth of the pass. ISO strings of one
        # fixed form compare like the instants, so the cut-offs are compared in that form too.
        columns[_OCCURRED_AT] = RawSQL(
            """to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '+00:00'""",
            (),
            output_field=CharField(),
        )
        for tracker in trackers:
            tracker.key = canonical_instant(tracker.cutoff)
    rows = (
        AuditEvent.objects.order_by(stream_order(), "seq")
        .values_list(*columns)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    heads = _Heads(result)
    add = result.add
    fields = HASHED_FIELDS
    hashed = _HASHED
    i_stream, i_seq, i_at, i_prev, i_hash = _STREAM, _SEQ, _OCCURRED_AT, _PREV_HASH, _HASH
    genesis = GENESIS_HASH

    current = None
    expected = 1  # the next seq of the current stream
    prev = genesis  # the stored hash of the previous event of the current stream
    events = streams = 0
    for row in rows:
        stream = row[i_stream]
        if stream != current:
            if current is not None:
                heads.check(current, expected - 1, prev)
                for tracker in trackers:
                    tracker.end_stream(current)
            current = stream
            expected = 1
            prev = genesis
            streams += 1
        seq = row[i_seq]
        stored = row[i_hash]
        if seq != expected:
            if seq > expected:
                add(
                    stream,
                    expected,
                    MISSING_EVENT,
                    _("Stream %(stream)s: events %(first)s to %(last)s are missing.")
                    % {"stream": stream, "first": expected, "last": seq - 1},
                )
            else:
                add(
                    stream,
                    seq,
                    SEQ_OUT_OF_ORDER,
                    _("Stream %(stream)s: seq %(seq)s appears again after seq %(prev)s.")
                    % {"stream": stream, "seq": seq, "prev": expected - 1},
                )
        elif row[i_prev] != prev:
            add(
                stream,
                seq,
                BROKEN_LINK,
                _(
                    "Stream %(stream)s broken at seq %(seq)s: "
                    "its previous hash is not the hash of the event before."
                )
                % {"stream": stream, "seq": seq},
            )
        if chain_hash(row[i_prev], dict(zip(fields, row[hashed], strict=True))) != stored:
            add(
                stream,
                seq,
                HASH_MISMATCH,
                _(
                    "Stream %(stream)s, seq %(seq)s (event id %(id)s): "
                    "the stored hash does not match the content; the row was altered."
                )
                % {"stream": stream, "seq": seq, "id": row[0]},
            )
        occurred_at = row[i_at]
        for tracker in trackers:
            if occurred_at < tracker.key:
                tracker.seq = seq
                tracker.hash = stored
                tracker.digest.event_count += 1
        prev = stored
        expected = seq + 1
        events += 1
    if current is not None:
        heads.check(current, expected - 1, prev)
        for tracker in trackers:
            tracker.end_stream(current)
    heads.finish()
    result.events_checked = events
    result.streams_checked = streams


def _check_checkpoint_chain(result: VerificationResult, checkpoints: list[dict[str, Any]]) -> None:
    prev = GENESIS_HASH
    for cp in checkpoints:
        day = cp["day"].isoformat()
        if cp["prev_hash"] != prev:
            result.add(
                "",
                None,
                CHECKPOINT_BROKEN_LINK,
                _("Checkpoint of %(day)s does not link to the checkpoint before it.") % {"day": day},
            )
        fields = {k: cp[k] for k in ("day", "cutoff", "stream_count", "event_count", "heads_digest")}
        if compute_checkpoint_hash(cp["prev_hash"], **fields) != cp["hash"]:
            result.add(
                "",
                None,
                CHECKPOINT_HASH_MISMATCH,
                _("Checkpoint of %(day)s was altered: its hash does not match its content.") % {"day": day},
            )
        prev = cp["hash"]
        result.checkpoints_checked += 1


def _compare_digest(
    result: VerificationResult, tracker: _CutoffTracker, expected: dict[str, Any], *, from_file: bool
) -> None:
    digest = tracker.digest
    same_digest = digest.hexdigest() == expected["heads_digest"]
    if (
        same_digest
        and digest.stream_count == expected["stream_count"]
        and digest.event_count == expected["event_count"]
    ):
        return
    params = {
        "day": expected["day"].isoformat(),
        "streams": digest.stream_count,
        "events": digest.event_count,
        "cp_streams": expected["stream_count"],
        "cp_events": expected["event_count"],
        "digest": _("matches") if same_digest else _("differs"),
    }
    if from_file:
        message = _(
            "Checkpoint file of %(day)s: before its cut-off the log now holds %(streams)s streams and "
            "%(events)s events (the file records %(cp_streams)s streams and %(cp_events)s events), and the "
            "stream heads digest %(digest)s; events or whole streams before the cut-off were removed or "
            "rewritten."
        )
    else:
        message = _(
            "Latest checkpoint, of %(day)s: before its cut-off the log now holds %(streams)s streams and "
            "%(events)s events (the checkpoint records %(cp_streams)s streams and %(cp_events)s events), and "
            "the stream heads digest %(digest)s; events or whole streams before the cut-off were removed or "
            "rewritten."
        )
    result.add("", None, CHECKPOINT_FILE_MISMATCH if from_file else CHECKPOINT_MISMATCH, message % params)


def _check_against(
    result: VerificationResult, doc: dict[str, Any], checkpoints: list[dict[str, Any]]
) -> None:
    """The file's fields must hash to its hash, and that hash must be the stored checkpoint's of its day."""
    day = doc["day"].isoformat()
    fields = {k: doc[k] for k in ("day", "cutoff", "stream_count", "event_count", "heads_digest")}
    if compute_checkpoint_hash(doc["prev_hash"], **fields) != doc["hash"]:
        result.add(
            "",
            None,
            CHECKPOINT_FILE_MISMATCH,
            _("The checkpoint file of %(day)s does not match its own hash: the file was edited.")
            % {"day": day},
        )
    stored = next((cp for cp in checkpoints if cp["day"] == doc["day"]), None)
    if stored is None:
        result.add(
            "",
            None,
            CHECKPOINT_FILE_MISMATCH,
            _("The log has no checkpoint of %(day)s, which the checkpoint file records.") % {"day": day},
        )
    elif stored["hash"] != doc["hash"] or stored["prev_hash"] != doc["prev_hash"]:
        result.add(
            "",
            None,
            CHECKPOINT_FILE_MISMATCH,
            _("The stored checkpoint of %(day)s differs from the checkpoint file.") % {"day": day},
        )


def verify_log(*, against: dict | None = None) -> VerificationResult:
    """Verify every event, stream head and checkpoint; `against` is a parsed checkpoint file (a dict)."""
    started = time.monotonic()
    result = VerificationResult()
    file_doc = None
    if against is not None:
        try:
            file_doc = parse_checkpoint_document(against)
        except ValueError as exc:
            result.add(
                "", None, CHECKPOINT_FILE_INVALID, _("Invalid checkpoint file: %(error)s") % {"error": exc}
            )

    with consistent_snapshot(read_only=True):
        checkpoints = [
            dict(zip(CHECKPOINT_COLUMNS, row, strict=True))
            for row in Checkpoint.objects.order_by("day").values_list(*CHECKPOINT_COLUMNS)
        ]
        latest = checkpoints[-1] if checkpoints else None
        trackers = []
        latest_tracker = file_tracker = None
        if latest is not None:
            latest_tracker = _CutoffTracker(latest["cutoff"])
            trackers.append(latest_tracker)
        if file_doc is not None:
            if latest_tracker is not None and latest["cutoff"] == file_doc["cutoff"]:
                file_tracker = latest_tracker
            else:
                file_tracker = _CutoffTracker(file_doc["cutoff"])
                trackers.append(file_tracker)
        _check_events(result, trackers)

    _check_checkpoint_chain(result, checkpoints)
    if latest_tracker is not None:
        _compare_digest(result, latest_tracker, latest, from_file=False)
    if file_doc is not None:
        _check_against(result, file_doc, checkpoints)
        _compare_digest(result, file_tracker, file_doc, from_file=True)
    result.elapsed = time.monotonic() - started
    return result
