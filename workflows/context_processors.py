from cases.permissions import ACTION_ROLES
from registry.selectors import grants_for


def navigation(request):
    """Menu entries that depend on the user's roles (grants are cached per request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_can_nominate": any(g.role in ACTION_ROLES["nominate"] for g in grants_for(user))}
