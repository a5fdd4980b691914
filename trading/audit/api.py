"""The audit log's signed checkpoints as a public feed: whoever keeps them can later prove the log unchanged
(`manage.py audit verify --checkpoints FILE` with the saved answers)."""
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from trading import platform_key

from . import checkpoints
from .models import AuditCheckpoint

MAX_CHECKPOINTS = 1000


class CheckpointBodySerializer(serializers.Serializer):
    format = serializers.CharField()
    size = serializers.IntegerField(help_text="Entries in the log when it was signed.")
    head = serializers.CharField(help_text="Hash of entry number `size`.")
    at = serializers.CharField()


class CheckpointSerializer(serializers.Serializer):
    body = CheckpointBodySerializer(help_text="Signed as canonical JSON (sorted keys, no spaces, UTF-8).")
    signature = serializers.CharField(help_text="Ed25519, hex.")
    public_key = serializers.CharField()


class KeySerializer(serializers.Serializer):
    algorithm = serializers.CharField()
    public_key = serializers.CharField()
    key_id = serializers.CharField()


class FeedSerializer(serializers.Serializer):
    platform_key = KeySerializer()
    checkpoints = CheckpointSerializer(many=True)


class SinceSerializer(serializers.Serializer):
    since = serializers.IntegerField(required=False, default=0, min_value=0, max_value=2**62)


class CheckpointFeedView(APIView):
    """Signed checkpoints, oldest first, after `since` (the size of the last one you hold), 1000 at most."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[OpenApiParameter("since", int, required=False)], responses=FeedSerializer)
    def get(self, request):
        query = SinceSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = AuditCheckpoint.objects.filter(size__gt=query.validated_data["since"]).order_by("size")
        return Response({"platform_key": platform_key.key_info(),
                         "checkpoints": [checkpoints.as_published(c) for c in found[:MAX_CHECKPOINTS]]})


urlpatterns = [path("audit/checkpoints/", CheckpointFeedView.as_view(), name="audit-checkpoints")]
