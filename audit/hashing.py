"""The canonical form of an audit event and its chained hash; shared by writing and verification."""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

# The fields covered by the hash, in the order values_list() returns them during verification.
HASHED_FIELDS = (
    "stream",
    "seq",
    "event_type",
    "actor_id",
    "actor_name",
    "actor_role",
    "actor_unit",
    "occurred_at",
    "data",
    "reason",
    "request_id",
    "ip",
)


def normalise(data: Any) -> Any:
    """Make data JSON-stable (decimals, dates and sets become strings) so it hashes the same after storage."""
    return json.loads(json.dumps(data, default=str, ensure_ascii=False))


def canonical(values: dict[str, Any]) -> str:
    occurred_at: datetime = values["occurred_at"]
    doc = dict(values)
    doc["occurred_at"] = occurred_at.astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def chain_hash(prev_hash: str, values: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(values)).encode()).hexdigest()


def checkpoint_hash(prev_hash: str, *, day: str, cutoff: datetime, stream_count: int, event_count: int,
                    heads_digest: str) -> str:
    doc = {
        "day": day,
        "cutoff": cutoff.astimezone(UTC).isoformat(timespec="microseconds"),
        "stream_count": stream_count,
        "event_count": event_count,
        "heads_digest": heads_digest,
    }
    payload = json.dumps(doc, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()
