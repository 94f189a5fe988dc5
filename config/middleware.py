from viewflow.middleware import SiteMiddleware as ViewflowSiteMiddleware


class SiteMiddleware(ViewflowSiteMiddleware):
    """viewflow's: tells templates the current site and area, and refuses an area the user has no entry in.

    Anonymous users pass through, so every view's own login_required sends them to the login page with
    `next` rather than answering 403.
    """

    def process_view(self, request, callback, callback_args, callback_kwargs):
        if not request.user.is_authenticated:
            match = request.resolver_match
            for name, value in getattr(getattr(match, "url_name", None), "extra", {}).items():
                setattr(match, name, value)
            return None
        return super().process_view(request, callback, callback_args, callback_kwargs)
