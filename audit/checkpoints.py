"""Daily checkpoints: a digest of every stream head as of a cut-off time, chained to the previous checkpoint.

The digest is sha256 over one line per stream, ``f"{stream}\\t{seq}\\t{hash}\\n"``, in byte order of the
stream name, where (seq, hash) is the last event of the stream that occurred before the cut-off. An operator
keeps the small checkpoint file (``checkpoint_file_bytes``) off the server; ``verify_audit --against FILE``
proves later that nothing before its cut-off was removed or rewritten, even a whole stream with its head row.
"""

import datetime
import hashlib
import json
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Window
from django.db.models.functions import Collate, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from .hashing import checkpoint_hash
from .models import GENESIS_HASH, AuditEvent, Checkpoint

CHUNK_SIZE = 5000


class HeadsDigest:
    """Accumulates the heads digest one stream at a time, in stream byte order; holds no list of heads."""

    __slots__ = ("_sha", "stream_count", "event_count")

    def __init__(self):
        self._sha = hashlib.sha256()
        self.stream_count = 0
        self.event_count = 0

    def add_head(self, stream: str, seq: int, head_hash: str) -> None:
        self._sha.update(f"{stream}\t{seq}\t{head_hash}\n".encode())
        self.stream_count += 1

    def hexdigest(self) -> str:
        return self._sha.hexdigest()


def stream_order():
    """Order by stream name in byte order (code point order for UTF-8) on every database."""
    if connection.vendor == "postgresql":
        return Collate("stream", "C")
    return F("stream")  # SQLite compares TEXT with BINARY collation unless told otherwise


