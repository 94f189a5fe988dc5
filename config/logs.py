"""Logs an operator can read: one JSON object a line in production (LOG_FORMAT=json), with the request id and
the user, and never a password, token or one-time code, whatever a log call was given.

The request id comes from audit.context (set by audit.middleware.RequestContextMiddleware); the user from
LogUserMiddleware below, which runs after authentication.
"""

import contextvars
import json
import logging
import re

from audit.context import current_request_meta

_user: contextvars.ContextVar[str] = contextvars.ContextVar("log_user", default="")

REDACTED = "[redacted]"
# names whose values are secrets, in a mapping or written as name=value / "name": value in a message
SECRET_NAMES = (
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "authorization",
    "cookie",
    "sessionid",
    "csrfmiddlewaretoken",
    "otp",
    "one_time_code",
    "code_otp",
    "activation_code",
    "verification_code",
)
_NAME = r"[\w.-]*(?:" + "|".join(re.escape(n) for n in SECRET_NAMES) + r")[\w.-]*"
# name=value, name: value, 'name': 'value', "name": "value" (the value up to a separator or quote)
SECRET_PAIR = re.compile(
    r"(?P<name>[\"']?" + _NAME + r"[\"']?\s*[:=]\s*)(?P<quote>[\"']?)(?P<value>[^\s,;&\"'}]+)", re.I
)
BEARER = re.compile(r"\b(Bearer|Token|Basic)\s+[A-Za-z0-9._~+/=-]+", re.I)


def _secret_name(name) -> bool:
    lowered = str(name).lower()
    return any(n in lowered for n in SECRET_NAMES)


def redact_text(text: str) -> str:
    text = BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    return SECRET_PAIR.sub(lambda m: f"{m.group('name')}{m.group('quote')}{REDACTED}", text)


def redact(value):
    """A copy of `value` with secret-named entries and secret-looking pairs in texts replaced."""
    if isinstance(value, dict):
        return {k: REDACTED if _secret_name(k) else redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact(v) for v in value)
    if isinstance(value, str):
        return redact_text(value)
    return value


class RedactSecretsFilter(logging.Filter):
    """Rewrites every record before any handler writes it: the message and its arguments, and the extra
    fields a caller attached. Installed on the handlers, so third-party loggers pass through it too."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg, record.args = redact_text(message), None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and not key.startswith("_"):
                setattr(record, key, REDACTED if _secret_name(key) else redact(value))
        return True


class ContextFilter(logging.Filter):
    """Adds request_id and user to every record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)  # django.request's records: logged after the middleware
        if request is not None and hasattr(request, "request_id"):
            user = getattr(request, "user", None)
            record.request_id = request.request_id
            record.user = user.get_username() if user is not None and user.is_authenticated else ""
        else:
            record.request_id = current_request_meta().request_id
            record.user = _user.get()
        return True


_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
    "user",
}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id, user, the caller's extra fields,
    and the exception's traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
            "user": getattr(record, "user", ""),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key not in entry:
                entry[key] = value.get_full_path() if hasattr(value, "get_full_path") else value
        if record.exc_info:
            entry["exception"] = redact_text(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class LogUserMiddleware:
    """Remembers the signed-in user's username for the log records of this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        token = _user.set(user.get_username() if user is not None and user.is_authenticated else "")
        try:
            return self.get_response(request)
        finally:
            _user.reset(token)
