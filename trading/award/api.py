"""REST API of the award room: the candidate notice, objections, the award and revocation, result notices.

Thin: the services check the input and answer per field; the selectors decide who sees what. Notices carry
their signed body, its signature and the platform key, to be checked offline like the opening record.
"""
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from trading.accounts.caller import Caller
from trading.api_serializers import StoredFileSerializer
from trading.bids.selectors import published_tender

from . import selectors, services
from .models import Decision, PassOver, Remedy


class NoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawn_reason = serializers.CharField()
    body = serializers.JSONField(help_text="The signed notice: format sunlight-candidate-notice/1.")
    signature = serializers.CharField()
    platform_public_key = serializers.CharField()


class ObjectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tender = serializers.IntegerField(source="tender_id")
    lot = serializers.IntegerField(source="lot.number", allow_null=True, default=None)
    bidder = serializers.CharField(source="bidder.name")
    text = serializers.CharField()
    filed_at = serializers.DateTimeField()
    answer_due = serializers.DateTimeField()
    answer = serializers.CharField()
    decision = serializers.ChoiceField(choices=Decision.choices, allow_blank=True)
    remedy = serializers.ChoiceField(choices=Remedy.choices, allow_blank=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    attachments = StoredFileSerializer(many=True)


class ObjectionInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    lot = serializers.IntegerField(required=False, allow_null=True, help_text="A lot number; empty: the whole tender.")
    attachments = serializers.ListField(child=serializers.FileField(), required=False,
                                        help_text="Evidence, up to 5 files (multipart).")


class AnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField()
    decision = serializers.ChoiceField(choices=Decision.choices)
    remedy = serializers.ChoiceField(choices=Remedy.choices, required=False, allow_blank=True,
                                     help_text="Required when upheld.")


class AwardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    lot = serializers.IntegerField(source="lot.number", allow_null=True, default=None)
    bid = serializers.IntegerField(source="bid_id")
    winner = serializers.CharField(source="winner.name")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    rank = serializers.IntegerField()
    pass_over = serializers.ChoiceField(choices=PassOver.choices, allow_blank=True)
    reason = serializers.CharField()
    awarded_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    revoked_because = serializers.ChoiceField(choices=PassOver.choices, allow_blank=True)
    revoked_reason = serializers.CharField()
    body = serializers.JSONField(help_text="The signed award notice: format sunlight-award-notice/1.")
    signature = serializers.CharField()
    platform_public_key = serializers.CharField()


class AwardInputSerializer(serializers.Serializer):
    bid = serializers.IntegerField(help_text="A candidate bid of the notice.")
    pass_over = serializers.ChoiceField(choices=PassOver.choices, required=False, allow_blank=True,
                                        help_text="Required to award past the first-ranked candidate.")
    reason = serializers.CharField(required=False, allow_blank=True)


class RevokeInputSerializer(serializers.Serializer):
    because = serializers.ChoiceField(choices=PassOver.choices)
    reason = serializers.CharField()


class ResultSerializer(serializers.Serializer):
    tender = serializers.IntegerField(source="bid.tender_id")
    lot = serializers.IntegerField(source="bid.lot.number", allow_null=True, default=None)
    bid = serializers.IntegerField(source="bid.pk")
    won = serializers.BooleanField()
    rank = serializers.IntegerField(allow_null=True)
    ground = serializers.CharField(help_text="The statutory ground of the rejection, if the bid was rejected.")
    winner = serializers.CharField(source="award.winner.name")
    amount = serializers.DecimalField(source="award.amount", max_digits=16, decimal_places=2)


def _get(request, name):
    return request.data.get(name) if hasattr(request.data, "get") else None


class NoticesView(APIView):
    """Every candidate notice of a tender, the withdrawn ones too (public); POST publishes one (the entity)."""

    def get_permissions(self):
        return [permissions.AllowAny() if self.request.method == "GET" else permissions.IsAuthenticated()]

    @extend_schema(responses=NoticeSerializer(many=True))
    def get(self, request, tender_pk):
        return Response(NoticeSerializer(selectors.notices(published_tender(tender_pk)), many=True).data)

    @extend_schema(request=None, responses={201: NoticeSerializer})
    def post(self, request, tender_pk):
        notice = services.publish_candidate_notice(Caller.from_request(request), tender_pk)
        return Response(NoticeSerializer(notice).data, status=201)


class ObjectionsView(APIView):
    """The objections the caller may read; POST files one (a bidder, while the notice runs)."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=ObjectionSerializer(many=True))
    def get(self, request, tender_pk):
        tender = published_tender(tender_pk)
        return Response(ObjectionSerializer(selectors.objections_for(request.user, tender), many=True).data)

    @extend_schema(request={"multipart/form-data": ObjectionInputSerializer, "application/json": ObjectionInputSerializer},
                   responses={201: ObjectionSerializer})
    def post(self, request, tender_pk):
        files = request.FILES.getlist("attachments") if hasattr(request, "FILES") else []
        objection = services.file_objection(Caller.from_request(request), tender_pk, _get(request, "text"),
                                            _get(request, "lot"), files)
        return Response(ObjectionSerializer(objection).data, status=201)


class AnswerView(APIView):
    """The entity answers an objection once; upheld, its remedy applies at once."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=AnswerInputSerializer, responses=ObjectionSerializer)
    def post(self, request, pk):
        objection = services.answer_objection(Caller.from_request(request), pk, _get(request, "answer"),
                                              _get(request, "decision"), _get(request, "remedy") or "")
        return Response(ObjectionSerializer(objection).data)


class AwardsView(APIView):
    """The awards of a tender, revoked ones too (public); POST awards a candidate (the entity)."""

    def get_permissions(self):
        return [permissions.AllowAny() if self.request.method == "GET" else permissions.IsAuthenticated()]

    @extend_schema(responses=AwardSerializer(many=True))
    def get(self, request, tender_pk):
        return Response(AwardSerializer(selectors.awards(published_tender(tender_pk)), many=True).data)

    @extend_schema(request=AwardInputSerializer, responses={201: AwardSerializer})
    def post(self, request, tender_pk):
        made = services.award(Caller.from_request(request), tender_pk, _get(request, "bid"),
                              _get(request, "pass_over") or "", _get(request, "reason") or "")
        return Response(AwardSerializer(made).data, status=201)


class RevokeView(APIView):
    """The entity revokes an award: the winner declined, failed to sign or was disqualified."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=RevokeInputSerializer, responses=AwardSerializer)
    def post(self, request, pk):
        made = services.revoke_award(Caller.from_request(request), pk, _get(request, "because"),
                                     _get(request, "reason"))
        return Response(AwardSerializer(made).data)


class ResultsView(APIView):
    """The caller's organisation's result notices: each opened bid whose tender or lot is awarded."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ResultSerializer(many=True))
    def get(self, request):
        return Response(ResultSerializer(selectors.result_notices(request.user), many=True).data)


urlpatterns = [
    path("award/tenders/<int:tender_pk>/notices/", NoticesView.as_view(), name="award-notices"),
    path("award/tenders/<int:tender_pk>/objections/", ObjectionsView.as_view(), name="award-objections"),
    path("award/objections/<int:pk>/answer/", AnswerView.as_view(), name="award-answer"),
    path("award/tenders/<int:tender_pk>/awards/", AwardsView.as_view(), name="award-awards"),
    path("award/awards/<int:pk>/revoke/", RevokeView.as_view(), name="award-revoke"),
    path("award/results/", ResultsView.as_view(), name="award-results"),
]
