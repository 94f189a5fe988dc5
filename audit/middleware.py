import ipaddress
import re
import uuid
from functools import lru_cache

from django.conf import settings

from .context import RequestMeta, reset_request_meta, set_request_meta

# a request id from a proxy or a client is kept only in one of these shapes (it is written into the hashed
# audit record): 16-64 hex digits, or a UUID; anything else is replaced by a fresh one
REQUEST_ID = re.compile(r"[0-9a-f]{16,64}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


class RequestContextMiddleware:
    """Tags each request with an id (echoed in X-Request-ID) and the client IP for the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_of(request)
        request.request_id = request_id
        token = set_request_meta(RequestMeta(request_id=request_id, ip=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            reset_request_meta(token)
        response["X-Request-ID"] = request_id
        return response


def request_id_of(request) -> str:
    given = request.headers.get("X-Request-ID", "")
    return given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request) -> str | None:
    """REMOTE_ADDR, unless it is one of settings.TRUSTED_PROXIES: then the nearest address of
    X-Forwarded-For that is not a trusted proxy (read from the right: the left part is the client's to
    write). A value that is not an IP address is never returned."""
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not remote or not networks or not _trusted(remote, networks):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a forged or broken header: the proxy's own address, not the text
    return remote
