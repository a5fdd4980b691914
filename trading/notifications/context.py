from .selectors import unread_count


def inbox(request):
    """The unread count beside the inbox link of every page."""
    user = getattr(request, "user", None)
    return {"unread_notifications": unread_count(user) if user is not None and user.is_authenticated else 0}
