"""REST API of the public statistics, the small-project register and the integrity index. Reads are public; filing
a small project and answering the index are the entity's. Bad filters or input get field messages (400)."""
from django.core.exceptions import ValidationError
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from trading.accounts.caller import Caller
from trading.tenders.models import ProjectType

from . import selectors, services
from .models import Method, SmallProjectType

FILTERS = [
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="Tenders published from this day (YYYY-MM-DD)."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Tenders published until this day (YYYY-MM-DD)."),
    OpenApiParameter("region", OpenApiTypes.STR, description="Administrative division code of the entity (six "
                                                             "digits: characters 3 to 8 of its credit code)."),
    OpenApiParameter("project_type", OpenApiTypes.STR, enum=ProjectType.values),
    OpenApiParameter("entity", OpenApiTypes.INT, description="Id of a procuring entity."),
    OpenApiParameter("history", OpenApiTypes.STR, enum=[c for c, _ in selectors.HISTORY_CHOICES],
                     description="Imported history tenders: included (default), left out, or alone."),
]
GROUP = OpenApiParameter("group", OpenApiTypes.STR, enum=[c for c, _ in selectors.GROUPS],
                         description="Rows by month (default), region, procurement type or entity.")
MONEY = dict(max_digits=18, decimal_places=2, coerce_to_string=True)


class FiguresSerializer(serializers.Serializer):
    tenders = serializers.IntegerField()
    history_tenders = serializers.IntegerField(help_text="Of the tenders, imported history.")
    value = serializers.DecimalField(**MONEY, help_text="The tenders' ceiling prices.")
    awarded = serializers.IntegerField()
    award_value = serializers.DecimalField(**MONEY)
    savings = serializers.DecimalField(**MONEY, help_text="Ceilings of what is awarded minus the award amounts.")
    savings_percent = serializers.FloatField(allow_null=True)
    opened_tenders = serializers.IntegerField()
    opened_bids = serializers.IntegerField()
    bids_per_tender = serializers.FloatField(allow_null=True)
    bidding_over = serializers.IntegerField()
    single_bid = serializers.IntegerField()
    single_bid_percent = serializers.FloatField(allow_null=True)
    with_result = serializers.IntegerField()
    failed = serializers.IntegerField()
    failed_percent = serializers.FloatField(allow_null=True)
    days_to_award_mean = serializers.FloatField(allow_null=True)
    days_to_award_median = serializers.FloatField(allow_null=True)
    days_to_contract_mean = serializers.FloatField(allow_null=True)
    days_to_contract_median = serializers.FloatField(allow_null=True)
    small_projects = serializers.IntegerField()
    small_value = serializers.DecimalField(**MONEY)
    entry_rate_count = serializers.FloatField(allow_null=True)
    entry_rate_value = serializers.FloatField(allow_null=True)
    open_rate_count = serializers.FloatField(allow_null=True)
    open_rate_value = serializers.FloatField(allow_null=True)


class GroupFiguresSerializer(FiguresSerializer):
    key = serializers.CharField()
    label = serializers.CharField()


class StatisticsSerializer(serializers.Serializer):
    group = serializers.CharField()
    total = FiguresSerializer()
    rows = GroupFiguresSerializer(many=True)


class SmallProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    entity = serializers.IntegerField(source="entity_id")
    entity_name = serializers.CharField(source="entity.name")
    name = serializers.CharField()
    project_type = serializers.ChoiceField(choices=SmallProjectType.choices)
    amount = serializers.DecimalField(**MONEY)
    method = serializers.ChoiceField(choices=Method.choices)
    decision_reference = serializers.CharField()
    decision_date = serializers.DateField()
    decision_body = serializers.CharField()
    supplier = serializers.CharField()
    filed_at = serializers.DateTimeField()


class SmallProjectInputSerializer(serializers.Serializer):
    name = serializers.CharField()
    project_type = serializers.ChoiceField(choices=SmallProjectType.choices)
    amount = serializers.CharField(help_text="Yuan, e.g. 1250000.00; under the policy's tendering threshold.")
    method = serializers.ChoiceField(choices=Method.choices)
    decision_reference = serializers.CharField()
    decision_date = serializers.CharField(help_text="YYYY-MM-DD, not in the future.")
    decision_body = serializers.CharField()
    supplier = serializers.CharField(required=False, allow_blank=True)


