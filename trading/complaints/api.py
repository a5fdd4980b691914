"""REST API of the complaints room: questions and their answers, objections to the documents, complaints from
filing to decision, the public decision notices and statistics. Thin: services check the input and answer per
field (400), selectors decide who sees what."""
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
from .models import ComplaintStatus, Decision, Remedy, Subject


class DocumentQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tender = serializers.IntegerField(source="tender_id")
    text = serializers.CharField()
    asked_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    clarification = serializers.IntegerField(source="clarification_id", allow_null=True,
                                             help_text="The clarification that answers it, public on the tender.")


class DocumentQuestionInputSerializer(serializers.Serializer):
    text = serializers.CharField()


class DocumentQuestionAnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField()
    changes_conditions = serializers.BooleanField(required=False, default=False)


class DocumentObjectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tender = serializers.IntegerField(source="tender_id")
    text = serializers.CharField()
    filed_at = serializers.DateTimeField()
    answer_due = serializers.DateTimeField()
    answer = serializers.CharField()
    upheld = serializers.BooleanField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    clarification = serializers.IntegerField(source="clarification_id", allow_null=True)


class DocumentObjectionAnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField()
    upheld = serializers.BooleanField()
    changes_conditions = serializers.BooleanField(required=False, default=False)


class ComplaintDecisionSerializer(serializers.Serializer):
    """What the public decision notice says."""
    id = serializers.IntegerField()
    tender = serializers.IntegerField(source="tender_id")
    tender_reference = serializers.CharField(source="tender.reference")
    complainant = serializers.CharField(source="complainant.name")
    against = serializers.CharField(source="against.name", allow_null=True, default=None)
    subject = serializers.ChoiceField(choices=Subject.choices)
    status = serializers.ChoiceField(choices=ComplaintStatus.choices)
    filed_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    refused_at = serializers.DateTimeField(allow_null=True)
    refusal_reason = serializers.CharField()
    suspended_at = serializers.DateTimeField(allow_null=True)
    released_at = serializers.DateTimeField(allow_null=True)
    decision = serializers.ChoiceField(choices=Decision.choices, allow_blank=True)
    remedy = serializers.ChoiceField(choices=Remedy.choices, allow_blank=True)
    ruling = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)


class ComplaintSerializer(ComplaintDecisionSerializer):
    """The whole complaint, for its parties and the supervisors."""
    text = serializers.CharField()
    known_at = serializers.DateTimeField()
    acceptance_due = serializers.DateTimeField()
    decision_due = serializers.DateTimeField(allow_null=True)
    suspension_reason = serializers.CharField()
    suspending = serializers.BooleanField(help_text="The procedure is suspended by this complaint now.")
    evidence = StoredFileSerializer(many=True)


class ComplaintInputSerializer(serializers.Serializer):
    subject = serializers.ChoiceField(choices=Subject.choices)
    text = serializers.CharField()
    known_at = serializers.DateTimeField(help_text="When the complainant knew of the matter (ISO 8601).")
    against = serializers.IntegerField(required=False, allow_null=True,
                                       help_text="The id of a firm that bid in the tender, if the complaint is "
                                                 "about it.")
    evidence = serializers.ListField(child=serializers.FileField(), required=False,
                                     help_text="Evidence, up to 5 files (multipart).")


class ComplaintAcceptInputSerializer(serializers.Serializer):
    suspend = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(required=False, allow_blank=True, help_text="Required to suspend.")


class ComplaintReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ComplaintDecideInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    ruling = serializers.CharField()
    remedy = serializers.ChoiceField(choices=Remedy.choices, required=False, allow_blank=True,
                                     help_text="Required when upheld.")


class ComplaintStatisticsSerializer(serializers.Serializer):
    filed = serializers.IntegerField()
    awaiting_acceptance = serializers.IntegerField()
    under_review = serializers.IntegerField()
    refused = serializers.IntegerField()
    decided = serializers.IntegerField()
    upheld = serializers.IntegerField()
    upheld_percent = serializers.FloatField(allow_null=True)
    median_days_to_decision = serializers.FloatField(allow_null=True)
    mean_days_to_decision = serializers.FloatField(allow_null=True)


