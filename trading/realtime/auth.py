"""Websocket authentication: the Django session cookie, or an API token in the query string."""
from urllib.parse import parse_qs

from channels.auth import AuthMiddleware
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.contrib.auth.models import AnonymousUser


@database_sync_to_async
def _user_for_token(key):
    from rest_framework.authtoken.models import Token

    token = Token.objects.select_related("user", "user__organisation").filter(key=key).first()
    return token.user if token and token.user.is_active else AnonymousUser()


class TokenQueryMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        token = parse_qs(scope.get("query_string", b"").decode()).get("token", [None])[0]
        if token and not scope["user"].is_authenticated:
            scope["user"] = await _user_for_token(token)
        return await super().__call__(scope, receive, send)


def SessionOrTokenAuthMiddleware(inner):
    return CookieMiddleware(SessionMiddleware(AuthMiddleware(TokenQueryMiddleware(inner))))
