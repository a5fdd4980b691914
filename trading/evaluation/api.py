"""REST API of the evaluation: the member's bids and sheet, the justification queries, progress and the report.

Thin: the serializers document the shapes, the services check the input and answer per field
(``bid_<id>_verdict``, ``bid_<id>_score_<criterion>``... as on the page), the selectors decide who sees what.
"""
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from trading.accounts.caller import Caller
from trading.bids.selectors import published_tender
from trading.tenders import clock

from . import selectors, services
from .models import Verdict
from .sheets import MEMBER_GROUNDS


class ReviewSerializer(serializers.Serializer):
    bid = serializers.IntegerField(help_text="A bid under review on this tender.")
    verdict = serializers.ChoiceField(choices=Verdict.choices, required=False, allow_blank=True)
    ground = serializers.ChoiceField(choices=[(g.value, g.label) for g in MEMBER_GROUNDS], required=False,
                                     allow_blank=True, help_text="The statutory ground of a rejection.")
    reason = serializers.CharField(required=False, allow_blank=True,
                                   help_text="Required for a rejection, and to pass a justified low price.")
    scores = serializers.DictField(child=serializers.CharField(), required=False,
                                   help_text="Comprehensive scoring: criterion -> score from 0 to its weight, "
                                             "two decimals at most (price is scored by the formula).")


class SheetInputSerializer(serializers.Serializer):
    reviews = ReviewSerializer(many=True)


class SheetSerializer(serializers.Serializer):
    tender = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    digest = serializers.CharField(help_text="SHA-256 of the signed sheet, as listed in the report.")
    reviews = ReviewSerializer(many=True)


class JustificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tender = serializers.IntegerField(source="tender_id")
    bid = serializers.IntegerField(source="bid_id")
    question = serializers.CharField()
    asked_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    state = serializers.SerializerMethodField()

    def get_state(self, justification) -> str:
        if justification.answered:
            return "answered"
        return "lapsed" if justification.lapsed(clock.now()) else "awaiting_answer"


class BidUnderReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="bid.pk")
    order = serializers.IntegerField(source="bid.announce_order", allow_null=True)
    bidder = serializers.CharField(source="bid.bidder.name")
    price = serializers.DecimalField(source="bid.price", max_digits=16, decimal_places=2)
    duration_days = serializers.IntegerField(source="bid.duration_days", allow_null=True)
    quality = serializers.CharField(source="bid.quality")
    project_manager = serializers.CharField(source="bid.project_manager")
    security_reference = serializers.CharField(source="bid.security_reference")
    attachments = serializers.SerializerMethodField()
    above_ceiling = serializers.BooleanField(help_text="Rejected by the platform; not on the sheets.")
    abnormally_low = serializers.BooleanField()
    justification = JustificationSerializer(allow_null=True)

    def get_attachments(self, facts) -> list[int]:
        return [a.pk for a in facts.bid.attachments.all()]


class ProgressSerializer(serializers.Serializer):
    seat = serializers.IntegerField()
    representative = serializers.BooleanField()
    signed_at = serializers.DateTimeField(allow_null=True)


class ReportSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    body = serializers.DictField(help_text="The signed report (canonical JSON signed by the platform key).")
    signature = serializers.CharField()
    platform_public_key = serializers.CharField()
    signed_at = serializers.DateTimeField()


class QuestionSerializer(serializers.Serializer):
    question = serializers.CharField()


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField()


def _sheet(user, tender):
    sheet = selectors.own_sheet(user, tender)
    if sheet is None:
        return {"tender": tender.pk, "submitted_at": None, "digest": "", "reviews": []}
    return _sheet_data(sheet)


def _sheet_data(sheet):
    return {"submitted_at": sheet.submitted_at, "digest": sheet.digest, **selectors.sheet_content(sheet)}


def _field(request, name):
    return request.data.get(name) if hasattr(request.data, "get") else None


class MemberView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def tender(self, request, tender_pk):
        tender = published_tender(tender_pk)
        selectors.require_member(request.user, tender)
        return tender


