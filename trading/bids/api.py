"""REST API for contractors' own tools: submit / replace / withdraw / confirm bids, own bids, receipts.

For a tender divided into lots, each bid names its lot by number (field `lot`: 1, 2, ...).
Submissions are idempotent: send a client key (field `client_key` or header
`Idempotency-Key`); the same key returns the same bid and receipt.
A client seals its bid itself (the server then never sees it in plain): `sealed_content` is the base64 X25519
sealed box (libsodium crypto_box_seal, PyNaCl SealedBox) of the content's JSON, to the tender key from
`/api/tenders/<id>/sealing-key/`, and each of `attachments` a sealed box of a 2-byte name length, the name and the
file; README.md shows it in Python. The plain fields are still accepted, and sealed by the server. The device
fingerprint comes in the `X-Device-Fingerprint` header.
"""
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from trading.accounts.caller import Caller

from . import receipts, selectors, services
from .content import CONTENT_FIELDS, PAD_TO, as_row_id
from .models import Bid


class LotRefSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()


class BidSerializer(serializers.ModelSerializer):
    tender_reference = serializers.CharField(source="tender.reference", read_only=True)
    lot = LotRefSerializer(read_only=True, allow_null=True,
                           help_text="The lot this bid is for (null for a tender without lots).")
    attachments = serializers.SerializerMethodField()
    receipt_seq = serializers.SerializerMethodField()

    class Meta:
        model = Bid
        # Never the opened fields: a bid's content is only ever announced at the opening.
        fields = ["id", "tender", "tender_reference", "lot", "version", "status", "received_at", "needs_reconfirmation",
                  "confirmed_at", "content_digest", "attachments", "receipt_seq"]
        read_only_fields = fields

    def get_attachments(self, bid) -> list[str]:
        return [a.digest for a in bid.attachments.all()]

    def get_receipt_seq(self, bid) -> int | None:
        receipt = getattr(bid, "receipt", None)
        return receipt.seq if receipt else None


class ReceiptSerializer(serializers.Serializer):
    payload = serializers.DictField()
    signature = serializers.CharField()


class SubmitSerializer(serializers.Serializer):
    """Documents the submission; the service does the checking and answers per field."""

    tender = serializers.IntegerField()
    lot = serializers.IntegerField(
        required=False, allow_null=True, min_value=1,
        help_text="The lot's number within the tender (1, 2, ... as listed in the tender's `lots`), not its id. "
                  "Required for a tender divided into lots: a bid is for one lot, and a bidder has one active "
                  "bid per lot (submitting again for the same lot replaces it). Leave it out for a tender "
                  "without lots. A missing, unknown or unexpected lot is answered 400 with an error on `lot`.")
    sealed_content = serializers.CharField(
        required=False, help_text="Base64 of the content sealed by the client to the tender key (crypto_box_seal): "
        "JSON with price (a string with two decimals), duration_days, quality, project_manager, "
        "security_reference, padded with a 'pad' string of spaces to a multiple of 1024 bytes. The server checks "
        "only its form; the fields are checked when the opening decrypts it. With it, leave the plain fields out "
        "and send sealed attachments.")
    price = serializers.DecimalField(max_digits=16, decimal_places=2, required=False,
                                     help_text="Plain path (sealed by the server): see sealed_content.")
    duration_days = serializers.IntegerField(required=False)
    quality = serializers.CharField(required=False)
    project_manager = serializers.CharField(required=False)
    security_reference = serializers.CharField(required=False)
    client_key = serializers.CharField(required=False)
    attachments = serializers.ListField(child=serializers.FileField(), required=False,
                                        help_text="Files; with sealed_content, each one sealed by the client.")


SubmissionResponse = inline_serializer("SubmissionResponse", {
    "bid": BidSerializer(), "receipt": ReceiptSerializer(), "replayed": serializers.BooleanField()})


