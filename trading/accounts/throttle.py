"""Login throttling, counted three ways over one window of M minutes:

- one username from one address: locked after LOGIN_FAILURE_LIMIT failures (5), the guesser at work;
- one username from every address: locked after LOGIN_ACCOUNT_FAILURE_LIMIT (20), so rotating
  addresses does not give a guesser unlimited tries at one account;
- one address over every username: locked after LOGIN_ADDRESS_FAILURE_LIMIT (30), so one password
  sprayed over many accounts stops too.

The first is tight and the others looser, so a stranger guessing from elsewhere needs many failures
before the real user feels it, and the lock lifts by itself. The counts live in the cache (Redis in
production, shared by all workers). A cache outage fails open: logins go on, and the outage is logged.

The gate is the first authentication backend: it raises PermissionDenied for a locked pair,
which stops authenticate() for every entry point (login page, admin, API token). The login form
checks first so the user reads why.
"""
import hashlib
import logging

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.dispatch import receiver
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


def _limit():
    return settings.SUNLIGHT["LOGIN_FAILURE_LIMIT"]


def _lockout_seconds():
    return settings.SUNLIGHT["LOGIN_LOCKOUT_MINUTES"] * 60


def _address(request):
    return (request.META.get("REMOTE_ADDR") or "") if request is not None else ""


def _name(username):
    return (username or "").strip().lower()


def _keys(username, address):
    """{scope: (cache key, limit)} for the three counts one failure adds to."""
    limits = settings.SUNLIGHT
    parts = {"pair": f"{_name(username)}|{address}", "account": _name(username), "address": address}
    limit = {"pair": _limit(), "account": limits["LOGIN_ACCOUNT_FAILURE_LIMIT"],
             "address": limits["LOGIN_ADDRESS_FAILURE_LIMIT"]}
    return {scope: (f"login-failures:{scope}:" + hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest(),
                    limit[scope]) for scope, raw in parts.items()}


def failures(username, address):
    """Failures of this username from this address in the current window."""
    try:
        return cache.get(_keys(username, address)["pair"][0], 0)
    except Exception:
        log.exception("login throttle: cache unavailable, not limiting")
        return 0


def locked_scope(username, address):
    """Which count has reached its limit ("pair", "account", "address"), or None."""
    keys = _keys(username, address)
    try:
        counts = cache.get_many([key for key, _limit_ in keys.values()])
    except Exception:
        log.exception("login throttle: cache unavailable, not limiting")
        return None
    for scope, (key, limit) in keys.items():
        if counts.get(key, 0) >= limit:
            return scope
    return None


def is_locked(username, address):
    return locked_scope(username, address) is not None


def note_failure(username, address):
    for key, _limit_ in _keys(username, address).values():
        try:
            # add() starts the window; incr() keeps its expiry, so the lockout ends M minutes
            # after the first failure of the series.
            if not cache.add(key, 1, _lockout_seconds()):
                cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, _lockout_seconds())
        except Exception:
            log.exception("login throttle: cache unavailable, failure not counted")
            return


def reset(username, address):
    """A successful login clears this username's counts from this address (not the address's count over others)."""
    keys = _keys(username, address)
    try:
        cache.delete_many([keys["pair"][0], keys["account"][0]])
    except Exception:
        log.exception("login throttle: cache unavailable")


def locked_message(scope="pair"):
    minutes = settings.SUNLIGHT["LOGIN_LOCKOUT_MINUTES"]
    if scope == "address":
        return _("Too many failed logins from your address, over several accounts. Try again in %(minutes)d "
                 "minutes.") % {"minutes": minutes}
    if scope == "account":
        return _("Too many failed logins for this account, from several addresses. Try again in %(minutes)d "
                 "minutes, or ask the administrator to reset your password.") % {"minutes": minutes}
    return _("Too many failed logins for this account from your address. Try again in %(minutes)d minutes, "
             "or ask the administrator to reset your password.") % {"minutes": minutes}


class LockoutBackend(ModelBackend):
    """ModelBackend that refuses every authentication of a locked username and address.

    First in AUTHENTICATION_BACKENDS (force_login and login() use the first one); plain
    ModelBackend stays listed after it for sessions that name it.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        scope = locked_scope(username, _address(request)) if isinstance(username, str) else None
        if scope:
            raise PermissionDenied(locked_message(scope))
        return super().authenticate(request, username=username, password=password, **kwargs)


class ThrottledAuthenticationForm(auth_forms.AuthenticationForm):
    def clean(self):
        username = self.cleaned_data.get("username")
        scope = locked_scope(username, _address(self.request)) if username else None
        if scope:
            raise ValidationError(locked_message(scope), code="locked")
        return super().clean()


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "accounts/login.html"


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs):
    username = credentials.get("username")
    if isinstance(username, str) and username:
        note_failure(username, _address(request))


@receiver(user_logged_in)
def _clear_failures(sender, request, user, **kwargs):
    reset(user.get_username(), _address(request))