def _get(request, name, default=None):
    return request.data.get(name, default) if hasattr(request.data, "get") else default


class QuestionsView(APIView):
    """The questions the caller may read (its own; all of them for the tender's entity, without the asker);
    POST asks one."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(responses=DocumentQuestionSerializer(many=True))
    def get(self, request, tender_pk):
        return Response(DocumentQuestionSerializer(selectors.questions_for(request.user, published_tender(tender_pk)),
                                           many=True).data)

    @extend_schema(request=DocumentQuestionInputSerializer, responses={201: DocumentQuestionSerializer})
    def post(self, request, tender_pk):
        question = services.ask_question(Caller.from_request(request), tender_pk, _get(request, "text"))
        return Response(DocumentQuestionSerializer(question).data, status=201)


class QuestionAnswerView(APIView):
    """The tender's entity answers a question with a clarification."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(request=DocumentQuestionAnswerInputSerializer, responses=DocumentQuestionSerializer)
    def post(self, request, pk):
        question = services.answer_question(Caller.from_request(request), pk, _get(request, "answer"),
                                            _get(request, "changes_conditions", False))
        return Response(DocumentQuestionSerializer(question).data)


class ObjectionsView(APIView):
    """Objections to the tender documents the caller may read; POST files one (before the cut-off)."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(responses=DocumentObjectionSerializer(many=True))
    def get(self, request, tender_pk):
        return Response(DocumentObjectionSerializer(selectors.objections_for(request.user, published_tender(tender_pk)),
                                            many=True).data)

    @extend_schema(request=DocumentQuestionInputSerializer, responses={201: DocumentObjectionSerializer})
    def post(self, request, tender_pk):
        objection = services.file_document_objection(Caller.from_request(request), tender_pk,
                                                     _get(request, "text"))
        return Response(DocumentObjectionSerializer(objection).data, status=201)


class ObjectionAnswerView(APIView):
    """The tender's entity answers an objection to its documents, once."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(request=DocumentObjectionAnswerInputSerializer, responses=DocumentObjectionSerializer)
    def post(self, request, pk):
        objection = services.answer_document_objection(Caller.from_request(request), pk, _get(request, "answer"),
                                                       _get(request, "upheld"),
                                                       _get(request, "changes_conditions", False))
        return Response(DocumentObjectionSerializer(objection).data)


class TenderComplaintsView(APIView):
    """The complaints about a tender the caller may read; POST files one (within the window from knowing)."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=ComplaintSerializer(many=True))
    def get(self, request, tender_pk):
        return Response(ComplaintSerializer(selectors.complaints_for(request.user, published_tender(tender_pk)),
                                            many=True).data)

    @extend_schema(request={"multipart/form-data": ComplaintInputSerializer,
                            "application/json": ComplaintInputSerializer},
                   responses={201: ComplaintSerializer})
    def post(self, request, tender_pk):
        files = request.FILES.getlist("evidence") if hasattr(request, "FILES") else []
        complaint = services.file_complaint(Caller.from_request(request), tender_pk, _get(request, "subject"),
                                            _get(request, "text"), _get(request, "known_at"),
                                            _get(request, "against"), files)
        return Response(ComplaintSerializer(complaint).data, status=201)


class ComplaintsView(APIView):
    """Every complaint the caller may follow: its own, its tenders', or all of them for supervisors."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ComplaintSerializer(many=True))
    def get(self, request):
        return Response(ComplaintSerializer(selectors.complaints_for(request.user)[:500], many=True).data)


class ComplaintView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ComplaintSerializer)
    def get(self, request, pk):
        return Response(ComplaintSerializer(selectors.complaint_for(request.user, pk)).data)


