"""Outages answered as outages: when the database or the file storage is unavailable, the
client gets a 503 "try again" (JSON for the API, a page otherwise) instead of a 500 with a
traceback. Nothing is half-written: the request's transaction either committed whole or not
at all. Only when the database vanishes around the commit can the server not tell which, so
that answer asks for a resend with the same client key (idempotent) instead of claiming
nothing was stored.
"""
import errno
import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.http import HttpResponse
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}


def is_outage(exc):
    if isinstance(exc, (OperationalError, InterfaceError)):
        return True
    return isinstance(exc, OSError) and exc.errno in STORAGE_ERRNOS


def unavailable_response(request, exc):
    log.warning("503 for %s %s: %s: %s", request.method, request.path, type(exc).__name__, exc)
    if isinstance(exc, OSError):
        # Storage fails before the transaction commits: the write was rolled back.
        message = _("The service is temporarily unavailable. Nothing was stored: your bid or change was not "
                    "saved. Please try again in a moment.")
    else:
        # The database may have gone away after committing, before it could confirm: say so.
        message = _("The service is temporarily unavailable and could not confirm your request. Please send it "
                    "again in a moment: a bid sent again with the same client key is never stored twice, and a "
                    "bid counts once you hold its receipt.")
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"detail": message, "retry": True}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}, request=None), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class OutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        return unavailable_response(request, exc) if is_outage(exc) else None


def server_error(request):
    """handler500: an outage raised outside a view (e.g. saving the session) is still a 503."""
    exc = sys.exc_info()[1]
    if exc is not None and is_outage(exc):
        return unavailable_response(request, exc)
    return HttpResponse(render_to_string("500.html", request=None), status=500)
