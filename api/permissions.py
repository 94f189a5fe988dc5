"""Who may call what: the same rules as the pages (cases.decorators, inspection.permissions)."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from cases.decorators import ACTING_ROLES
from inspection.permissions import can_inspect
from registry.selectors import grants_for


class ActingRole(BasePermission):
    """Changes are for users holding a role that takes a step (cases.decorators.acting_role_required)."""

    message = _("Your role only lets you read cases, not change them.")

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and (user.is_superuser or any(g.role in ACTING_ROLES for g in grants_for(user)))
        )


class Inspector(BasePermission):
    """The audit log is for inspectors and administrators (inspection.views.inspector_required)."""

    message = _("Only inspectors may read the audit log.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and can_inspect(request.user))