@contextmanager
def consistent_snapshot(*, read_only: bool):
    """Run several queries against one snapshot of the database.

    On PostgreSQL outside any transaction this opens a REPEATABLE READ transaction, so that an append
    committed half-way through (event row + head row) is seen entirely or not at all. Inside a caller's
    transaction the caller's isolation applies. On SQLite (development) a read opens no transaction, so as
    not to hold the write lock (transaction_mode IMMEDIATE) for the whole pass; a verification racing with
    appends there may report a transient head mismatch.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        if read_only:
            yield  # no write lock on SQLite (transaction_mode IMMEDIATE) for a read
        else:
            with transaction.atomic():
                yield
        return
    with transaction.atomic():
        mode = "READ ONLY" if read_only else "READ WRITE"
        with connection.cursor() as cursor:
            cursor.execute(f"SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, {mode}")
        yield


def local_zone() -> datetime.tzinfo:
    return timezone.get_default_timezone()


def start_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=local_zone())


def default_period(
    *, day: datetime.date | None = None, cutoff: datetime.datetime | None = None
) -> tuple[datetime.date, datetime.datetime]:
    """Fill in the day and cut-off of a checkpoint.

    Nothing given: yesterday (local date), cut-off at the start of today, local time. Only a day: its cut-off
    is the start of the next local day. Only a cut-off: the day is the local date of the instant just before.
    """
    if day is None and cutoff is None:
        today = timezone.localtime(timezone.now(), local_zone()).date()
        return today - datetime.timedelta(days=1), start_of_day(today)
    if cutoff is None:
        return day, start_of_day(day + datetime.timedelta(days=1))
    if timezone.is_naive(cutoff):
        raise ValueError(_("The cut-off must be an aware datetime."))
    if day is None:
        day = timezone.localtime(cutoff - datetime.timedelta(microseconds=1), local_zone()).date()
    return day, cutoff


def heads_as_of(cutoff: datetime.datetime):
    """(stream, seq, hash) of the last event before `cutoff` in each stream, streamed in stream byte order."""
    last_first = Window(RowNumber(), partition_by=[F("stream")], order_by=F("seq").desc())
    return (
        AuditEvent.objects.filter(occurred_at__lt=cutoff)
        .annotate(_rank=last_first)
        .filter(_rank=1)
        .order_by(stream_order())
        .values_list("stream", "seq", "hash")
        .iterator(chunk_size=CHUNK_SIZE)
    )


def digest_as_of(cutoff: datetime.datetime) -> HeadsDigest:
    digest = HeadsDigest()
    for stream, seq, head_hash in heads_as_of(cutoff):
        digest.add_head(stream, seq, head_hash)
    digest.event_count = AuditEvent.objects.filter(occurred_at__lt=cutoff).count()
    return digest


def compute_checkpoint_hash(
    prev_hash: str,
    *,
    day: datetime.date,
    cutoff: datetime.datetime,
    stream_count: int,
    event_count: int,
    heads_digest: str,
) -> str:
    return checkpoint_hash(
        prev_hash,
        day=day.isoformat(),
        cutoff=cutoff,
        stream_count=stream_count,
        event_count=event_count,
        heads_digest=heads_digest,
    )


def make_checkpoint(
    *, day: datetime.date | None = None, cutoff: datetime.datetime | None = None
) -> Checkpoint | None:
    """Write the checkpoint of `day` (default: yesterday); None when that day already has one.

    Refuses (ValueError) a cut-off in the future, whose digest would change as events keep arriving, and a day
    or cut-off earlier than the latest checkpoint's, which would fork the chain of checkpoints.
    """
    day, cutoff = default_period(day=day, cutoff=cutoff)
    if cutoff > timezone.now():
        raise ValueError(_("The cut-off %(cutoff)s is in the future.") % {"cutoff": cutoff.isoformat()})
    with consistent_snapshot(read_only=False):
        if Checkpoint.objects.filter(day=day).exists():
            return None
        previous = Checkpoint.objects.order_by("-day").first()
        if previous is not None and (previous.day > day or previous.cutoff > cutoff):
            raise ValueError(
                _("A later checkpoint exists (%(day)s, cut-off %(cutoff)s).")
                % {"day": previous.day.isoformat(), "cutoff": previous.cutoff.isoformat()}
            )
        prev_hash = previous.hash if previous is not None else GENESIS_HASH
        digest = digest_as_of(cutoff)
        fields = {
            "day": day,
            "cutoff": cutoff,
            "stream_count": digest.stream_count,
            "event_count": digest.event_count,
            "heads_digest": digest.hexdigest(),
        }
        checkpoint = Checkpoint(
            prev_hash=prev_hash, hash=compute_checkpoint_hash(prev_hash, **fields), **fields
        )
        try:
            with transaction.atomic():
                checkpoint.save()
        except IntegrityError:
            # Another worker wrote the same day between our check and our insert.
            if Checkpoint.objects.filter(day=day).exists():
                return None
            raise
    return checkpoint


def _iso_utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def checkpoint_document(cp: Checkpoint) -> dict[str, Any]:
    return {
        "day": cp.day.isoformat(),
        "cutoff": _iso_utc(cp.cutoff),
        "stream_count": cp.stream_count,
        "event_count": cp.event_count,
        "heads_digest": cp.heads_digest,
        "prev_hash": cp.prev_hash,
        "hash": cp.hash,
    }


def checkpoint_file_bytes(cp: Checkpoint) -> bytes:
    """The small file an operator keeps off the server."""
    return (json.dumps(checkpoint_document(cp), indent=2, sort_keys=True) + "\n").encode()


def parse_checkpoint_document(doc: Any) -> dict[str, Any]:
    """Validate a parsed checkpoint file and convert its values; ValueError when it is malformed."""
    if not isinstance(doc, dict):
        raise ValueError(_("A checkpoint file must hold a JSON object."))
    try:
        parsed = {
            "day": datetime.date.fromisoformat(doc["day"]),
            "cutoff": datetime.datetime.fromisoformat(doc["cutoff"]),
            "stream_count": doc["stream_count"],
            "event_count": doc["event_count"],
            "heads_digest": doc["heads_digest"],
            "prev_hash": doc["prev_hash"],
            "hash": doc["hash"],
        }
    except KeyError as exc:
        raise ValueError(_("The checkpoint file lacks the key %(key)s.") % {"key": exc.args[0]}) from exc
    except (TypeError, ValueError) as exc:
        raise ValueError(
            _("The checkpoint file has a bad day or cut-off: %(error)s") % {"error": exc}
        ) from exc
    if timezone.is_naive(parsed["cutoff"]):
        raise ValueError(_("The cut-off in the checkpoint file has no UTC offset."))
    for key in ("stream_count", "event_count"):
        if type(parsed[key]) is not int or parsed[key] < 0:
            raise ValueError(_("%(key)s must be a non-negative integer.") % {"key": key})
    for key in ("heads_digest", "prev_hash", "hash"):
        if not isinstance(parsed[key], str):
            raise ValueError(_("%(key)s must be a string.") % {"key": key})
    return parsed
