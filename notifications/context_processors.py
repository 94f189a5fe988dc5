def unread(request):
    """The unread count for the bell in the header (one indexed count per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        return user.notifications.filter(read_at__isnull=True).count()

    return {"unread_notifications": count}  # evaluated only where a template shows it
