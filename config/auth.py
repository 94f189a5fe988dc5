"""django-axes' backend, for logins that come with a request."""

from axes.backends import AxesStandaloneBackend


class AxesBackend(AxesStandaloneBackend):
    """Every web login (the staff page, the admin, any form built on Django's AuthenticationForm) passes its
    request to authenticate() and is counted and locked out by django-axes. A call without a request has no
    address to count against (a shell, the test client's login()): axes would raise; here it is left to the
    other backends, as before."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
