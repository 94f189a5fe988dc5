"""Every error of the API is `application/problem+json` (RFC 9457): a title, the status, a translated
detail and, for input errors, the messages per field (`errors`) and per case (`problems`)."""

import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from cases.exceptions import CaseActionError

PROBLEM_TYPE = "application/problem+json"
NON_FIELD = "non_field_errors"

TITLES = {
    400: lambda: _("The request is not valid"),
    401: lambda: _("Sign in or give a token"),
    403: lambda: _("Not allowed"),
    404: lambda: _("Not found"),
    405: lambda: _("Method not allowed"),
    406: lambda: _("Not acceptable"),
    409: lambda: _("Refused in the current state"),
    413: lambda: _("Request too large"),
    415: lambda: _("Unsupported media type"),
    429: lambda: _("Too many requests"),
}


def problem(status_code: int, detail: str, *, errors=None, problems=None, headers=None) -> Response:
    body = {
        "type": "about:blank",
        "title": TITLES.get(status_code, lambda: _("Error"))(),
        "status": status_code,
        "detail": str(detail),
    }
    if errors:
        body["errors"] = errors
    if problems:
        body["problems"] = [str(p) for p in problems]
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_TYPE)


def _flatten(detail) -> dict[str, list[str]]:
    """DRF's nested error detail as {"field": [messages]}, nested fields joined with dots."""
    out: dict[str, list[str]] = {}

    def walk(prefix: str, value):
        if isinstance(value, dict):
            for key, sub in value.items():
                name = NON_FIELD if key in ("non_field_errors", "__all__") else str(key)
                walk(f"{prefix}.{name}" if prefix else name, sub)
        elif isinstance(value, list):
            if all(not isinstance(v, dict | list) for v in value):
                out.setdefault(prefix or NON_FIELD, []).extend(str(v) for v in value)
            else:
                for i, sub in enumerate(value):
                    walk(f"{prefix}.{i}" if prefix else str(i), sub)
        else:
            out.setdefault(prefix or NON_FIELD, []).append(str(value))

    walk("", detail)
    return out


def django_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {(NON_FIELD if k == "__all__" else k): list(v) for k, v in exc.message_dict.items()}
    return {NON_FIELD: list(exc.messages)}


def exception_handler(exc, context):
    if isinstance(exc, CaseActionError):
        return problem(status.HTTP_409_CONFLICT, exc.message, problems=getattr(exc, "problems", None))
    if isinstance(exc, DjangoValidationError):
        errors = django_errors(exc)
        return problem(400, " ".join(m for ms in errors.values() for m in ms), errors=errors)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's 500 handling (and its logging) takes over
    headers = {k: v for k, v in response.headers.items() if k in ("WWW-Authenticate", "Retry-After", "Allow")}
    untranslated = _untranslated(exc)
    if untranslated:
        return problem(response.status_code, untranslated, headers=headers)
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        return problem(400, _("Correct the errors below."), errors=errors, headers=headers)
    detail = exc.detail if isinstance(exc.detail, str) else _flatten(exc.detail)
    if isinstance(detail, dict):
        return problem(
            response.status_code, " ".join(m for ms in detail.values() for m in ms), headers=headers
        )
    return problem(response.status_code, detail, headers=headers)


def _untranslated(exc) -> str:
    """Our message for DRF's few refusals built from English text (not from its catalogue), or ""."""
    detail = str(exc.detail) if isinstance(exc.detail, str) else ""
    if isinstance(exc, exceptions.ParseError) and detail.startswith("JSON parse error"):
        return _("The request body is not valid JSON.")
    if isinstance(exc, exceptions.ParseError) and detail.startswith("Multipart form parse error"):
        return _("The uploaded form could not be read.")
    if isinstance(exc, exceptions.PermissionDenied) and detail.startswith("CSRF Failed"):
        return _("The security check (CSRF) failed: reload the page and try again.")
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        wait = max(1, math.ceil(exc.wait))
        return ngettext(
            "Too many requests: try again in %(wait)s second.",
            "Too many requests: try again in %(wait)s seconds.",
            wait,
        ) % {"wait": wait}
    return ""


@csrf_exempt  # nothing happens here: a POST to a wrong address gets the same 404 as a GET
def not_found(request, *args, **kwargs):
    """Any other address under /api/: a problem document, not the site's HTML page."""
    body = {
        "type": "about:blank",
        "title": _("Not found"),
        "status": 404,
        "detail": _("No such API address."),
    }
    return JsonResponse(
        body, status=404, content_type=PROBLEM_TYPE, json_dumps_params={"ensure_ascii": False}
    )