class BidViewSet(viewsets.GenericViewSet):
    serializer_class = BidSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Bid.objects.none()
        return selectors.own_bids(self.request.user).prefetch_related("attachments")

    def get_object(self):
        return selectors.own_bid(self.request.user, self.kwargs["pk"])

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(BidSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(BidSerializer(self.get_object()).data)

    @extend_schema(request=SubmitSerializer, responses={201: SubmissionResponse, 200: SubmissionResponse},
                   parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False),
                               OpenApiParameter("X-Device-Fingerprint", str, OpenApiParameter.HEADER,
                                                required=False)])
    def create(self, request):
        """Submit a sealed bid, or replace your active bid for the same tender (or the same lot of it)."""
        data = request.data
        if not hasattr(data, "get"):
            raise ValidationError({"non_field_errors": [_("Send a JSON object or a form.")]})
        tender = as_row_id(data.get("tender"))
        if tender is None:
            raise ValidationError({"tender": [_("Give the tender's id.")]})
        content = {name: data.get(name) for name in CONTENT_FIELDS}
        files = request.FILES.getlist("attachments") if request.FILES else []
        client_key = data.get("client_key") or request.headers.get("Idempotency-Key", "")
        sealed = data.get("sealed_content")
        submission = services.submit_bid(Caller.from_request(request), tender, content, files, client_key,
                                         lot=data.get("lot"), sealed_content=sealed)
        body = {"bid": BidSerializer(submission.bid).data, "receipt": submission.receipt.document(),
                "replayed": not submission.created}
        return Response(body, status=status.HTTP_201_CREATED if submission.created else status.HTTP_200_OK)

    @extend_schema(request=None, responses=BidSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return Response(BidSerializer(services.withdraw_bid(Caller.from_request(request), pk)).data)

    @extend_schema(request=None, responses=BidSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return Response(BidSerializer(services.confirm_bid(Caller.from_request(request), pk)).data)

    @extend_schema(responses=ReceiptSerializer)
    @action(detail=True, methods=["get"])
    def receipt(self, request, pk=None):
        return Response(selectors.own_receipt(request.user, pk).document())

    @extend_schema(responses=BidSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="to-confirm", pagination_class=None)  # a plain list
    def to_confirm(self, request):
        return Response(BidSerializer(selectors.bids_needing_confirmation(request.user), many=True).data)


class ReceiptVerifyView(APIView):
    """Check a receipt against this platform's key; open to anyone."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(request=ReceiptSerializer, responses=inline_serializer(
        "ReceiptVerdict", {"valid": serializers.BooleanField(), "reasons": serializers.ListField()}))
    def post(self, request):
        _document, reasons = receipts.check_against_platform(request.body)
        return Response({"valid": not reasons, "reasons": reasons})


class SealingKeyView(APIView):
    """The public key a published tender's bids are sealed to; open to anyone (sealing needs no secret)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=inline_serializer("SealingKey", {
        "tender": serializers.IntegerField(), "algorithm": serializers.CharField(),
        "public_key": serializers.CharField(), "pad_to": serializers.IntegerField()}))
    def get(self, request, tender_pk):
        key = selectors.sealing_key(tender_pk)
        if key is None:
            raise Http404(_("No such tender."))
        return Response({"tender": tender_pk, "algorithm": "X25519 sealed box (libsodium crypto_box_seal)",
                         "public_key": key, "pad_to": PAD_TO})


class PlatformKeyView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=inline_serializer("PlatformKey", {
        "algorithm": serializers.CharField(), "public_key": serializers.CharField(),
        "key_id": serializers.CharField()}))
    def get(self, request):
        return Response(receipts.platform_key_info())


class SubmissionSignalsView(APIView):
    """IP, user agent and device fingerprint per submission: discipline staff, after the opening."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=inline_serializer("SubmissionSignal", {
        "bidder": serializers.CharField(), "bidder_credit_code": serializers.CharField(),
        "version": serializers.IntegerField(), "status": serializers.CharField(),
        "received_at": serializers.DateTimeField(), "ip": serializers.CharField(),
        "user_agent": serializers.CharField(), "device_fingerprint": serializers.CharField()}, many=True))
    def get(self, request, tender_pk):
        _tender, rows = selectors.submission_signals(request.user, tender_pk)
        return Response([{
            "bidder": bid.bidder.name, "bidder_credit_code": bid.bidder.credit_code, "version": bid.version,
            "status": bid.status, "received_at": bid.received_at, "ip": bid.ip, "user_agent": bid.user_agent,
            "device_fingerprint": bid.device_fingerprint} for bid in rows])


router = SimpleRouter()
router.register("bids", BidViewSet, basename="bid")
urlpatterns = [
    path("receipts/verify/", ReceiptVerifyView.as_view(), name="receipt-verify"),
    path("platform-key/", PlatformKeyView.as_view(), name="platform-key"),
    path("tenders/<int:tender_pk>/sealing-key/", SealingKeyView.as_view(), name="sealing-key"),
    path("tenders/<int:tender_pk>/submission-signals/", SubmissionSignalsView.as_view(),
         name="submission-signals"),
] + router.urls
