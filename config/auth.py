"""django-axes' backend, for logins that come with a request; the idle clock of a new session."""

import time

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver


class AxesBackend(AxesStandaloneBackend):
    """Every web login (the staff page, the admin, any form built on Django's AuthenticationForm) passes its
    request to authenticate() and is counted and locked out by django-axes. A call without a request has no
    address to count against (a shell, the test client's login()): axes would raise; here it is left to the
    other backends, as before."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_logged_in)
def _start_idle_clock(sender, request, user, **kwargs):
    """The login itself counts as activity: the first requests after it need not write the session again
    (config.middleware.IdleSessionMiddleware renews it once a minute)."""
    if request is not None and hasattr(request, "session"):
        request.session["_seen"] = int(time.time())
