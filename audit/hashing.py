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
    """Make data JSON-stable so it hashes the same after a database round trip.

    Decimals, dates and sets become strings; so do floats, because jsonb may hand 1e20 back as an integer.
    """
    return _floats_to_text(json.loads(json.dumps(data, default=str, ensure_ascii=False)))


def _floats_to_text(value: Any) -> Any:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {k: _floats_to_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_floats_to_text(v) for v in value]
    return value


def canonical_instant(value: datetime) -> str:
    """An instant as hashed: UTC, ISO 8601 with microseconds ("2026-06-01T03:04:05.000006+00:00")."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


# One encoder for every event: json.dumps() with options builds a new encoder per call.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def canonical(values: dict[str, Any]) -> str:
    """`occurred_at` may be a datetime or already in canonical_instant form (as the verifier reads it)."""
    occurred_at: datetime | str = values["occurred_at"]
    if not isinstance(occurred_at, str):
        values = {**values, "occurred_at": canonical_instant(occurred_at)}
    return _ENCODER.encode(values)


def chain_hash(prev_hash: str, values: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(values)).encode()).hexdigest()


def checkpoint_hash(
    prev_hash: str, *, day: str, cutoff: datetime, stream_count: int, event_count: int, heads_digest: str
) -> str:
    doc = {
        "day": day,
        "cutoff": cutoff.astimezone(UTC).isoformat(timespec="microseconds"),
        "stream_count": stream_count,
        "event_count": event_count,
        "heads_digest": heads_digest,
    }
    payload = json.dumps(doc, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()
