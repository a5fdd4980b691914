from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("trading.accounts.urls")),
    path("audit/", include("trading.audit.urls")),
    path("tenders/", include("trading.tenders.urls")),
    path("bids/", include("trading.bids.urls")),
    path("opening/", include("trading.realtime.urls")),
    path("opening/", include("trading.bids.opening.urls")),
    path("collusion/", include("trading.collusion.urls")),
    path("experts/", include("trading.experts.urls")),
    path("evaluation/", include("trading.evaluation.urls")),
    path("award/", include("trading.award.urls")),
    path("contracts/", include("trading.contracts.urls")),
    path("complaints/", include("trading.complaints.urls")),
    path("credit/", include("trading.credit.urls")),
    path("deposits/", include("trading.deposits.urls")),
    path("notifications/", include("trading.notifications.urls")),
    path("supervision/", include("trading.supervision.urls")),
    path("opendata/", include("trading.opendata.urls")),
    path("statistics/", include("trading.publication.urls")),
    path("api/", include("trading.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start script as a file of its own: no inline script under the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

handler500 = "trading.middleware.server_error"
handler403 = "trading.views.permission_denied"
handler404 = "trading.views.page_not_found"
