"""Guards shared by the views that change something."""

import functools

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from registry.selectors import grants_for

from .permissions import ACTION_ROLES

# Roles that take some step of the work; the others (supervisors, inspectors, administrators) only read here
# (a supervisor's own writes, reassignment and pauses, check "supervise" themselves).
ACTING_ROLES = frozenset().union(
    *(roles for action, roles in ACTION_ROLES.items() if action not in ("view", "supervise"))
)


def acting_role_required(view):
    """403 for users holding no role that takes a step (read-only roles such as inspectors), before anything
    else is looked at; users with an acting role go on to the view's own, per-case permission checks."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_superuser
            and not any(g.role in ACTING_ROLES for g in grants_for(user))
        ):
            raise PermissionDenied(_("Your role only lets you read cases, not change them."))
        return view(request, *args, **kwargs)

    return wrapper
