"""Open data in the Open Contracting Data Standard 1.1 (public, no login): the change feed, each tender's releases
and record, and every record a page at a time. Thin: the selectors read and shape, build.py decides what is public.
"""
from urllib.parse import urlencode

from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .build import site_url


class OcdsPublisherSerializer(serializers.Serializer):
    name = serializers.CharField()


class OcdsLinksSerializer(serializers.Serializer):
    next = serializers.URLField(help_text="The next page; on the change feed, the URL to poll for later changes.")


class OcdsPackageSerializer(serializers.Serializer):
    uri = serializers.URLField()
    version = serializers.CharField(help_text="OCDS version: 1.1.")
    extensions = serializers.ListField(child=serializers.URLField())
    publisher = OcdsPublisherSerializer()
    publishedDate = serializers.DateTimeField()
    publicationPolicy = serializers.URLField()


class OcdsReleasePackageSerializer(OcdsPackageSerializer):
    releases = serializers.ListField(child=serializers.DictField(), help_text=(
        "OCDS 1.1 releases (with the bid and lots extensions): "
        "https://standard.open-contracting.org/1.1/en/schema/release/"))


class OcdsFeedSerializer(OcdsReleasePackageSerializer):
    links = OcdsLinksSerializer()
    cursor = serializers.CharField(help_text="The feed number of the last release on this page: the next `since`.")


class OcdsRecordPackageSerializer(OcdsPackageSerializer):
    records = serializers.ListField(child=serializers.DictField(), help_text=(
        "OCDS 1.1 records: the releases and the compiled release (the current state) of each contracting process."))


class OcdsRecordPageSerializer(OcdsRecordPackageSerializer):
    links = OcdsLinksSerializer()


def _page_url(request, name, **query):
    return site_url(reverse(name)) + "?" + urlencode(query)


class PublicView(APIView):
    permission_classes = [permissions.AllowAny]


class FeedView(PublicView):
    """The change feed: every release published after the cursor, in publication order."""

    @extend_schema(
        parameters=[
            OpenApiParameter("since", OpenApiTypes.INT, description="Feed number of the last release you have "
                             "(the previous page's `cursor`); 0 or nothing: from the first."),
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"Releases a page, 1 to "
                             f"{selectors.MAX_PAGE_SIZE} (default {selectors.PAGE_SIZE})."),
        ],
        responses=OcdsFeedSerializer, operation_id="ocds_feed",
        summary="OCDS change feed (release package)")
    def get(self, request):
        since = selectors.cursor(request.query_params.get("since"), "since")
        limit = selectors.page_size(request.query_params.get("limit"))
        rows = selectors.changes_after(since, limit)
        last = rows[-1].seq if rows else since
        links = {"next": _page_url(request, "api-ocds-feed", since=last, limit=limit)}
        package = selectors.release_package(rows, request.build_absolute_uri(), links)
        package["cursor"] = str(last)
        return Response(package)


class TenderReleasesView(PublicView):
    """Every release of one contracting process (a tender), oldest first."""

    @extend_schema(responses=OcdsReleasePackageSerializer, operation_id="ocds_tender_releases",
                   summary="OCDS releases of one tender")
    def get(self, request, ocid):
        return Response(selectors.release_package(selectors.releases_of(ocid), request.build_absolute_uri()))


class TenderRecordView(PublicView):
    """The record of one contracting process: its releases and the compiled release (the current state)."""

    @extend_schema(responses=OcdsRecordPackageSerializer, operation_id="ocds_tender_record",
                   summary="OCDS record of one tender")
    def get(self, request, ocid):
        rows = selectors.releases_of(ocid)
        return Response(selectors.record_package([(rows[0].tender_id, rows)], request.build_absolute_uri()))


class RecordsView(PublicView):
    """Every record, a page of tenders at a time, with their releases linked."""

    @extend_schema(
        parameters=[
            OpenApiParameter("after", OpenApiTypes.INT, description="Continue after this tender (from the previous "
                             "page's next link); 0 or nothing: from the first."),
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"Records a page, 1 to "
                             f"{selectors.MAX_PAGE_SIZE} (default {selectors.PAGE_SIZE})."),
        ],
        responses=OcdsRecordPageSerializer, operation_id="ocds_records", summary="OCDS records, in bulk")
    def get(self, request):
        after = selectors.cursor(request.query_params.get("after"), "after")
        limit = selectors.page_size(request.query_params.get("limit"))
        groups = selectors.records_after(after, limit)
        last = groups[-1][0] if groups else after
        links = {"next": _page_url(request, "api-ocds-records", after=last, limit=limit)}
        return Response(selectors.record_package(groups, request.build_absolute_uri(), embed=False, links=links))


urlpatterns = [
    path("ocds/releases/", FeedView.as_view(), name="api-ocds-feed"),
    path("ocds/releases/<str:ocid>/", TenderReleasesView.as_view(), name="api-ocds-tender-releases"),
    path("ocds/records/", RecordsView.as_view(), name="api-ocds-records"),
    path("ocds/records/<str:ocid>/", TenderRecordView.as_view(), name="api-ocds-tender-record"),
]
