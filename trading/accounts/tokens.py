"""API tokens and websocket tickets.

API tokens are django-rest-knox tokens: only a SHA-512 digest is stored (a database dump holds no
usable token), each expires (``SUNLIGHT["API_TOKEN_HOURS"]``), a user holds at most 20, and they die
when the password changes, when the user is deactivated, or when the administrator revokes them
(admin site: API tokens, or the users list's "Revoke API tokens" action). A client logs out with
``POST /api/token/revoke/`` (this token) or ``POST /api/token/revoke-all/``.

A token never travels in a URL (URLs end up in proxy logs and browser history). A websocket client
that does not use the session cookie asks ``POST /api/ws-ticket/`` for a ticket and connects to
``ws/opening/<id>/?ticket=...``: a ticket is signed, names its user, is good for
``SUNLIGHT["WS_TICKET_SECONDS"]`` and for one connection only.
"""
import binascii
import secrets
from hmac import compare_digest

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions

from trading.audit.services import record

from .permissions import authorize

TICKET_SALT = "sunlight.ws-ticket"


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox's token check in one query (the token with its user and organisation), and a malformed header (not
    ASCII, not hex) answered 401 instead of a 500.

    Knox itself also reads every other token of the user on each request, to delete expired ones: a query per
    API call on the deadline-rush path. Here an expired token is deleted when it is presented, and
    `issue_token` keeps at most TOKEN_LIMIT_PER_USER; an expired token never authenticates either way.
    """

    def authenticate_credentials(self, token):
        try:
            text = token.decode("ascii")
            binascii.unhexlify(text)
        except (UnicodeDecodeError, binascii.Error, ValueError):
            raise exceptions.AuthenticationFailed(_lazy("Invalid token.")) from None
        candidates = AuthToken.objects.select_related("user__organisation").filter(
            token_key=text[:CONSTANTS.TOKEN_KEY_LENGTH])
        for auth_token in candidates:
            if auth_token.expiry is not None and auth_token.expiry < timezone.now():
                auth_token.delete()
                continue
            if compare_digest(hash_token(text), auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(_lazy("Invalid token."))


def issue_token(caller, user):
    """A new API token for `user` (who just authenticated): (token text, expiry). Only its digest is stored."""
    with transaction.atomic():
        # At most REST_KNOX TOKEN_LIMIT_PER_USER live tokens: the oldest go first.
        limit = knox_settings.TOKEN_LIMIT_PER_USER
        if limit:
            stale = AuthToken.objects.filter(user=user).order_by("-created").values_list("pk", flat=True)[limit - 1:]
            AuthToken.objects.filter(pk__in=list(stale)).delete()
        instance, token = AuthToken.objects.create(user=user)
        record(caller, "accounts.token_issued", user, expiry=instance.expiry.isoformat() if instance.expiry else "")
    return token, instance.expiry


def revoke_token(caller, instance):
    """A token revoked: the caller's own (an API logout), or any by the administrator."""
    if caller.user != instance.user and not caller.is_system:
        authorize(caller.user, "organisation.manage")
    with transaction.atomic():
        user = instance.user
        instance.delete()
        record(caller, "accounts.token_revoked", user, tokens=1)


def revoke_all_tokens(caller, user, reason):
    """Every API token of `user`: by the user, by the administrator, or because the password changed."""
    if caller.user != user and not caller.is_system:
        authorize(caller.user, "organisation.manage")
    with transaction.atomic():
        count, _ = AuthToken.objects.filter(user=user).delete()
        if count:
            record(caller, "accounts.tokens_revoked", user, tokens=count, reason=reason)
    return count


@receiver(post_save, sender=get_user_model())
def _revoke_on_password_change(sender, instance, created, **kwargs):
    """A changed password (or a deactivated user) ends every API token, as Django ends every session.

    User.save() keeps the new raw password in _password until after this signal: that is how a password
    change is told from any other save (the admin site, set_password, changepassword, a reset).
    """
    if created:
        return
    if getattr(instance, "_password", None) is not None or not instance.is_active:
        from .caller import Caller

        revoke_all_tokens(Caller.system(), instance,
                          "password changed" if instance.is_active else "user deactivated")


# --- websocket tickets -----------------------------------------------------------------------------

def issue_ticket(user):
    """A signed one-connection ticket for the websocket, good for WS_TICKET_SECONDS."""
    return signing.dumps({"u": user.pk, "n": secrets.token_urlsafe(12)}, salt=TICKET_SALT, compress=False)


def redeem_ticket(ticket):
    """The active user a ticket names, once; AnonymousUser for a forged, expired or used ticket."""
    if not isinstance(ticket, str) or len(ticket) > 300:
        return AnonymousUser()
    try:
        data = signing.loads(ticket, salt=TICKET_SALT, max_age=settings.SUNLIGHT["WS_TICKET_SECONDS"])
    except signing.BadSignature:
        return AnonymousUser()
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("n"), str):
        return AnonymousUser()
    # One connection per ticket: the first to redeem it wins (the cache is shared by all workers).
    try:
        first = cache.add(f"ws-ticket:{data['n']}", 1, settings.SUNLIGHT["WS_TICKET_SECONDS"] + 5)
    except Exception:
        first = False  # without the cache we cannot tell a replay: refuse, the client falls back to asking again
    if not first:
        return AnonymousUser()
    user = get_user_model().objects.select_related("organisation").filter(pk=data["u"], is_active=True).first()
    return user or AnonymousUser()
