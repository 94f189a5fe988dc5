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
) -> AuditEvent:
    """Append one event to a stream's hash chain, in the caller's transaction."""
    meta = current_request_meta()
    with transaction.atomic():
        head, _created = StreamHead.objects.select_for_update().get_or_create(stream=stream)
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
            "ip": meta.ip,
        }
        digest = chain_hash(head.hash, values)
        event = AuditEvent(prev_hash=head.hash, hash=digest, **values)
        event.save()
        head.seq = event.seq
        head.hash = digest
        head.save(update_fields=["seq", "hash"])
    return event


def events_for(stream: str):
    return AuditEvent.objects.filter(stream=stream).select_related("actor").order_by("seq")
