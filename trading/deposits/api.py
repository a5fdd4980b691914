"""REST API of bid security: a tender's payments (the bidder declares; the register as the caller may see it),
finance staff's confirmation and refund, the entity's forfeiture, and the banks' signed notifications.

The notification endpoint authenticates the bank, not a user: the raw body must carry the bank's Ed25519
signature (hex, header `X-Bank-Signature`) by the public key the administrator registered for its code; its
`notification_id` is unique per bank and its `sent_at` within minutes of the platform's clock, so a replay is
refused. Thin: the services check and write.
"""
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from trading.accounts.caller import Caller
from trading.accounts.permissions import authorize
from trading.bids.selectors import published_tender

from . import selectors, services
from .models import ForfeitGround, SecurityStatus


class PaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tender = serializers.IntegerField(source="tender_id")
    bidder = serializers.IntegerField(source="bidder_id")
    bidder_name = serializers.CharField(source="bidder.name")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    paying_account = serializers.CharField()
    declared_account = serializers.CharField()
    paying_bank = serializers.CharField()
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=SecurityStatus.choices)
    declared_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    confirmed_via = serializers.CharField()
    refunded_at = serializers.DateTimeField(allow_null=True)
    refund_reference = serializers.CharField()
    forfeited_at = serializers.DateTimeField(allow_null=True)
    forfeit_ground = serializers.CharField()


class DeclareInputSerializer(serializers.Serializer):
    paying_account = serializers.CharField(max_length=64)
    reference = serializers.CharField(max_length=100)
    paying_bank = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ConfirmInputSerializer(serializers.Serializer):
    received_at = serializers.DateTimeField(help_text="When the money arrived, by the bank statement.")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
    paying_account = serializers.CharField(max_length=64, required=False, allow_blank=True,
                                           help_text="The account on the statement, if not the declared one.")


class RefundInputSerializer(serializers.Serializer):
    refund_reference = serializers.CharField(max_length=100)


class ForfeitInputSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(choices=ForfeitGround.choices)
    reason = serializers.CharField(max_length=10_000)


class NotificationSerializer(serializers.Serializer):
    bank = serializers.CharField(help_text="The bank's registered code.")
    notification_id = serializers.CharField(help_text="Unique per bank: a second notification with it is refused.")
    sent_at = serializers.DateTimeField(help_text="Within 5 minutes of the platform's clock.")
    tender = serializers.IntegerField()
    reference = serializers.CharField(help_text="The transfer reference the bidder declared.")
    payer_account = serializers.CharField()
    amount = serializers.CharField(help_text="A decimal string, e.g. \"20000.00\".")
    credited_at = serializers.DateTimeField()


class NotificationResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    notification_id = serializers.CharField()
    outcome = serializers.CharField(help_text="confirmed, unmatched, short, late or already.")
    payment = serializers.IntegerField(source="payment_id", allow_null=True)


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data if hasattr(request.data, "get") else {})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class TenderPaymentsView(APIView):
    """The tender's bid security as the caller may see it (its own; the whole register for finance staff, and
    after the bidding for the entity, supervisors and discipline staff); POST declares the caller's payment."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=PaymentSerializer(many=True))
    def get(self, request, tender_pk):
        return Response(PaymentSerializer(selectors.register(request.user, published_tender(tender_pk)),
                                          many=True).data)

    @extend_schema(request=DeclareInputSerializer, responses={201: PaymentSerializer})
    def post(self, request, tender_pk):
        authorize(request.user, "security.pay")
        tender = published_tender(tender_pk)
        payment = services.declare_payment(Caller.from_request(request), tender.pk, **_valid(DeclareInputSerializer, request))
        return Response(PaymentSerializer(payment).data, status=201)


def _action(action, serializer_class, service):
    class View(APIView):
        permission_classes = [permissions.IsAuthenticated]

        @extend_schema(request=serializer_class, responses=PaymentSerializer)
        def post(self, request, pk):
            authorize(request.user, action)
            payment = service(Caller.from_request(request), pk, **_valid(serializer_class, request))
            return Response(PaymentSerializer(payment).data)

    View.__name__ = View.__qualname__ = f"{action.split('.')[1].title()}View"
    View.__doc__ = {"security.confirm": "Finance staff confirm a declared payment against the bank statement.",
                    "security.refund": "Finance staff record the refund of received security.",
                    "security.forfeit": "The tender's entity forfeits security on a statutory ground it recorded."
                    }[action]
    return View


ConfirmView = _action("security.confirm", ConfirmInputSerializer, services.confirm_payment)
RefundView = _action("security.refund", RefundInputSerializer, services.refund)
ForfeitView = _action("security.forfeit", ForfeitInputSerializer, services.forfeit)


class BankNotificationView(APIView):
    """A bank's signed notification that bid security arrived (no user: the signature authenticates the bank)."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(request=NotificationSerializer, responses={201: NotificationResultSerializer},
                   parameters=[OpenApiParameter("X-Bank-Signature", str, OpenApiParameter.HEADER, required=True,
                                                description="Ed25519 signature of the raw body, hex.")])
    def post(self, request):
        raw = request._request.body
        caller = Caller(ip=request.META.get("REMOTE_ADDR", "")[:45], user_agent="bank notification")
        notification = services.receive_bank_notification(caller, raw, request.META.get("HTTP_X_BANK_SIGNATURE", ""))
        return Response(NotificationResultSerializer(notification).data, status=201)


urlpatterns = [
    path("deposits/tenders/<int:tender_pk>/payments/", TenderPaymentsView.as_view(), name="deposits-payments"),
    path("deposits/payments/<int:pk>/confirm/", ConfirmView.as_view(), name="deposits-confirm"),
    path("deposits/payments/<int:pk>/refund/", RefundView.as_view(), name="deposits-refund"),
    path("deposits/payments/<int:pk>/forfeit/", ForfeitView.as_view(), name="deposits-forfeit"),
    path("deposits/bank-notifications/", BankNotificationView.as_view(), name="deposits-bank-notification"),
]