class AcceptView(APIView):
    """A supervisor accepts a filed complaint, and may suspend the procedure at once."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(request=ComplaintAcceptInputSerializer, responses=ComplaintSerializer)
    def post(self, request, pk):
        complaint = services.accept_complaint(Caller.from_request(request), pk, _get(request, "suspend", False),
                                              _get(request, "reason", ""))
        return Response(ComplaintSerializer(complaint).data)


class RefuseView(APIView):
    """A supervisor refuses a filed complaint, saying why."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(request=ComplaintReasonInputSerializer, responses=ComplaintSerializer)
    def post(self, request, pk):
        complaint = services.refuse_complaint(Caller.from_request(request), pk, _get(request, "reason"))
        return Response(ComplaintSerializer(complaint).data)


class SuspendView(APIView):
    """A supervisor suspends the procedure while an accepted complaint is reviewed."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(request=ComplaintReasonInputSerializer, responses=ComplaintSerializer)
    def post(self, request, pk):
        complaint = services.suspend_procedure(Caller.from_request(request), pk, _get(request, "reason"))
        return Response(ComplaintSerializer(complaint).data)


class ReleaseView(APIView):
    """A supervisor lifts the suspension."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses=ComplaintSerializer)
    def post(self, request, pk):
        return Response(ComplaintSerializer(services.release_procedure(Caller.from_request(request), pk)).data)


class DecideView(APIView):
    """A supervisor decides an accepted complaint: dismissed, or upheld with a remedy."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(request=ComplaintDecideInputSerializer, responses=ComplaintSerializer)
    def post(self, request, pk):
        complaint = services.decide_complaint(Caller.from_request(request), pk, _get(request, "decision"),
                                              _get(request, "ruling"), _get(request, "remedy", "") or "")
        return Response(ComplaintSerializer(complaint).data)


class DecisionsView(APIView):
    """Public decision notices: complaints decided or refused, newest first."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=ComplaintDecisionSerializer(many=True))
    def get(self, request):
        return Response(ComplaintDecisionSerializer(selectors.decisions()[:500], many=True).data)


class DecisionView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=ComplaintDecisionSerializer)
    def get(self, request, pk):
        return Response(ComplaintDecisionSerializer(selectors.decision_notice(pk)).data)


class StatisticsView(APIView):
    """Complaint statistics: how many, how fast decided, how many upheld."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=ComplaintStatisticsSerializer)
    def get(self, request):
        return Response(ComplaintStatisticsSerializer(selectors.statistics()).data)


urlpatterns = [
    path("complaints/tenders/<int:tender_pk>/questions/", QuestionsView.as_view(), name="complaints-questions"),
    path("complaints/questions/<int:pk>/answer/", QuestionAnswerView.as_view(), name="complaints-question-answer"),
    path("complaints/tenders/<int:tender_pk>/objections/", ObjectionsView.as_view(), name="complaints-objections"),
    path("complaints/objections/<int:pk>/answer/", ObjectionAnswerView.as_view(),
         name="complaints-objection-answer"),
    path("complaints/tenders/<int:tender_pk>/complaints/", TenderComplaintsView.as_view(),
         name="complaints-tender-complaints"),
    path("complaints/complaints/", ComplaintsView.as_view(), name="complaints-complaints"),
    path("complaints/complaints/<int:pk>/", ComplaintView.as_view(), name="complaints-complaint"),
    path("complaints/complaints/<int:pk>/accept/", AcceptView.as_view(), name="complaints-accept"),
    path("complaints/complaints/<int:pk>/refuse/", RefuseView.as_view(), name="complaints-refuse"),
    path("complaints/complaints/<int:pk>/suspend/", SuspendView.as_view(), name="complaints-suspend"),
    path("complaints/complaints/<int:pk>/release/", ReleaseView.as_view(), name="complaints-release"),
    path("complaints/complaints/<int:pk>/decide/", DecideView.as_view(), name="complaints-decide"),
    path("complaints/decisions/", DecisionsView.as_view(), name="complaints-decisions"),
    path("complaints/decisions/<int:pk>/", DecisionView.as_view(), name="complaints-decision"),
    path("complaints/statistics/", StatisticsView.as_view(), name="complaints-statistics"),
]
