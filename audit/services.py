"""Writing to the audit log. Callers pass the actor; request metadata comes from the request context."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from .context import RequestMeta, current_request_meta
from .hashing import chain_hash, normalise
from .models import AuditEvent, StreamHead

# Rows per INSERT/UPDATE statement of a bulk append (far below PostgreSQL's and SQLite's parameter limits).
BATCH_SIZE = 500


def record_event(
    stream: str,
    event_type: str,
    *,
    actor=None,
    data: Mapping[str, Any] | None = None,
    reason: str = "",
    role: str = "",
    unit: str = "",
    scope: str = "",
) -> AuditEvent:
    """Append one event to a stream's hash chain, in the caller's transaction.

    `scope` is the materialised path of the unit the stream belongs to (who may find the event in a search);
    "" for province-wide streams such as configuration.
    """
    meta = current_request_meta()
    # No savepoint of our own: the event belongs to the caller's transaction and fails with it.
    with transaction.atomic(savepoint=False):
        head = _locked_head(stream)
        new = NewEvent(stream, event_type, data=data, reason=reason, role=role, unit=unit)
        values = _values(new, head.seq + 1, actor, meta)
        digest = chain_hash(head.hash, values)
        event = AuditEvent(prev_hash=head.hash, hash=digest, scope=scope, **values)
        event.save()
        head.seq = event.seq
        head.hash = digest
        head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class NewEvent:
    """One event of a bulk append: what record_event takes, less the actor (shared by the batch)."""

    stream: str
    event_type: str
    data: Mapping[str, Any] | None = None
    reason: str = ""
    role: str = ""
    unit: str = ""
    scope: str = ""


def record_events(events: Sequence[NewEvent], *, actor=None) -> list[AuditEvent]:
    """Append many events at once, in the caller's transaction: the same chains as record_event one by one.

    All the heads concerned are locked in one statement, in stream order (two batches touching the same
    streams queue instead of deadlocking); the hashes are chained in Python in the given order (several events
    of one stream follow each other); events and heads are written in a few multi-row statements.
    """
    if not events:
        return []
    meta = current_request_meta()
    with transaction.atomic(savepoint=False):
        heads = _locked_heads(e.stream for e in events)
        rows = []
        for new in events:
            head = heads[new.stream]
            values = _values(new, head.seq + 1, actor, meta)
            digest = chain_hash(head.hash, values)
            rows.append(AuditEvent(prev_hash=head.hash, hash=digest, scope=new.scope, **values))
            head.seq, head.hash = values["seq"], digest
        AuditEvent.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        # the heads are locked rows: this "insert" only ever takes its ON CONFLICT path, one statement for
        # all of them (bulk_update's CASE WHEN per row cost more than the rest of the append)
        StreamHead.objects.bulk_create(
            heads.values(),
            update_conflicts=True,
            unique_fields=["stream"],
            update_fields=["seq", "hash"],
            batch_size=BATCH_SIZE,
        )
    return rows


def _values(new: NewEvent, seq: int, actor, meta: RequestMeta) -> dict[str, Any]:
    """The hashed fields of an event (audit.hashing.HASHED_FIELDS), as the columns will store them."""
    return {
        "stream": new.stream,
        "seq": seq,
        "event_type": new.event_type,
        "actor_id": actor.pk if actor is not None else None,
        "actor_name": actor.get_username() if actor is not None else "",
        "actor_role": new.role,
        "actor_unit": new.unit,
        "occurred_at": timezone.now(),
        "data": normalise(dict(new.data or {})),
        "reason": new.reason or "",
        "request_id": meta.request_id,
        # hashed in the form the column stores (IPv6 addresses are normalised on save)
        "ip": AuditEvent._meta.get_field("ip").get_prep_value(meta.ip),
    }


def _locked_head(stream: str) -> StreamHead:
    """Lock the stream's head row, creating it race-free (INSERT .. ON CONFLICT DO NOTHING) on first use."""
    head = StreamHead.objects.select_for_update().filter(stream=stream).first()
    if head is None:
        StreamHead.objects.bulk_create([StreamHead(stream=stream)], ignore_conflicts=True)
        head = StreamHead.objects.select_for_update().get(stream=stream)
    return head


def _locked_heads(streams: Iterable[str]) -> dict[str, StreamHead]:
    """Lock the heads of many streams in stream order, creating the missing ones as _locked_head does."""
    wanted = sorted(set(streams))

    def lock(names):
        return {
            h.stream: h
            for h in StreamHead.objects.select_for_update().filter(stream__in=names).order_by("stream")
        }

    heads = lock(wanted)
    missing = [s for s in wanted if s not in heads]
    if missing:
        StreamHead.objects.bulk_create([StreamHead(stream=s) for s in missing], ignore_conflicts=True)
        heads.update(lock(missing))
    return heads


def events_for(stream: str):
    return AuditEvent.objects.filter(stream=stream).select_related("actor").order_by("seq")
