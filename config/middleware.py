from django.core.exceptions import PermissionDenied
from django.middleware.gzip import GZipMiddleware
from viewflow.middleware import SiteMiddleware as ViewflowSiteMiddleware


class SiteMiddleware(ViewflowSiteMiddleware):
    """viewflow's: tells templates the current site and area, and refuses an area the user has no entry in.

    Unlike viewflow's, anonymous users pass through, so each view's login_required sends them to the login
    page with `next`; the site and area are known before refusing, so the 403 page keeps its menu; and pages
    outside the site's areas get the site (the menu) too.
    """

    def process_view(self, request, callback, callback_args, callback_kwargs):
        match = request.resolver_match
        extra = getattr(getattr(match, "url_name", None), "extra", {})
        for name, value in extra.items():
            setattr(match, name, value)
        if "site" not in extra:  # a page mounted outside config/site.py's areas still gets the menu
            from .site import site

            match.site = site
        if request.user.is_authenticated:
            for viewset in (extra.get("site"), extra.get("app")):
                if viewset is not None and not viewset.has_view_permission(request.user):
                    raise PermissionDenied
        return None


class PageGZipMiddleware(GZipMiddleware):
    """Django's GZip (padded against BREACH) for pages and other text only: evidence files, PDFs and
    spreadsheets are already compressed and keep their Content-Length."""

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(("text/", "application/json")):
            return response
        return super().process_response(request, response)


class IdleSessionMiddleware:
    """Ends a signed-in session after settings.SESSION_IDLE_MINUTES without a request.

    The session store's expiry (SESSION_COOKIE_AGE, the same minutes) is what ends it; this renews it while
    the user works, at most once a minute, so a page view does not write the session row every time.
    """

    RENEW_AFTER = 60  # seconds

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            seen = session.get("_seen", 0)
            if not isinstance(seen, int) or now - seen >= self.RENEW_AFTER:
                session["_seen"] = now  # modified: saved with a fresh expiry
        return self.get_response(request)


class BoundedIdsMiddleware:
    """A URL's <int:...> part past what any integer column holds is a page that does not exist (404).

    Django's converter takes any run of digits; an exact lookup on a plain integer field handles an
    out-of-range value, but one through a relation (a multi-table child's primary key, such as a workflow
    step's) reaches the database, which SQLite refuses with an OverflowError: a 500.
    """

    LIMIT = 2**63 - 1

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.http import Http404

        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > self.LIMIT:
                raise Http404
        return None
