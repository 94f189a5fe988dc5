from .permissions import can_inspect


def navigation(request):
    """`nav_can_inspect`: whether the menu shows the inspector workspace."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_can_inspect": can_inspect(user)}
