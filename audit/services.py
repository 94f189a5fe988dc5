"""Writing to the audit log. Callers pass the actor; request metadata comes from the request context."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from .context import current_request_meta
from .hashing import chain_hash, normalise
from .models import AuditEvent, StreamHead


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
        values = {
            "stream": stream,
            "seq": head.seq + 1,
            "event_type": event_type,
            "actor_id": actor.pk if actor is not None else None,
            "actor_name": actor.get_username() if actor is not None else "",
            "actor_role": role,
            "actor_unit": unit,
            "occurred_at": timezone.now(),
            "data": normalise(dict(data or {})),
            "reason": reason or "",
            "request_id": meta.request_id,
            # hashed in the form the column stores (IPv6 addresses are normalised on save)
            "ip": AuditEvent._meta.get_field("ip").get_prep_value(meta.ip),
        }
        digest = chain_hash(head.hash, values)
        event = AuditEvent(prev_hash=head.hash, hash=digest, scope=scope, **values)
        event.save()
        head.seq = event.seq
        head.hash = digest
        head.save(update_fields=["seq", "hash"])
    return event


def _locked_head(stream: str) -> StreamHead:
    """Lock the stream's head row, creating it race-free (INSERT .. ON CONFLICT DO NOTHING) on first use."""
    head = StreamHead.objects.select_for_update().filter(stream=stream).first()
    if head is None:
        StreamHead.objects.bulk_create([StreamHead(stream=stream)], ignore_conflicts=True)
        head = StreamHead.objects.select_for_update().get(stream=stream)
    return head


def events_for(stream: str):
    return AuditEvent.objects.filter(stream=stream).select_related("actor").order_by("seq")
