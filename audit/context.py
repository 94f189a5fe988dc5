"""Request metadata (request id, client IP) for audit events.

Only metadata lives here; the actor is always passed explicitly to services.
"""

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestMeta:
    request_id: str = ""
    ip: str | None = None


_current: contextvars.ContextVar[RequestMeta] = contextvars.ContextVar(
    "audit_request_meta",
    default=RequestMeta(),  # noqa: B039 - frozen dataclass
)


def current_request_meta() -> RequestMeta:
    return _current.get()


def set_request_meta(meta: RequestMeta) -> contextvars.Token:
    return _current.set(meta)


def reset_request_meta(token: contextvars.Token) -> None:
    _current.reset(token)