class BidsView(MemberView):
    """The opened bids of the member's tender, with the platform's checks (after the signed opening record)."""

    @extend_schema(responses=BidUnderReviewSerializer(many=True))
    def get(self, request, tender_pk):
        facts = selectors.facts(self.tender(request, tender_pk))
        return Response(BidUnderReviewSerializer(facts.bids, many=True).data)


class SheetView(MemberView):
    """The member's own sheet: read it, or save a draft (replacing the previous one) until it is signed."""

    @extend_schema(responses=SheetSerializer)
    def get(self, request, tender_pk):
        return Response(SheetSerializer(_sheet(request.user, self.tender(request, tender_pk))).data)

    @extend_schema(request=SheetInputSerializer, responses=SheetSerializer)
    def put(self, request, tender_pk):
        sheet = services.save_sheet(Caller.from_request(request), tender_pk, request.data)
        return Response(SheetSerializer(_sheet_data(sheet)).data)


class SignView(APIView):
    """Sign the sheet, once: with the reviews sent, or (empty body) the saved draft as it stands."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=SheetInputSerializer, responses=SheetSerializer)
    def post(self, request, tender_pk):
        sheet = services.submit_sheet(Caller.from_request(request), tender_pk, request.data or None)
        return Response(SheetSerializer(_sheet_data(sheet)).data)


class OtherSheetsView(MemberView):
    """The other members' signed sheets, for a member who has signed their own."""

    @extend_schema(responses=SheetSerializer(many=True))
    def get(self, request, tender_pk):
        tender = self.tender(request, tender_pk)
        return Response(SheetSerializer([_sheet_data(s) for s in selectors.others_sheets(request.user, tender)],
                                        many=True).data)


class ProgressView(APIView):
    """Who has signed, by seat number: the tender's entity, supervisors, discipline staff and the committee."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ProgressSerializer(many=True))
    def get(self, request, tender_pk):
        rows = selectors.progress(request.user, published_tender(tender_pk))
        return Response(ProgressSerializer(rows, many=True).data)


class ReportView(APIView):
    """The signed evaluation report: public once the tender is awarded; before that the entity, supervisors,
    discipline staff and the committee."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=ReportSerializer)
    def get(self, request, tender_pk):
        return Response(ReportSerializer(selectors.report_for(request.user, published_tender(tender_pk))).data)


class AskView(APIView):
    """A member asks the bidder of an abnormally low price to justify it before the policy's time limit."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=QuestionSerializer, responses={201: JustificationSerializer})
    def post(self, request, bid_pk):
        justification = services.ask_justification(Caller.from_request(request), bid_pk,
                                                    _field(request, "question"))
        return Response(JustificationSerializer(justification).data, status=201)


class OwnJustificationsView(APIView):
    """The justification queries put to the caller's organisation."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=JustificationSerializer(many=True))
    def get(self, request):
        return Response(JustificationSerializer(selectors.own_justifications(request.user), many=True).data)


class AnswerView(APIView):
    """The bidder answers its query once, before the time limit; a late answer is refused."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=AnswerSerializer, responses=JustificationSerializer)
    def post(self, request, pk):
        justification = services.answer_justification(Caller.from_request(request), pk, _field(request, "answer"))
        return Response(JustificationSerializer(justification).data)


urlpatterns = [
    path("evaluation/tenders/<int:tender_pk>/bids/", BidsView.as_view(), name="evaluation-bids"),
    path("evaluation/tenders/<int:tender_pk>/sheet/", SheetView.as_view(), name="evaluation-sheet"),
    path("evaluation/tenders/<int:tender_pk>/sheet/sign/", SignView.as_view(), name="evaluation-sign"),
    path("evaluation/tenders/<int:tender_pk>/sheets/", OtherSheetsView.as_view(), name="evaluation-sheets"),
    path("evaluation/tenders/<int:tender_pk>/progress/", ProgressView.as_view(), name="evaluation-progress"),
    path("evaluation/tenders/<int:tender_pk>/report/", ReportView.as_view(), name="evaluation-report"),
    path("evaluation/bids/<int:bid_pk>/justification/", AskView.as_view(), name="evaluation-ask"),
    path("evaluation/justifications/", OwnJustificationsView.as_view(), name="evaluation-justifications"),
    path("evaluation/justifications/<int:pk>/answer/", AnswerView.as_view(), name="evaluation-answer"),
]
