"""The caller's notifications and subscription over the API."""
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from trading.accounts.caller import Caller
from trading.tenders.models import ProjectType

from . import messages, selectors, services
from .models import EmailState, Kind


@extend_schema_serializer(component_name="InboxNotification")  # "Notification" is the bank's, in deposits
class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    subject = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    url = serializers.CharField()
    tender = serializers.IntegerField(source="tender_id", allow_null=True)
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
    email_state = serializers.ChoiceField(choices=EmailState.choices)

    def get_subject(self, notification) -> str:
        return messages.subject(notification)

    def get_body(self, notification) -> str:
        return messages.body(notification)


class SubscriptionSerializer(serializers.Serializer):
    project_types = serializers.ListField(child=serializers.ChoiceField(choices=ProjectType.choices), required=False,
                                          default=list)
    regions = serializers.ListField(child=serializers.CharField(max_length=6), required=False, default=list,
                                    help_text="Administrative division codes (2 to 6 digits); empty: all.")
    keywords = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    email = serializers.BooleanField(required=False, default=True)


class InboxView(APIView):
    """The caller's notifications, newest first (at most 200), in the caller's language."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=NotificationSerializer(many=True))
    def get(self, request):
        return Response(NotificationSerializer(selectors.inbox(request.user)[:200], many=True).data)


class ReadView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request, pk):
        services.mark_read(Caller.from_request(request), pk)
        return Response(NotificationSerializer(selectors.own(request.user, pk)).data)


class SubscriptionView(APIView):
    """A contractor's subscription to new tenders."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=SubscriptionSerializer)
    def get(self, request):
        return Response(SubscriptionSerializer(selectors.subscription_of(request.user)).data)

    @extend_schema(request=SubscriptionSerializer, responses=SubscriptionSerializer)
    def put(self, request):
        data = SubscriptionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.subscribe(Caller.from_request(request), **data.validated_data)
        return Response(SubscriptionSerializer(subscription).data)


urlpatterns = [
    path("notifications/", InboxView.as_view(), name="notifications-inbox"),
    path("notifications/<int:pk>/read/", ReadView.as_view(), name="notifications-read"),
    path("notifications/subscription/", SubscriptionView.as_view(), name="notifications-subscription"),
]
