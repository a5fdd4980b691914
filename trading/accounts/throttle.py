"""Login throttling: after N failed logins for one username from one address, that pair is
locked out for M minutes.

Counted per username *and* address, so someone guessing a password from elsewhere cannot lock
the real user out. The counts live in the cache (Redis in production, shared by all workers).
A cache outage fails open: logins go on, and the outage is logged.

The gate is the first authentication backend: it raises PermissionDenied for a locked pair,
which stops authenticate() for every entry point (login page, admin, API token). The login form checks first so the user reads why.
"""
import hashlib
import logging

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth import views as auth_views
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


def _key(username, address):
    raw = f"{(username or '').strip().lower()}|{address}".encode()
    return "login-failures:" + hashlib.sha256(raw).hexdigest()


def failures(username, address):
    try:
        return cache.get(_key(username, address), 0)
    except Exception:
        log.exception("login throttle: cache unavailable, not limiting")
        return 0


def is_locked(username, address):
    return failures(username, address) >= _limit()


def note_failure(username, address):
    key = _key(username, address)
    try:
        # add() starts the window; incr() keeps its expiry, so the lockout ends M minutes
        # after the first failure of the series.
        if not cache.add(key, 1, _lockout_seconds()):
            cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, _lockout_seconds())
    except Exception:
        log.exception("login throttle: cache unavailable, failure not counted")


def reset(username, address):
    try:
        cache.delete(_key(username, address))
    except Exception:
        log.exception("login throttle: cache unavailable")


def locked_message():
    minutes = settings.SUNLIGHT["LOGIN_LOCKOUT_MINUTES"]
    return _("Too many failed logins for this account from your address. Try again in %(minutes)d minutes, "
             "or ask the administrator to reset your password.") % {"minutes": minutes}


class LockoutBackend(ModelBackend):
    """ModelBackend that refuses every authentication of a locked username and address.

    First in AUTHENTICATION_BACKENDS (force_login and login() use the first one); plain
    ModelBackend stays listed after it for sessions that name it.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None and is_locked(username, _address(request)):
            raise PermissionDenied(locked_message())
        return super().authenticate(request, username=username, password=password, **kwargs)


class ThrottledAuthenticationForm(auth_forms.AuthenticationForm):
    def clean(self):
        username = self.cleaned_data.get("username")
        if username and is_locked(username, _address(self.request)):
            raise ValidationError(locked_message(), code="locked")
        return super().clean()


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "accounts/login.html"


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs):
    username = credentials.get("username")
    if username:
        note_failure(username, _address(request))


@receiver(user_logged_in)
def _clear_failures(sender, request, user, **kwargs):
    reset(user.get_username(), _address(request))
