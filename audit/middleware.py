import uuid

from .context import RequestMeta, reset_request_meta, set_request_meta


class RequestContextMiddleware:
    """Tags each request with an id (echoed in X-Request-ID) and the client IP for the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        token = set_request_meta(
            RequestMeta(request_id=request_id, ip=request.META.get("REMOTE_ADDR") or None)
        )
        try:
            response = self.get_response(request)
        finally:
            reset_request_meta(token)
        response["X-Request-ID"] = request_id
        return response
