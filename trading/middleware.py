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

from django.conf import settings
from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from trading import strictjson

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
    return try_again_response(request, message, RETRY_AFTER_SECONDS)


def try_again_response(request, message, retry_after):
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"detail": message, "retry": True}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}, request=None), status=503)
    response["Retry-After"] = str(retry_after)
    return response


class OutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        if getattr(exc, "retry_after", None) is not None:  # a service's own "nothing stored, send again"
            return try_again_response(request, str(exc), exc.retry_after)
        return unavailable_response(request, exc) if is_outage(exc) else None


def server_error(request):
    """handler500: an outage raised outside a view (e.g. saving the session) is still a 503."""
    exc = sys.exc_info()[1]
    if exc is not None and is_outage(exc):
        return unavailable_response(request, exc)
    return HttpResponse(render_to_string("500.html", request=None), status=500)


# --- hostile input ---------------------------------------------------------------------------------

def refusal(request, status, field, reason):
    """A clear refusal: JSON {field: [reason]} for the API and JSON clients, a short page otherwise."""
    wants_json = request.path.startswith("/api/") or "json" in request.headers.get("Accept", "") \
        or "json" in request.headers.get("Content-Type", "")
    if wants_json:
        return JsonResponse({field: [reason]}, status=status)
    return HttpResponse(render_to_string("refused.html", {"status": status, "reason": reason}, request=None),
                        status=status)


def body_limit(request):
    """Bytes a request body may hold: small for anonymous visitors (they only log in and register).

    An API client's token is checked later, by the view (Django REST framework): a request carrying an
    Authorization header gets the larger limit here, and one with a bad token is refused by the view
    without its body ever being held in memory (uploads stream to disk).
    """
    limits = settings.SUNLIGHT
    user = getattr(request, "user", None)
    if (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
        return limits["MAX_REQUEST_BYTES"]
    return limits["MAX_ANONYMOUS_REQUEST_BYTES"]


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f} MB"


class HostileInputMiddleware:
    """Refuses, before any view or form parses them, bodies over the caller's limit (413) and JSON
    bodies that are not strictly JSON (400: lone surrogates, nesting deeper than strictjson.MAX_DEPTH,
    duplicated keys). Sits after AuthenticationMiddleware and before any process_view (the CSRF
    check parses forms there), so an anonymous 100 MB form is refused before it is parsed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = self.refuse(request)
        return refused if refused is not None else self.get_response(request)

    def refuse(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return refusal(request, 400, "non_field_errors", _("The Content-Length header is not a number."))
        limit = body_limit(request)
        if length > limit:
            log.info("413 for %s %s: %d bytes over the limit of %d", request.method, request.path, length, limit)
            return refusal(request, 413, "non_field_errors", _(
                "The request is %(size)s; the limit is %(limit)s. Send smaller files, or log in first.") % {
                "size": _megabytes(length), "limit": _megabytes(limit)})
        content_type = request.content_type or ""
        if length and (content_type == "application/json" or content_type.endswith("+json")):
            try:
                strictjson.loads(request.body)
            except strictjson.Refused as exc:
                return refusal(request, 400, exc.field, exc.reason)
        return None


class ContentSecurityPolicyMiddleware:
    """A strict Content-Security-Policy on every answer: scripts only from our own static files (no inline
    script, no inline handlers, no eval), no plugins, no framing, forms only to ourselves.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


def _overflow(exc):
    """A number too large for the database column (an id like 10**30 in a URL or a body)."""
    if isinstance(exc, OverflowError):
        return True
    return isinstance(exc, DataError) and "out of range" in str(exc)


class OutOfRangeMiddleware:
    """An id too large for the database is a page that does not exist (404), or bad input (400) on a write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        if not _overflow(exc):
            return None
        if request.method in ("GET", "HEAD"):
            return refusal(request, 404, "detail", _("No such page: a number in the address is out of range."))
        return refusal(request, 400, "non_field_errors", _("A number in the request is out of range."))


class QuietRefusals(logging.Filter):
    """django.request logs every 403/404/413 with its traceback; a refusal is one line, not a fault."""

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
