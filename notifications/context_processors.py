from .selectors import unread_count


def unread(request):
    """The unread count for the bell in the header (one indexed count per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": lambda: unread_count(user)}  # evaluated only where a template shows it
