"""One router for the REST API; each app registers its viewsets in its api.py."""
from django.urls import include, path

from trading.accounts import api as accounts_api

urlpatterns = [
    path("token/", accounts_api.ObtainToken.as_view(), name="api-token"),
    path("token/revoke/", accounts_api.RevokeToken.as_view(), name="api-token-revoke"),
    path("token/revoke-all/", accounts_api.RevokeAllTokens.as_view(), name="api-token-revoke-all"),
    path("ws-ticket/", accounts_api.WebsocketTicket.as_view(), name="api-ws-ticket"),
    path("", include("trading.tenders.api")),
    path("", include("trading.bids.api")),
    path("", include("trading.experts.api")),
    path("", include("trading.evaluation.api")),
    path("", include("trading.award.api")),
    path("", include("trading.contracts.api")),
    path("", include("trading.audit.api")),
    path("", include("trading.notifications.api")),
    path("", include("trading.complaints.api")),
    path("", include("trading.credit.api")),
    path("", include("trading.deposits.api")),
    path("", include("trading.opendata.api")),
    path("", include("trading.publication.api")),
]
