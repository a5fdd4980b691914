from django.shortcuts import render
from django.utils.translation import gettext as _


def home(request):
    """The public landing page; signed-in users go to their role's desk."""
    return render(request, "home.html")


def _reason(exception, fallback):
    """The reason our code gave (PermissionDenied / Http404 with a message), else a plain sentence.

    The URL resolver's own 404 carries the patterns it tried: never shown."""
    message = exception.args[0] if exception is not None and exception.args else None
    if isinstance(message, str) and message and type(exception).__name__ in ("PermissionDenied", "Http404"):
        return message
    return fallback


def permission_denied(request, exception=None):
    return render(request, "403.html", {"reason": _reason(exception, _("You may not open this page."))}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", {"reason": _reason(exception, _("There is no such page."))}, status=404)
