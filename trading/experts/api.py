"""REST API of the expert pool and the committees.

GET /api/committees/<tender>/ is public and shows what the page shows: the commitment, the seats, and
the members' names only to those who may see them. The entity draws (draw/, fill/) and records
declines and absences; experts answer for their own seats (seats/) and keep their profile
(expert-profile/).
"""
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from trading.accounts.caller import Caller
from trading.accounts.permissions import authorize
from trading.tenders.selectors import tender_for

from . import selectors, services
from .models import RelationKind, Seat, Speciality


class SeatSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="seat.id")
    number = serializers.IntegerField()
    round = serializers.IntegerField(source="seat.draw_round")
    is_representative = serializers.BooleanField(source="seat.is_representative")
    status = serializers.CharField(source="seat.status")
    drawn_at = serializers.DateTimeField(source="seat.drawn_at")
    declared_at = serializers.DateTimeField(source="seat.declared_at", allow_null=True)
    name = serializers.CharField(allow_null=True, help_text="Only for those who may see the members' names.")
    reason = serializers.CharField(allow_null=True)


class CommitteeSerializer(serializers.Serializer):
    tender = serializers.IntegerField(source="tender.pk")
    commitment = serializers.CharField(source="commitment.commitment", allow_null=True, default=None)
    commitment_published_at = serializers.DateTimeField(source="commitment.created_at", allow_null=True,
                                                        default=None)
    secret = serializers.CharField(allow_null=True)
    seed = serializers.SerializerMethodField()
    drawn = serializers.SerializerMethodField()
    size = serializers.IntegerField(source="committee.size", allow_null=True, default=None)
    specialities = serializers.ListField(child=serializers.CharField(), source="committee.specialities",
                                         default=list)
    formed_at = serializers.DateTimeField(source="committee.formed_at", allow_null=True, default=None)
    names_visible = serializers.BooleanField(source="names")
    vacancies = serializers.IntegerField()
    seats = SeatSerializer(many=True)
    problems = serializers.ListField(child=serializers.CharField(), allow_null=True,
                                     help_text="The verification of every draw, for those who may see the seed.")

    def get_seed(self, page) -> str | None:
        return page["committee"].seed if page["secret"] else None

    def get_drawn(self, page) -> bool:
        return page["committee"] is not None


class DrawSerializer(serializers.Serializer):
    specialities = serializers.ListField(child=serializers.ChoiceField(choices=Speciality.choices))
    representative = serializers.IntegerField(required=False, allow_null=True,
                                              help_text="A user of your entity who takes one seat.")


class DeclarationSerializer(serializers.Serializer):
    conflict = serializers.BooleanField()
    statement = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class SeatResultSerializer(serializers.Serializer):
    seat = serializers.IntegerField(source="seat.pk")
    status = serializers.CharField(source="seat.status")
    redrawn = serializers.IntegerField(help_text="How many seats the redraw filled.")
    problem = serializers.CharField(help_text="Why the seat stays vacant, if it does.")


class OwnSeatSerializer(serializers.ModelSerializer):
    tender = serializers.IntegerField(source="committee.tender_id")
    tender_reference = serializers.CharField(source="committee.tender.reference")

    class Meta:
        model = Seat
        fields = ["id", "tender", "tender_reference", "draw_round", "status", "drawn_at", "declared_at", "reason"]


class RelationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    credit_code = serializers.CharField(source="organisation.credit_code")
    kind = serializers.ChoiceField(choices=RelationKind.choices)
    since = serializers.DateField(required=False, allow_null=True)
    until = serializers.DateField(required=False, allow_null=True)
    declared_at = serializers.DateTimeField(read_only=True)


class ProfileSerializer(serializers.Serializer):
    full_name = serializers.CharField(read_only=True)
    region = serializers.CharField(read_only=True)
    employer_name = serializers.CharField(read_only=True)
    specialities = serializers.ListField(child=serializers.CharField(), read_only=True)
    status = serializers.CharField(read_only=True)
    on_leave_from = serializers.DateField(allow_null=True, required=False)
    on_leave_until = serializers.DateField(allow_null=True, required=False)
    relations = RelationSerializer(many=True, read_only=True, source="relations.all")


class EndRelationSerializer(serializers.Serializer):
    until = serializers.DateField()


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _committee_response(request, tender, code=status.HTTP_200_OK):
    return Response(CommitteeSerializer(selectors.committee_page(request.user, tender)).data, status=code)


