"""REST API of the contract room: contract notices and their amendments (public), and every use case of the
contract's life and of the post-award checks for the roles the matrix allows.

Thin: the services check the input and answer per field (400), the role (403) and the object (404); the selectors
decide who reads attendance and subcontracts. The contract notice carries its signed body, signature and platform
key, to be checked offline like the award notice.
"""
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from trading.accounts.caller import Caller
from trading.api_serializers import StoredFileSerializer
from trading.tenders import clock

from . import selectors, services
from .models import Approval, AttendanceSource, ContractStatus


class ContractAmendmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    reason = serializers.CharField()
    price_before = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    price_after = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    duration_before = serializers.IntegerField(allow_null=True)
    duration_after = serializers.IntegerField(allow_null=True)
    scope_after = serializers.CharField()
    manager_before = serializers.CharField()
    manager_after = serializers.CharField()
    recorded_at = serializers.DateTimeField()
    approval = serializers.ChoiceField(choices=Approval.choices, allow_blank=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()
    documents = StoredFileSerializer(many=True, help_text="Read by the parties and supervisors only: the "
                                                                 "list is empty for others.")


class ContractMilestoneSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    reached_at = serializers.DateTimeField()
    note = serializers.CharField()


class ContractSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    tender = serializers.IntegerField(source="tender_id")
    lot = serializers.IntegerField(source="lot.number", allow_null=True, default=None)
    award = serializers.IntegerField(source="award_id")
    contractor = serializers.CharField(source="contractor.name")
    status = serializers.ChoiceField(choices=ContractStatus.choices)
    price = serializers.DecimalField(max_digits=16, decimal_places=2)
    project_manager = serializers.CharField()
    price_reason = serializers.CharField()
    manager_reason = serializers.CharField()
    duration_days = serializers.IntegerField()
    scope = serializers.CharField()
    warranty_days = serializers.IntegerField()
    retention_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    subcontract_percent = serializers.IntegerField()
    concluded_at = serializers.DateTimeField()
    current_price = serializers.DecimalField(max_digits=16, decimal_places=2)
    current_manager = serializers.CharField()
    current_duration_days = serializers.IntegerField()
    completed_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    warranty_ends_at = serializers.DateTimeField(allow_null=True)
    final_amount = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    settled_at = serializers.DateTimeField(allow_null=True)
    retention_released_at = serializers.DateTimeField(allow_null=True)
    rating = serializers.IntegerField(allow_null=True)
    body = serializers.JSONField(help_text="The signed contract notice: format sunlight-contract-notice/1.")
    signature = serializers.CharField()
    platform_public_key = serializers.CharField()


class ContractDetailSerializer(ContractSerializer):
    amendments = serializers.SerializerMethodField()
    milestones = ContractMilestoneSerializer(many=True)

    @extend_schema_field(ContractAmendmentSerializer(many=True))
    def get_amendments(self, contract):
        request = self.context.get("request")
        rows = ContractAmendmentSerializer(selectors.amendments(contract), many=True).data
        if request is None or not selectors.may_oversee(request.user, contract):
            for row in rows:
                row["documents"] = []
        return rows


class ContractConcludeInputSerializer(serializers.Serializer):
    award = serializers.IntegerField(help_text="A live award of a tender of the caller's entity.")
    price = serializers.CharField(help_text="The award amount, or another with price_reason.")
    project_manager = serializers.CharField(help_text="The winning bid's, or another with manager_reason.")
    duration_days = serializers.IntegerField()
    scope = serializers.CharField()
    warranty_days = serializers.IntegerField(help_text="Defect liability period, at most 730 days.")
    retention_amount = serializers.CharField(help_text="At most 3% of the price.")
    subcontract_percent = serializers.IntegerField(required=False, help_text="0-100; default 0.")
    price_reason = serializers.CharField(required=False, allow_blank=True)
    manager_reason = serializers.CharField(required=False, allow_blank=True)


class ContractAmendInputSerializer(serializers.Serializer):
    reason = serializers.CharField()
    price = serializers.CharField(required=False, allow_blank=True)
    duration_days = serializers.IntegerField(required=False, allow_null=True)
    scope = serializers.CharField(required=False, allow_blank=True)
    project_manager = serializers.CharField(required=False, allow_blank=True)
    documents = serializers.ListField(child=serializers.FileField(), required=False,
                                      help_text="The signed documents, 1 to 5 files (multipart).")


class ContractDecisionInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, help_text="Required to refuse.")


class ContractAttendanceDaySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    day = serializers.DateField()
    at = serializers.DateTimeField()
    manager = serializers.CharField()
    present = serializers.BooleanField()
    source = serializers.ChoiceField(choices=AttendanceSource.choices)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    photo_sha256 = serializers.CharField()
    note = serializers.CharField()


