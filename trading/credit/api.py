"""REST API of the credit room: a firm's credit record and debarments (public, but referred collusion cases only
for the firm and officials), the blacklist in force, and the supervisor's writes. Thin: services check and write."""
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from trading.accounts.caller import Caller
from trading.accounts.permissions import authorize

from . import selectors, services
from .models import EntryKind


class DebarmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    firm = serializers.IntegerField(source="organisation_id")
    firm_name = serializers.CharField(source="organisation.name")
    decision = serializers.CharField()
    reason = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    lifted_at = serializers.DateTimeField(allow_null=True)
    lifted_reason = serializers.CharField()


class EntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    summary = serializers.CharField()
    rating = serializers.IntegerField(allow_null=True)
    source = serializers.CharField()
    at = serializers.DateTimeField()


class RecordSerializer(serializers.Serializer):
    firm = serializers.IntegerField(source="firm.pk")
    name = serializers.CharField(source="firm.name")
    credit_code = serializers.CharField(source="firm.credit_code")
    debarred = DebarmentSerializer(allow_null=True, help_text="The debarment in force now, if any.")
    debarments = DebarmentSerializer(many=True)
    entries = EntrySerializer(many=True)


class DebarmentInputSerializer(serializers.Serializer):
    decision = serializers.CharField(max_length=services.MAX_DECISION)
    reason = serializers.CharField(max_length=10_000)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class LiftInputSerializer(serializers.Serializer):
    lifted_reason = serializers.CharField(max_length=500)


class PenaltyInputSerializer(serializers.Serializer):
    decision = serializers.CharField(max_length=services.MAX_DECISION)
    summary = serializers.CharField(max_length=290)


def _firm(pk):
    firm = selectors.firm(pk)
    if firm is None:
        raise Http404(_("No such firm."))
    return firm


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data if hasattr(request.data, "get") else {})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class FirmRecordView(APIView):
    """A firm's credit record: debarments with start and end, upheld complaints, penalties, collusion cases,
    performance ratings, forfeited security."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=RecordSerializer)
    def get(self, request, pk):
        firm = _firm(pk)
        return Response(RecordSerializer({
            "firm": firm, "debarred": selectors.active_debarment(firm), "debarments": selectors.debarments(firm),
            "entries": selectors.visible_record(request.user, firm)}).data)


class DebarmentsView(APIView):
    """The debarments in force now (public); POST records one for a firm (supervisors)."""

    def get_permissions(self):
        return [permissions.AllowAny() if self.request.method == "GET" else permissions.IsAuthenticated()]

    @extend_schema(responses=DebarmentSerializer(many=True))
    def get(self, request):
        return Response(DebarmentSerializer(selectors.debarred_now(), many=True).data)


class FirmDebarmentsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=DebarmentInputSerializer, responses={201: DebarmentSerializer})
    def post(self, request, pk):
        authorize(request.user, "credit.manage")
        firm = _firm(pk)
        debarment = services.record_debarment(Caller.from_request(request), firm.pk,
                                              **_valid(DebarmentInputSerializer, request))
        return Response(DebarmentSerializer(debarment).data, status=201)


class PenaltiesView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=PenaltyInputSerializer, responses={201: EntrySerializer})
    def post(self, request, pk):
        authorize(request.user, "credit.manage")
        firm = _firm(pk)
        entry = services.record_penalty(Caller.from_request(request), firm.pk,
                                        **_valid(PenaltyInputSerializer, request))
        return Response(EntrySerializer(entry).data, status=201)


class LiftView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=LiftInputSerializer, responses=DebarmentSerializer)
    def post(self, request, pk):
        authorize(request.user, "credit.manage")
        data = _valid(LiftInputSerializer, request)
        return Response(DebarmentSerializer(services.lift_debarment(Caller.from_request(request), pk,
                                                                    data["lifted_reason"])).data)


urlpatterns = [
    path("credit/firms/<int:pk>/", FirmRecordView.as_view(), name="credit-firm"),
    path("credit/firms/<int:pk>/debarments/", FirmDebarmentsView.as_view(), name="credit-debar"),
    path("credit/firms/<int:pk>/penalties/", PenaltiesView.as_view(), name="credit-penalty"),
    path("credit/debarments/", DebarmentsView.as_view(), name="credit-debarments"),
    path("credit/debarments/<int:pk>/lift/", LiftView.as_view(), name="credit-lift"),
]
