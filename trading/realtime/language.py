"""Websocket connections speak the language the pages chose: the language cookie, else Accept-Language.

Channels runs no LocaleMiddleware, so without this every error a consumer sends would be in LANGUAGE_CODE.
"""
from types import SimpleNamespace

from django.http.cookie import parse_cookie
from django.utils import translation


def language_of(scope):
    headers = dict(scope.get("headers") or [])
    request = SimpleNamespace(
        COOKIES=parse_cookie(headers.get(b"cookie", b"").decode("latin-1")),
        META={"HTTP_ACCEPT_LANGUAGE": headers.get(b"accept-language", b"").decode("latin-1")})
    return translation.get_language_from_request(request)


class LanguageMiddleware:
    """Activates the connection's language for its whole life (tasks and database threads inherit it)."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        with translation.override(language_of(scope)):
            return await self.inner(scope, receive, send)