class ContractAttendanceInputSerializer(serializers.Serializer):
    latitude = serializers.CharField(required=False, allow_blank=True, help_text="Check-in: required.")
    longitude = serializers.CharField(required=False, allow_blank=True, help_text="Check-in: required.")
    photo = serializers.FileField(required=False, help_text="Check-in: a JPEG or PNG taken on site (multipart).")
    present = serializers.BooleanField(required=False, help_text="The site supervisor's record: on site or not.")
    note = serializers.CharField(required=False, allow_blank=True)


class ContractSubcontractSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subcontractor = serializers.CharField(source="subcontractor.name")
    credit_code = serializers.CharField(source="subcontractor.credit_code")
    scope = serializers.CharField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    declared_at = serializers.DateTimeField()
    beyond_allowed = serializers.BooleanField()
    losing_bidder = serializers.BooleanField()


class ContractSubcontractInputSerializer(serializers.Serializer):
    subcontractor = serializers.CharField(help_text="The subcontractor's unified social credit code.")
    scope = serializers.CharField()
    amount = serializers.CharField()


def _get(request, name, default=None):
    return request.data.get(name, default) if hasattr(request.data, "get") else default


def _oversee(request, pk):
    contract = selectors.contract(pk)
    if not selectors.may_oversee(request.user, contract):
        raise PermissionDenied(_("Only the parties, supervisors and discipline staff read this."))
    return contract


class ContractsView(APIView):
    """Every contract notice (public); POST concludes the contract of an award (the tender's own entity)."""

    def get_permissions(self):
        return [permissions.AllowAny() if self.request.method == "GET" else permissions.IsAuthenticated()]

    @extend_schema(responses=ContractSerializer(many=True))
    def get(self, request):
        return Response(ContractSerializer(selectors.public_contracts()[:500], many=True).data)

    @extend_schema(request=ContractConcludeInputSerializer, responses={201: ContractDetailSerializer})
    def post(self, request):
        contract = services.conclude_contract(
            Caller.from_request(request), _get(request, "award"), _get(request, "price"),
            _get(request, "project_manager"), _get(request, "duration_days"), _get(request, "scope"),
            _get(request, "warranty_days"), _get(request, "retention_amount"), _get(request, "subcontract_percent", 0),
            _get(request, "price_reason", "") or "", _get(request, "manager_reason", "") or "")
        return Response(ContractDetailSerializer(contract, context={"request": request}).data, status=201)


class ContractView(APIView):
    """A contract notice with its amendments and milestones (public; documents listed to the parties)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=ContractDetailSerializer)
    def get(self, request, pk):
        return Response(ContractDetailSerializer(selectors.contract(pk), context={"request": request}).data)


class AmendmentsView(APIView):
    """The entity records an amendment with its reason and signed documents."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(request={"multipart/form-data": ContractAmendInputSerializer, "application/json": ContractAmendInputSerializer},
                   responses={201: ContractAmendmentSerializer})
    def post(self, request, pk):
        files = request.FILES.getlist("documents") if hasattr(request, "FILES") else []
        amendment = services.amend_contract(
            Caller.from_request(request), pk, _get(request, "reason"), _get(request, "price") or None,
            _get(request, "duration_days") or None, _get(request, "scope") or "",
            _get(request, "project_manager") or "", files)
        return Response(ContractAmendmentSerializer(amendment).data, status=201)


class DecisionView(APIView):
    """The supervisor approves or refuses the substitution of a project manager."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=ContractDecisionInputSerializer, responses=ContractAmendmentSerializer)
    def post(self, request, pk):
        amendment = services.decide_amendment(Caller.from_request(request), pk, _get(request, "approve"),
                                              _get(request, "note", "") or "")
        return Response(ContractAmendmentSerializer(amendment).data)


def _step_view(name, doc, fields, call, status=200, response=ContractSerializer):
    """One POST endpoint per step of the contract's life: it passes its fields to one service."""
    body = inline_serializer(f"Contract{name}Input", {
        field: serializers.CharField(required=required, allow_blank=not required) for field, required in fields})

    class StepView(APIView):
        permission_classes = [permissions.IsAuthenticated]

        @extend_schema(request=body, responses={status: response}, operation_id=f"contracts_{name.lower()}")
        def post(self, request, pk):
            values = [_get(request, field) for field, _required in fields]
            made = call(Caller.from_request(request), pk, *values)
            return Response(response(made).data, status=status)

    StepView.__doc__ = doc
    StepView.__name__ = f"{name}View"
    return StepView.as_view()


class ContractPaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    reference = serializers.CharField()
    milestone = serializers.IntegerField(source="milestone_id", allow_null=True)
    retention = serializers.BooleanField()
    paid_at = serializers.DateTimeField()


class AttendanceView(APIView):
    """GET: the attendance of the contract and its rate (the parties and supervisors). POST: the project manager
    checks in (the contractor: place and photo), or the site supervisor records the day."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses=inline_serializer("ContractAttendance", {
        "present": serializers.IntegerField(), "working_days": serializers.IntegerField(),
        "percent": serializers.FloatField(), "days": ContractAttendanceDaySerializer(many=True)}))
    def get(self, request, pk):
        contract = _oversee(request, pk)
        rate = selectors.attendance_rate(contract, clock.now())
        return Response({"present": rate.present, "working_days": rate.days, "percent": rate.percent,
                         "days": ContractAttendanceDaySerializer(contract.attendance.all()[:500], many=True).data})

    @extend_schema(request={"multipart/form-data": ContractAttendanceInputSerializer,
                            "application/json": ContractAttendanceInputSerializer},
                   responses={201: ContractAttendanceDaySerializer})
    def post(self, request, pk):
        photo = request.FILES.get("photo") if hasattr(request, "FILES") else None
        present = _get(request, "present", True)
        if isinstance(present, str):
            present = {"true": True, "false": False}.get(present.lower(), present)
        made = services.record_attendance(Caller.from_request(request), pk, _get(request, "latitude"),
                                          _get(request, "longitude"), photo, present, _get(request, "note", "") or "")
        return Response(ContractAttendanceDaySerializer(made).data, status=201)


class SubcontractsView(APIView):
    """GET: the subcontracts declared (the parties and supervisors). POST: the contractor declares one."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ContractSubcontractSerializer(many=True))
    def get(self, request, pk):
        contract = _oversee(request, pk)
        return Response(ContractSubcontractSerializer(contract.subcontracts.select_related("subcontractor"), many=True).data)

    @extend_schema(request=ContractSubcontractInputSerializer, responses={201: ContractSubcontractSerializer})
    def post(self, request, pk):
        made = services.declare_subcontract(Caller.from_request(request), pk, _get(request, "subcontractor"),
                                            _get(request, "scope"), _get(request, "amount"))
        return Response(ContractSubcontractSerializer(made).data, status=201)


urlpatterns = [
    path("contracts/", ContractsView.as_view(), name="contracts"),
    path("contracts/<int:pk>/", ContractView.as_view(), name="contracts-detail"),
    path("contracts/<int:pk>/amendments/", AmendmentsView.as_view(), name="contracts-amend"),
    path("contracts/amendments/<int:pk>/decision/", DecisionView.as_view(), name="contracts-decide"),
    path("contracts/<int:pk>/milestones/", _step_view(
        "Milestone", "The entity records a milestone reached.", [("title", True), ("note", False)],
        services.record_milestone, 201, ContractMilestoneSerializer), name="contracts-milestone"),
    path("contracts/<int:pk>/payments/", _step_view(
        "Payment", "The entity records a payment (never beyond the price in force less the retention money).",
        [("amount", True), ("reference", True), ("milestone", False)], services.record_payment, 201,
        ContractPaymentSerializer), name="contracts-payment"),
    path("contracts/<int:pk>/completion/", _step_view(
        "Completion", "The entity records the completion of the works.", [("note", False)], services.complete_works),
        name="contracts-complete"),
    path("contracts/<int:pk>/acceptance/", _step_view(
        "Acceptance", "The entity records the acceptance; the warranty runs; the tender completes with its last "
        "contract.", [("note", True)], services.accept_works), name="contracts-accept"),
    path("contracts/<int:pk>/final-accounts/", _step_view(
        "FinalAccounts", "The entity records the final accounts against the contract price.",
        [("final_amount", True), ("note", False)], services.settle_accounts), name="contracts-settle"),
    path("contracts/<int:pk>/retention-release/", _step_view(
        "RetentionRelease", "The entity releases the retention money after the warranty.", [("reference", True)],
        services.release_retention), name="contracts-release"),
    path("contracts/<int:pk>/rating/", _step_view(
        "Rating", "The entity rates the contractor (1-5) once the works are accepted; the rating joins its credit "
        "record.", [("rating", True), ("note", True)], services.rate_contractor), name="contracts-rate"),
    path("contracts/<int:pk>/attendance/", AttendanceView.as_view(), name="contracts-attendance"),
    path("contracts/<int:pk>/subcontracts/", SubcontractsView.as_view(), name="contracts-subcontracts"),
]
