"""One router for the REST API; each app registers its viewsets in its api.py."""
from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token

urlpatterns = [
    path("token/", obtain_auth_token, name="api-token"),
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
