"""API tokens (POST /api/token/, revoke, revoke-all) and websocket tickets (POST /api/ws-ticket/)."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.views import APIView

from . import throttle, tokens
from .caller import Caller

TOKEN_ANSWER = inline_serializer("TokenAnswer", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()})


class ObtainToken(APIView):
    """Username and password in, an expiring API token out (`Authorization: Token <token>`)."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(request=AuthTokenSerializer, responses={200: TOKEN_ANSWER})
    def post(self, request):
        username = request.data.get("username") if hasattr(request.data, "get") else None
        scope = throttle.locked_scope(username, throttle._address(request)) if isinstance(username, str) else None
        if scope:
            return Response({"non_field_errors": [throttle.locked_message(scope)]},
                            status=status.HTTP_429_TOO_MANY_REQUESTS)
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, expiry = tokens.issue_token(Caller(user=user, ip=request.META.get("REMOTE_ADDR", "")[:45],
                                                 user_agent=request.META.get("HTTP_USER_AGENT", "")[:300]), user)
        return Response({"token": token, "expiry": expiry})


class RevokeToken(APIView):
    """The token this request came with stops working (an API client's logout)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if not isinstance(request.auth, tokens.AuthToken):
            return Response({"non_field_errors": [_("This request carries no API token to revoke.")]},
                            status=status.HTTP_400_BAD_REQUEST)
        tokens.revoke_token(Caller.from_request(request), request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RevokeAllTokens(APIView):
    """Every API token of the caller stops working."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: inline_serializer("Revoked", {"revoked": serializers.IntegerField()})})
    def post(self, request):
        count = tokens.revoke_all_tokens(Caller.from_request(request), request.user, "revoked by the user")
        return Response({"revoked": count})


class WebsocketTicket(APIView):
    """A ticket for one websocket connection within a minute: ws/opening/<id>/?ticket=<ticket>."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: inline_serializer("Ticket", {"ticket": serializers.CharField(),
                                                                               "seconds": serializers.IntegerField()})})
    def post(self, request):
        from django.conf import settings

        return Response({"ticket": tokens.issue_ticket(request.user),
                         "seconds": settings.SUNLIGHT["WS_TICKET_SECONDS"]})