class CommitteeView(APIView):
    """A tender's committee as you may see it: public, names only for those entitled."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=CommitteeSerializer)
    def get(self, request, tender_pk):
        return _committee_response(request, tender_for(request.user, tender_pk))


class DrawView(APIView):
    """The tender's entity draws its committee (after the opening record is signed)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=DrawSerializer, responses={201: CommitteeSerializer})
    def post(self, request, tender_pk):
        tender = tender_for(request.user, tender_pk)
        data = _valid(DrawSerializer, request)
        services.draw_committee(Caller.from_request(request), tender, data["specialities"],
                                data.get("representative"))
        return _committee_response(request, tender, status.HTTP_201_CREATED)


class FillView(APIView):
    """The tender's entity draws the seats left vacant by a redraw that found too few experts."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses=CommitteeSerializer)
    def post(self, request, tender_pk):
        tender = tender_for(request.user, tender_pk)
        services.fill_vacancies(Caller.from_request(request), tender)
        return _committee_response(request, tender)


class OwnSeatsView(APIView):
    """An expert's own committee seats."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=OwnSeatSerializer(many=True))
    def get(self, request):
        authorize(request.user, "expert.declare")
        return Response(OwnSeatSerializer(selectors.own_seats(request.user), many=True).data)


def _seat_result(result):
    return Response(SeatResultSerializer({"seat": result.seat, "redrawn": len(result.new_seats),
                                          "problem": result.problem}).data)


class DeclareView(APIView):
    """A drawn expert signs their declaration: no conflict, or a conflict (then the seat is drawn again)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=DeclarationSerializer, responses=SeatResultSerializer)
    def post(self, request, seat_pk):
        data = _valid(DeclarationSerializer, request)
        return _seat_result(services.declare(Caller.from_request(request), seat_pk, data["conflict"],
                                             data["statement"]))


class _GiveUpView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    act = None

    @extend_schema(request=ReasonSerializer, responses=SeatResultSerializer)
    def post(self, request, seat_pk):
        return _seat_result(self.act(Caller.from_request(request), seat_pk, _valid(ReasonSerializer, request)["reason"]))


class DeclineView(_GiveUpView):
    """A drawn expert declines (or the entity records the decline); the seat is drawn again."""

    act = staticmethod(services.decline_seat)


class AbsentView(_GiveUpView):
    """An expert cannot attend (said by them or recorded by the entity); the seat is drawn again."""

    act = staticmethod(services.record_absence)


class ProfileView(APIView):
    """The expert's own profile: the administrator's record, and the availability they keep."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ProfileSerializer)
    def get(self, request):
        return Response(ProfileSerializer(selectors.profile_for(request.user)).data)

    @extend_schema(request=ProfileSerializer, responses=ProfileSerializer)
    def patch(self, request):
        profile = selectors.profile_for(request.user)
        data = _valid(ProfileSerializer, request)
        services.update_availability(Caller.from_request(request), data.get("on_leave_from", profile.on_leave_from),
                                     data.get("on_leave_until", profile.on_leave_until))
        return Response(ProfileSerializer(selectors.own_profile(request.user)).data)


class RelationsView(APIView):
    """The expert declares an organisation they worked for or are related to."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=RelationSerializer, responses={201: RelationSerializer})
    def post(self, request):
        data = _valid(RelationSerializer, request)
        relation = services.declare_relation(Caller.from_request(request), data["organisation"]["credit_code"],
                                             data["kind"], data.get("since"), data.get("until"))
        return Response(RelationSerializer(relation).data, status=status.HTTP_201_CREATED)


class EndRelationView(APIView):
    """The expert says a declared relation ended."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=EndRelationSerializer, responses=RelationSerializer)
    def post(self, request, pk):
        data = _valid(EndRelationSerializer, request)
        return Response(RelationSerializer(services.end_relation(Caller.from_request(request), pk,
                                                                 data["until"])).data)


urlpatterns = [
    path("committees/<int:tender_pk>/", CommitteeView.as_view(), name="committee"),
    path("committees/<int:tender_pk>/draw/", DrawView.as_view(), name="committee-draw"),
    path("committees/<int:tender_pk>/fill/", FillView.as_view(), name="committee-fill"),
    path("seats/", OwnSeatsView.as_view(), name="own-seats"),
    path("seats/<int:seat_pk>/declare/", DeclareView.as_view(), name="seat-declare"),
    path("seats/<int:seat_pk>/decline/", DeclineView.as_view(), name="seat-decline"),
    path("seats/<int:seat_pk>/absent/", AbsentView.as_view(), name="seat-absent"),
    path("expert-profile/", ProfileView.as_view(), name="expert-profile"),
    path("expert-profile/relations/", RelationsView.as_view(), name="expert-relations"),
    path("expert-profile/relations/<int:pk>/end/", EndRelationView.as_view(), name="expert-relation-end"),
]
