"""Writing to the audit log. Callers pass the actor; request metadata comes from the request context."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from fastpath.bulk import compiled_insert, insert_rows, update_rows
from fastpath.compiled import CompiledQuery

from .context import current_request_meta
from .hashing import HASHED_FIELDS, chain_hash, normalise
from .models import GENESIS_HASH, AuditEvent, StreamHead


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
    spec = EventSpec(stream, event_type, actor, data, reason, role, unit, scope)
    return _append_to_one_stream([spec], current_request_meta(), timezone.now())[0]


def start_stream(specs: Iterable["EventSpec"]) -> list[AuditEvent]:
    """The first events of a stream whose owner the caller has just created in its transaction (a new
    decision): the stream's head is written with them, on PostgreSQL in one statement, instead of being
    looked for, created and locked first. A stream that already has a head makes it fail (IntegrityError)."""
    specs = list(specs)
    if len({spec.stream for spec in specs}) != 1:
        raise ValueError("start_stream() appends the events of one stream")
    return _append_to_one_stream(specs, current_request_meta(), timezone.now(), new=True)


def start_streams(specs: Iterable["EventSpec"]) -> None:
    """The first event of each of many streams whose owners the caller has just created in its transaction
    (subjects registered in bulk): each head is written with its event, none looked for or locked; two COPYs
    on PostgreSQL however many. A stream that already has a head makes it fail (IntegrityError)."""
    specs = list(specs)
    if not specs:
        return
    if len({spec.stream for spec in specs}) != len(specs):
        raise ValueError("start_streams() appends one first event per stream")
    meta, now = current_request_meta(), timezone.now()
    events, heads = [], []
    for spec in specs:
        values = _values(spec, 1, meta, now)
        digest = chain_hash(GENESIS_HASH, values)
        events.append((*values.values(), GENESIS_HASH, digest, spec.scope))
        heads.append((spec.stream, 1, digest))
    with transaction.atomic(savepoint=False):
        insert_rows(StreamHead, ("stream", "seq", "hash"), heads)
        insert_rows(AuditEvent, _COLUMNS, events)


def _append_to_one_stream(specs: list["EventSpec"], meta, now, *, new: bool = False) -> list[AuditEvent]:
    """Append events of one stream: its head locked (created on first use; `new`: the stream's first
    events, its head written with them), then on PostgreSQL the events and the head in one statement."""
    # No savepoint of our own: the events belong to the caller's transaction and fail with it.
    with transaction.atomic(savepoint=False):
        head = StreamHead(stream=specs[0].stream) if new else _locked_head(specs[0].stream)
        events = []
        for spec in specs:
            values = _values(spec, head.seq + 1, meta, now)
            digest = chain_hash(head.hash, values)
            events.append(AuditEvent(prev_hash=head.hash, hash=digest, scope=spec.scope, **values))
            head.seq, head.hash = values["seq"], digest
        if connection.vendor == "postgresql":
            _append(events, head, new=new)
        else:
            AuditEvent.objects.bulk_create(events)
            head.save(force_insert=new, update_fields=None if new else ["seq", "hash"])
    return events


def _append(events: list[AuditEvent], head: StreamHead, *, new: bool) -> None:
    """Insert a stream's events and advance its (locked) head in one statement: the INSERT that
    bulk_create() sends, behind a data-modifying WITH that sets the head's seq and hash (or, for a new
    stream, inserts the head)."""
    insert_sql, insert_params = compiled_insert(AuditEvent, events, returning=True)
    table = connection.ops.quote_name(StreamHead._meta.db_table)
    if new:
        head_sql = f"INSERT INTO {table} (seq, hash, stream) VALUES (%s, %s, %s)"  # noqa: S608 (name quoted)
    else:
        head_sql = f"UPDATE {table} SET seq = %s, hash = %s WHERE stream = %s"  # noqa: S608 (name quoted)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH head AS ({head_sql}) {insert_sql}",
            (head.seq, head.hash, head.stream, *insert_params),
        )
        for event, (pk,) in zip(events, cursor.fetchall(), strict=True):
            event.pk = pk
            event._state.adding, event._state.db = False, connection.alias


@dataclass(frozen=True)
class EventSpec:
    """One event to append with record_events(); the fields mean what record_event's arguments mean."""

    stream: str
    event_type: str
    actor: Any = None
    data: Mapping[str, Any] | None = field(default=None)
    reason: str = ""
    role: str = ""
    unit: str = ""
    scope: str = ""