class SplittingFlagSerializer(serializers.Serializer):
    entity = serializers.IntegerField(source="entity.pk")
    entity_name = serializers.CharField(source="entity.name")
    project_type = serializers.CharField()
    projects = serializers.SerializerMethodField()
    total = serializers.DecimalField(**MONEY)
    threshold = serializers.DecimalField(**MONEY)
    first = serializers.DateField()
    last = serializers.DateField()

    def get_projects(self, flag) -> list[int]:
        return [p.pk for p in flag["projects"]]


class RegisterSerializer(serializers.Serializer):
    projects = SmallProjectSerializer(many=True)
    splitting = SplittingFlagSerializer(many=True)


class FeedbackSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    written_at = serializers.DateTimeField()


class IntegritySerializer(serializers.Serializer):
    entity = serializers.IntegerField()
    name = serializers.CharField()
    band = serializers.ChoiceField(choices=["red", "yellow", "blue", "none"])
    points = serializers.IntegerField()
    tenders = serializers.IntegerField()
    red_checkpoints = serializers.IntegerField()
    upheld_objections = serializers.IntegerField()
    upheld_complaints = serializers.IntegerField()
    collusion_flags = serializers.IntegerField()
    contract_changes = serializers.IntegerField()
    bidding_over = serializers.IntegerField()
    single_bid = serializers.IntegerField()
    single_bid_percent = serializers.FloatField(allow_null=True)
    feedback = FeedbackSerializer(allow_null=True)


class EntityIntegritySerializer(IntegritySerializer):
    notice = serializers.CharField()
    feedback_history = FeedbackSerializer(many=True)


class FeedbackInputSerializer(serializers.Serializer):
    text = serializers.CharField()


def _filters(request):
    f, errors = selectors.clean_filters(request.query_params)
    if errors:
        raise ValidationError(errors)
    return f


class StatisticsView(APIView):
    """Number and value of tenders, savings, competition, times to award and contract, entry and open-tender rates,
    in all and by month, region, procurement type or entity. Imported history tenders count unless left out."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[*FILTERS, GROUP], responses=StatisticsSerializer)
    def get(self, request):
        f = _filters(request)
        group = request.query_params.get("group") or "month"
        if group not in dict(selectors.GROUPS):
            raise ValidationError({"group": "Choose month, region, type or entity."})
        return Response(StatisticsSerializer(selectors.statistics(f, group)).data)


class SmallProjectsView(APIView):
    """The small-project register with its splitting flags; POST files a project (the entity's officials)."""

    parser_classes = [JSONParser]

    def get_permissions(self):
        return [permissions.AllowAny()] if self.request.method == "GET" else [permissions.IsAuthenticated()]

    @extend_schema(parameters=FILTERS, responses=RegisterSerializer)
    def get(self, request):
        f = _filters(request)
        return Response(RegisterSerializer({"projects": selectors.small_projects(f)[:500],
                                            "splitting": selectors.splitting_flags(f)}).data)

    @extend_schema(request=SmallProjectInputSerializer, responses={201: SmallProjectSerializer})
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        fields = ("name", "project_type", "amount", "method", "decision_reference", "decision_date",
                  "decision_body", "supplier")
        project = services.file_small_project(Caller.from_request(request), **{k: data.get(k) for k in fields})
        return Response(SmallProjectSerializer(project).data, status=201)


class IntegrityView(APIView):
    """The integrity index: per procuring entity, the findings, points and colour (blue, yellow, red)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=FILTERS, responses=IntegritySerializer(many=True))
    def get(self, request):
        return Response(IntegritySerializer(selectors.integrity(_filters(request)), many=True).data)


class EntityIntegrityView(APIView):
    """One entity's index with its warning notice and its written feedback."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=FILTERS, responses=EntityIntegritySerializer)
    def get(self, request, pk):
        return Response(EntityIntegritySerializer(selectors.entity_integrity(pk, _filters(request))).data)


class FeedbackView(APIView):
    """The entity's own officials answer its integrity index in writing."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(request=FeedbackInputSerializer, responses={201: FeedbackSerializer})
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        feedback = services.write_feedback(Caller.from_request(request), data.get("text"))
        return Response(FeedbackSerializer(feedback).data, status=201)


urlpatterns = [
    path("statistics/", StatisticsView.as_view(), name="api-statistics"),
    path("statistics/small-projects/", SmallProjectsView.as_view(), name="api-small-projects"),
    path("statistics/integrity/", IntegrityView.as_view(), name="api-integrity"),
    path("statistics/integrity/<int:pk>/", EntityIntegrityView.as_view(), name="api-entity-integrity"),
    path("statistics/integrity/feedback/", FeedbackView.as_view(), name="api-integrity-feedback"),
]
