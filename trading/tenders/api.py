"""REST API for projects, tenders and documents. Thin: serializers check types, services do the rest."""
from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from trading.accounts.caller import Caller
from trading.accounts.models import User
from trading.accounts.permissions import authorize

from . import rules, selectors, services
from .filters import TenderFilter
from .models import (
    EvaluationMethod,
    Lot,
    ProcedureType,
    Project,
    Tender,
    TenderDocument,
)


def amount(**kwargs):
    return serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0,
                                    max_value=settings.SUNLIGHT["MAX_AMOUNT"], **kwargs)


def period_field():
    return serializers.IntegerField(
        min_value=1, max_value=rules.MAX_PERIOD, required=False, allow_null=True,
        help_text="A longer period than the platform policy's, in its unit (days; minutes for training); "
                  "null for the policy's minimum.")


class LotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lot
        fields = ["number", "title", "ceiling_price"]


class LotInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=rules.MAX_TITLE)
    ceiling_price = amount()


class ProjectSerializer(serializers.ModelSerializer):
    entity = serializers.CharField(source="entity.name", read_only=True)
    budget = amount()
    code = serializers.CharField(max_length=40, required=False, allow_blank=True)

    class Meta:
        model = Project
        fields = ["id", "code", "name", "project_type", "budget", "funding_source", "entity"]
        read_only_fields = ["id", "entity"]


class TenderSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)
    project_type = serializers.CharField(source="project.project_type", read_only=True)
    entity = serializers.CharField(source="project.entity.name", read_only=True)
    lots = LotSerializer(many=True, read_only=True)

    class Meta:
        model = Tender
        fields = ["id", "reference", "title", "description", "status", "project", "project_name", "project_type",
                  "entity", "procedure_type", "ceiling_price", "evaluation_method", "scoring_weights",
                  "bid_security_amount", "documents_from", "documents_until", "deadline", *rules.ENTITY_PERIODS,
                  "min_bids", "key_threshold", "policy", "published_at", "lots", "awarded_amount", "retender_of"]
        read_only_fields = fields


class TenderWriteSerializer(serializers.Serializer):
    project = serializers.IntegerField(min_value=1, max_value=2**62, write_only=True)
    title = serializers.CharField(max_length=rules.MAX_TITLE)
    reference = serializers.CharField(max_length=rules.MAX_REFERENCE, required=False, allow_blank=True)
    description = serializers.CharField(max_length=rules.MAX_TEXT, required=False, allow_blank=True)
    procedure_type = serializers.ChoiceField(choices=ProcedureType.choices, required=False)
    ceiling_price = amount()
    bid_security_amount = amount(required=False)
    evaluation_method = serializers.ChoiceField(choices=EvaluationMethod.choices, required=False)
    scoring_weights = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=2,
                                                                          min_value=0, max_value=100),
                                           required=False)
    documents_from = serializers.DateTimeField(required=False, allow_null=True)
    documents_until = serializers.DateTimeField(required=False, allow_null=True)
    deadline = serializers.DateTimeField(required=False, allow_null=True)
    bidding_period = period_field()
    document_offer = period_field()
    clarification_cutoff = period_field()
    min_bids = serializers.IntegerField(min_value=rules.COUNT_LIMITS["min_bids"][0],
                                        max_value=rules.COUNT_LIMITS["min_bids"][1], required=False)
    key_threshold = serializers.IntegerField(min_value=rules.COUNT_LIMITS["key_threshold"][0],
                                             max_value=rules.COUNT_LIMITS["key_threshold"][1], required=False)
    lots = LotInputSerializer(many=True, required=False, max_length=rules.MAX_LOTS)


class PublishSerializer(serializers.Serializer):
    key_holders = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**62),
                                        min_length=1, max_length=20, help_text="User ids of the opening officials.")
    threshold = serializers.IntegerField(min_value=rules.COUNT_LIMITS["key_threshold"][0],
                                         max_value=rules.COUNT_LIMITS["key_threshold"][1], required=False)


class ClarificationSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=rules.MAX_TEXT)
    changes_conditions = serializers.BooleanField(default=False)
    new_deadline = serializers.DateTimeField(required=False, allow_null=True)


class ClarificationReadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    changes_conditions = serializers.BooleanField()
    deadline_before = serializers.DateTimeField()
    deadline_after = serializers.DateTimeField()
    created_at = serializers.DateTimeField()


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=rules.MAX_REASON)


class DocumentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = TenderDocument
        fields = ["id", "tender", "title", "filename", "size", "sha256", "version", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, document) -> str:
        request = self.context.get("request")
        path = f"/api/documents/{document.pk}/download/"
        return request.build_absolute_uri(path) if request else path


class DocumentUploadSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    file = serializers.FileField()


def _caller(request):
    return Caller.from_request(request)


class ProjectViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The signed-in entity's own projects; POST registers a project."""

    serializer_class = ProjectSerializer

    def get_queryset(self):
        if not self.request.user.is_authenticated:
            return Project.objects.none()
        return selectors.own_projects(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = services.register_project(_caller(request), **serializer.validated_data)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


class TenderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Published tenders for everyone; the entity's own drafts for the entity. A bad filter value is a 400."""

    serializer_class = TenderSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = TenderFilter

    def get_queryset(self):
        return selectors.visible_tenders(self.request.user).prefetch_related("lots").order_by(*selectors.NEWEST_FIRST)

    def get_object(self):
        return selectors.tender_for(self.request.user, self.kwargs["pk"])

    def _respond(self, tender, code=status.HTTP_200_OK):
        tender = Tender.objects.select_related("project__entity").prefetch_related("lots").get(pk=tender.pk)
        return Response(TenderSerializer(tender, context={"request": self.request}).data, status=code)

    @extend_schema(request=TenderWriteSerializer, responses={201: TenderSerializer})
    def create(self, request):
        serializer = TenderWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        project = Project.objects.filter(pk=data.pop("project")).first()
        if project is None or not selectors.is_own(request.user, project):
            # The permission matrix speaks first; then another entity's project does not exist.
            authorize(request.user, "tender.create")
            raise serializers.ValidationError({"project": [_("No such project of yours.")]})
        tender = services.create_tender(_caller(request), project, **data)
        return self._respond(tender, status.HTTP_201_CREATED)

    @extend_schema(request=TenderWriteSerializer, responses=TenderSerializer)
    def partial_update(self, request, pk=None):
        tender = self.get_object()
        serializer = TenderWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "project" in data:
            raise serializers.ValidationError({"project": [_("A tender cannot move to another project.")]})
        services.update_tender(_caller(request), tender, **data)
        return self._respond(tender)

    @extend_schema(request=PublishSerializer, responses=TenderSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        tender = self.get_object()
        serializer = PublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = serializer.validated_data["key_holders"]
        holders = list(User.objects.filter(pk__in=ids))
        if len(holders) != len(set(ids)):
            raise serializers.ValidationError({"key_holders": [_("Some key holders do not exist.")]})
        services.publish_tender(_caller(request), tender, holders, serializer.validated_data.get("threshold"))
        return self._respond(tender)

    @extend_schema(request=ClarificationSerializer, responses={201: ClarificationReadSerializer})
    @action(detail=True, methods=["post"])
    def clarify(self, request, pk=None):
        tender = self.get_object()
        serializer = ClarificationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        clarification = services.add_clarification(_caller(request), tender, **serializer.validated_data)
        return Response(ClarificationReadSerializer(clarification).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CancelSerializer, responses=TenderSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        tender = self.get_object()
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.cancel_tender(_caller(request), tender, serializer.validated_data["reason"])
        return self._respond(tender)

    @extend_schema(request=None, responses={201: TenderSerializer})
    @action(detail=True, methods=["post"])
    def retender(self, request, pk=None):
        """Tender a failed procedure (or its failed lots) again: a new draft linked to this one."""
        return self._respond(services.retender(_caller(request), self.get_object()), status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], responses=DocumentSerializer(many=True))
    @extend_schema(methods=["post"], request={"multipart/form-data": DocumentUploadSerializer},
                   responses={201: DocumentSerializer})
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def documents(self, request, pk=None):
        tender = self.get_object()
        if request.method == "GET":
            documents = tender.documents.all()
            return Response(DocumentSerializer(documents, many=True, context={"request": request}).data)
        serializer = DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.upload_document(_caller(request), tender, serializer.validated_data["title"],
                                            serializer.validated_data["file"])
        return Response(DocumentSerializer(document, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class DocumentViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = DocumentSerializer

    def get_queryset(self):
        return TenderDocument.objects.filter(
            tender__in=selectors.visible_tenders(self.request.user)).select_related("tender__project")

    def get_object(self):
        try:
            return self.get_queryset().get(pk=int(self.kwargs["pk"]))
        except (TenderDocument.DoesNotExist, ValueError, OverflowError):
            raise Http404(_("No such document.")) from None

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        document = self.get_object()
        services.download_document(_caller(request), document)
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.filename)


router = DefaultRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("tenders", TenderViewSet, basename="tender")
router.register("documents", DocumentViewSet, basename="document")
urlpatterns = router.urls