def record_events(specs: Iterable[EventSpec], *, returning: bool = False) -> list[AuditEvent]:
    """Append many events in the caller's transaction with a handful of statements, whatever their number.

    The chains are exactly those that calling record_event() once per spec, in order, would write: the heads
    of all the streams are locked in one statement (in stream order, so two batches cannot deadlock), the
    links are computed here, the events inserted in one statement and the heads updated in another.
    With `returning`, the events are saved as model instances and returned with their primary keys (for
    callers that hand them on, e.g. to notifications); otherwise they are copied in (PostgreSQL COPY, a few
    microseconds a row instead of a fraction of a millisecond) and nothing is returned.
    """
    specs = list(specs)
    if not specs:
        return []
    meta = current_request_meta()
    now = timezone.now()
    if len({spec.stream for spec in specs}) == 1:  # one case's or one decision's events: two statements
        events = _append_to_one_stream(specs, meta, now)
        return events if returning else []
    with transaction.atomic(savepoint=False):
        heads = _locked_heads({spec.stream for spec in specs})  # stream -> [seq, hash], advanced below
        rows = []
        for spec in specs:
            head = heads[spec.stream]
            values = _values(spec, head[0] + 1, meta, now)
            digest = chain_hash(head[1], values)
            rows.append((*values.values(), head[1], digest, spec.scope))
            head[0], head[1] = values["seq"], digest
        saved = []
        if returning:
            saved = [AuditEvent(**dict(zip(_COLUMNS, row, strict=True))) for row in rows]
            AuditEvent.objects.bulk_create(saved, batch_size=BATCH_SIZE)
        else:
            insert_rows(AuditEvent, _COLUMNS, rows)
        update_rows(StreamHead, "stream", ("seq", "hash"), [(s, *head) for s, head in heads.items()])
    return saved


# Rows per INSERT statement of a bulk append that returns its events (far below the parameter limits).
BATCH_SIZE = 500
_COLUMNS = (*HASHED_FIELDS, "prev_hash", "hash", "scope")


def _values(spec: EventSpec, seq: int, meta, now) -> dict[str, Any]:
    """The hashed fields of the event `spec` describes, in HASHED_FIELDS order."""
    actor = spec.actor
    return {
        "stream": spec.stream,
        "seq": seq,
        "event_type": spec.event_type,
        "actor_id": actor.pk if actor is not None else None,
        "actor_name": actor.get_username() if actor is not None else "",
        "actor_role": spec.role,
        "actor_unit": spec.unit,
        "occurred_at": now,
        "data": normalise(dict(spec.data or {})),
        "reason": spec.reason or "",
        "request_id": meta.request_id,
        # hashed in the form the column stores (IPv6 addresses are normalised on save)
        "ip": _IP_FIELD.get_prep_value(meta.ip),
    }


_IP_FIELD = AuditEvent._meta.get_field("ip")


def _locked_head(stream: str) -> StreamHead:
    """Lock the stream's head row, creating it race-free (INSERT .. ON CONFLICT DO NOTHING) on first use."""
    head = _HEAD.first(stream)
    if head is None:
        head = _created_head(stream) or StreamHead.objects.select_for_update().get(stream=stream)
    return head


# compiled once (fastpath.compiled): every event appended runs it
_HEAD = CompiledQuery(
    lambda stream: StreamHead.objects.select_for_update().filter(stream=stream), kinds=[str]
)


def _created_head(stream: str) -> StreamHead | None:
    """Insert the genesis head of a new stream; None if another transaction created it first. A row this
    transaction inserted is as good as locked: a concurrent insert of the same stream waits for our commit."""
    head = StreamHead(stream=stream)
    table, quote = StreamHead._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(table)} (stream, seq, hash) VALUES (%s, %s, %s)"  # noqa: S608 (names quoted)
            " ON CONFLICT DO NOTHING RETURNING stream",
            [head.stream, head.seq, head.hash],
        )
        if cursor.fetchone() is None:
            return None
    head._state.adding = False
    return head


def _locked_heads(streams: set[str]) -> dict[str, list]:
    """Lock the heads of `streams` in one statement, creating the missing ones race-free first;
    returns stream -> [seq, hash]."""
    ordered = sorted(streams)
    lock = StreamHead.objects.select_for_update().order_by("stream").values_list("stream", "seq", "hash")
    heads = {stream: [seq, digest] for stream, seq, digest in lock.filter(stream__in=ordered)}
    missing = [s for s in ordered if s not in heads]
    if missing:
        StreamHead.objects.bulk_create([StreamHead(stream=s) for s in missing], ignore_conflicts=True)
        heads.update({stream: [seq, digest] for stream, seq, digest in lock.filter(stream__in=missing)})
    return heads


def events_for(stream: str):
    return AuditEvent.objects.filter(stream=stream).select_related("actor").order_by("seq")
