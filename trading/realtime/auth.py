"""Websocket authentication: the Django session cookie, or a one-connection ticket in the query string.

API tokens are not accepted in the URL (URLs end up in proxy logs and browser history): a client
without the session cookie asks POST /api/ws-ticket/ for a ticket that is good for one connection
within a minute (trading.accounts.tokens).
"""
from urllib.parse import parse_qs

from channels.auth import AuthMiddleware
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.sessions import CookieMiddleware, SessionMiddleware

from trading.accounts.tokens import redeem_ticket


class TicketQueryMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        ticket = query.get("ticket", [None])[0]
        if ticket and not scope["user"].is_authenticated:
            scope["user"] = await database_sync_to_async(redeem_ticket)(ticket)
        return await super().__call__(scope, receive, send)


def SessionOrTicketAuthMiddleware(inner):
    return CookieMiddleware(SessionMiddleware(AuthMiddleware(TicketQueryMiddleware(inner))))
