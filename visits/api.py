"""The agenda in the API: agenda items, the bookings on them, and their attendance.

Access is the pages': the programme's team sees every item and its bookings and takes
attendance (`visits:attendance`); a delegate sees the items of their own agenda
(`visits:my_agenda`) and nobody's bookings; everyone else gets 404. Attendance is recorded
through `record_attendance`, the service the attendance page uses.
"""

from datetime import datetime

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from participants.models import Participant
from programs.api_support import ApiCursorPagination, ProgrammeChildMixin, token_allows
from programs.models import Programme
from programs.permissions import TEAM

from .assignments import attendance_counts, record_attendance
from .models import Assignment, Session, Site
from .permissions import get_agenda_reader

# --- Serializers -----------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.DATETIME)
class LocalDateTimeField(serializers.DateTimeField):
    """A moment in the programme's time zone (the serializer's `programme` in its context), as
    the pages show it: ISO 8601 with the zone's offset."""

    def to_representation(self, value: datetime | None) -> str | None:
        if value is None:
            return None
        return self.context["programme"].to_local(value).isoformat()


class SiteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Site
        fields = ["id", "name", "kind", "address", "district", "city", "latitude", "longitude"]


class SpeakerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")

    class Meta:
        model = Participant
        fields = ["id", "name"]


class AgendaItemSerializer(serializers.ModelSerializer):
    starts_at = LocalDateTimeField()
    ends_at = LocalDateTimeField()
    departs_at = LocalDateTimeField(allow_null=True)
    returns_at = LocalDateTimeField(allow_null=True)
    cancelled_at = LocalDateTimeField(allow_null=True)
    updated_at = LocalDateTimeField()
    site = SiteSerializer(allow_null=True)
    speaker_participants = SpeakerSerializer(many=True)
    booked = serializers.SerializerMethodField(
        help_text=_("How many participants are booked; null for delegates.")
    )

    class Meta:
        model = Session
        fields = [
            "id",
            "kind",
            "title_en",
            "title_local",
            "description_en",
            "description_local",
            "starts_at",
            "ends_at",
            "site",
            "room",
            "speakers",
            "speaker_participants",
            "capacity",
            "booked",
            "departure_point",
            "departs_at",
            "returns_at",
            "cancelled_at",
            "revision",
            "updated_at",
        ]

    def get_booked(self, item: Session) -> int | None:
        return getattr(item, "booked", None)


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class BookedParticipantSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")
    country = serializers.CharField(source="country.code", default="", allow_null=True)

    class Meta:
        model = Participant
        fields = ["id", "name", "full_name", "full_name_latin", "category", "country"]


class BookingSerializer(serializers.ModelSerializer):
    participant = BookedParticipantSerializer()
    group = NamedSerializer(allow_null=True)
    vehicle = NamedSerializer(allow_null=True)
    attended = serializers.BooleanField(
        allow_null=True, help_text=_("True: present; false: absent; null: not recorded.")
    )
    attendance_recorded_at = LocalDateTimeField(allow_null=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "participant",
            "group",
            "vehicle",
            "attended",
            "attendance_recorded_at",
        ]


class AttendanceMarkSerializer(serializers.Serializer):
    """What recording attendance takes: a booking of the item and its mark."""

    booking = serializers.IntegerField(help_text=_("The booking's id."))
    attended = serializers.BooleanField(
        allow_null=True,
        help_text=_("True: present; false: absent; null: clear the mark."),
    )


class AttendanceChangeSerializer(serializers.Serializer):
    attended = serializers.BooleanField(
        allow_null=True,
        help_text=_("True: present; false: absent; null: clear the mark."),
    )


class AttendanceCountsSerializer(serializers.Serializer):
    booked = serializers.IntegerField(source="assigned")
    present = serializers.IntegerField()
    absent = serializers.IntegerField()
    not_recorded = serializers.IntegerField()


# --- Filters ---------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.TypedChoiceFilter):
    """ "true" or "false" and nothing else: django-filter's BooleanFilter lets any other value
    through, unfiltered."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            choices=[("true", "true"), ("false", "false")],
            coerce=lambda value: value == "true",
            **kwargs,
        )


class AgendaItemFilter(django_filters.FilterSet):
    day = django_filters.DateFilter(
        field_name="local_day", help_text=_("The day in the programme's time zone.")
    )
    kind = django_filters.ChoiceFilter(choices=Session.Kind.choices)
    site = django_filters.NumberFilter(field_name="site_id")
    cancelled = StrictBooleanFilter(
        field_name="cancelled_at",
        lookup_expr="isnull",
        exclude=True,
        help_text=_("True: the cancelled items only; false: the others."),
    )

    class Meta:
        model = Session
        fields = ["day", "kind", "site", "cancelled"]


class BookingFilter(django_filters.FilterSet):
    PRESENT, ABSENT, NOT_RECORDED = "present", "absent", "not_recorded"

    group = django_filters.NumberFilter(field_name="group_id")
    vehicle = django_filters.NumberFilter(field_name="vehicle_id")
    participant = django_filters.NumberFilter(field_name="participant_id")
    attendance = django_filters.ChoiceFilter(
        choices=[
            (PRESENT, _("Present")),
            (ABSENT, _("Absent")),
            (NOT_RECORDED, _("Not recorded")),
        ],
        method="filter_attendance",
    )

    class Meta:
        model = Assignment
        fields = ["group", "vehicle", "participant", "attendance"]

    def filter_attendance(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        mark = {self.PRESENT: True, self.ABSENT: False, self.NOT_RECORDED: None}[value]
        return (
            queryset.filter(attended__isnull=True)
            if mark is None
            else queryset.filter(attended=mark)
        )


# --- Views -----------------------------------------------------------------------------------

SLUG = OpenApiParameter(
    "programme_slug", str, OpenApiParameter.PATH, description=_("The programme's slug.")
)
ITEM = OpenApiParameter(
    "item_pk", int, OpenApiParameter.PATH, description=_("The agenda item's id.")
)
ITEM_EXAMPLE = {
    "id": 12,
    "kind": "site_visit",
    "title_en": "Visit to the Provincial Library of West Java",
    "title_local": "Kunjungan ke Perpustakaan Provinsi Jawa Barat",
    "description_en": "",
    "description_local": "",
    "starts_at": "2026-11-12T09:00:00+07:00",
    "ends_at": "2026-11-12T12:00:00+07:00",
    "site": {
        "id": 3,
        "name": "Dinas Perpustakaan dan Kearsipan Jawa Barat",
        "kind": "provincial",
        "address": "Jl. Kawaluyaan Indah II No. 4",
        "district": "Buahbatu",
        "city": "Bandung",
        "latitude": "-6.938900",
        "longitude": "107.660300",
    },
    "room": "",
    "speakers": "",
    "speaker_participants": [],
    "capacity": 40,
    "booked": 38,
    "departure_point": "Hotel lobby",
    "departs_at": "2026-11-12T08:15:00+07:00",
    "returns_at": "2026-11-12T13:00:00+07:00",
    "cancelled_at": None,
    "revision": 2,
    "updated_at": "2026-11-02T16:40:11+07:00",
}
BOOKING_EXAMPLE = {
    "id": 301,
    "participant": {
        "id": 57,
        "name": "Somchai Wongsakul",
        "full_name": "สมชาย วงศ์สกุล",
        "full_name_latin": "Somchai Wongsakul",
        "category": "international",
        "country": "TH",
    },
    "group": {"id": 4, "name": "Group A"},
    "vehicle": {"id": 2, "name": "Bus 1"},
    "attended": True,
    "attendance_recorded_at": "2026-11-12T09:05:42+07:00",
}
COUNTS_EXAMPLE = {"booked": 38, "present": 30, "absent": 2, "not_recorded": 6}
ATTENDANCE_REFUSED = OpenApiExample(
    "Refused",
    value={
        "status": 400,
        "code": "invalid",
        "message": "The data sent has errors; see “fields”.",
        "fields": {
            "attended": [
                "Ana Lima is “Withdrawn” from 11 November 2026: attendance at later items "
                "is not recorded. Nothing was recorded."
            ]
        },
    },
    response_only=True,
    status_codes=["400"],
)


class AgendaPagination(ApiCursorPagination):
    ordering = ("starts_at", "pk")  # the agenda's order


@extend_schema_view(
    list=extend_schema(
        summary=_("Agenda items of a programme"),
        description=_(
            "Every item for the programme's team; a delegate's own items (cancelled ones "
            "included) for a delegate. Times are in the programme's time zone."
        ),
        parameters=[SLUG],
        examples=[OpenApiExample("Site visit", value=ITEM_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary=_("One agenda item"),
        parameters=[SLUG],
        examples=[OpenApiExample("Site visit", value=ITEM_EXAMPLE, response_only=True)],
    ),
)
@extend_schema(tags=["agenda"])
class AgendaItemViewSet(ProgrammeChildMixin, viewsets.ReadOnlyModelViewSet):
    """A programme's agenda items, as its team and its delegates see them; their attendance
    for the team."""

    read_roles = write_roles = TEAM
    # Any text up to the next slash: a malformed id gets the API's 404, not the site's page.
    lookup_value_regex = "[^/]+"
    # Delegates read their own agenda's items (see `reader`).
    actions_without_programme_check = ("list", "retrieve")
    serializer_class = AgendaItemSerializer
    filterset_class = AgendaItemFilter
    pagination_class = AgendaPagination
    queryset = Session.objects.none()  # for the schema: get_queryset builds the real one

    def reader(self) -> tuple[Programme, Participant | None]:
        """The programme and, for a delegate, their own record; 404 as for outsiders when the
        request's token does not reach the programme."""
        if not hasattr(self, "_reader"):
            programme, participant = get_agenda_reader(self.request, self.kwargs["programme_slug"])
            if not token_allows(self.request, programme, write=False):
                raise Http404
            self._reader = programme, participant
        return self._reader

    def get_queryset(self) -> QuerySet[Session]:
        if getattr(self, "swagger_fake_view", False):
            return Session.objects.none()
        programme, participant = self.reader()
        speakers = Participant.objects.order_by(*Participant._meta.ordering, "pk")
        items = (
            programme.sessions.select_related("site")
            .prefetch_related(Prefetch("speaker_participants", queryset=speakers))
            .annotate(local_day=TruncDate("starts_at", tzinfo=programme.tzinfo))
        )
        if participant is not None:
            # What the delegate's agenda shows: their own bookings' items.
            return items.filter(assignments__participant=participant)
        return items.annotate(booked=Count("assignments"))

    def get_serializer_context(self) -> dict:
        if getattr(self, "swagger_fake_view", False):
            return super().get_serializer_context()
        # Not the mixin's: a delegate reaches the programme through their own record.
        return {
            "request": self.request,
            "format_kwarg": self.format_kwarg,
            "view": self,
            "programme": self.reader()[0],
        }

    @extend_schema(
        methods=["GET"],
        summary=_("Attendance counts of an agenda item"),
        description=_("Present, absent and not yet recorded among the item's bookings."),
        parameters=[SLUG],
        responses=AttendanceCountsSerializer,
        examples=[OpenApiExample("Counts", value=COUNTS_EXAMPLE, response_only=True)],
    )
    @extend_schema(
        methods=["POST"],
        summary=_("Record attendance at an agenda item"),
        description=_(
            "Marks a booking present, absent or not recorded, as the attendance page does. "
            "Needs a token that may write."
        ),
        parameters=[SLUG],
        request=AttendanceMarkSerializer,
        responses={200: BookingSerializer},
        examples=[
            OpenApiExample("Present", value={"booking": 301, "attended": True}, request_only=True),
            OpenApiExample("Recorded", value=BOOKING_EXAMPLE, response_only=True),
            ATTENDANCE_REFUSED,
        ],
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def attendance(self, request: Request, programme_slug: str, pk: str) -> Response:
        programme = self.get_programme()
        item = item_or_404(programme, pk)
        if request.method == "GET":
            return Response(AttendanceCountsSerializer(attendance_counts(item)).data)
        form = AttendanceMarkSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        booking = _bookings(item).filter(pk=form.validated_data["booking"]).first()
        if booking is None:
            raise exceptions.NotFound(_("No such booking on this item."))
        return _record(booking, form.validated_data["attended"], request, programme)


def item_or_404(programme: Programme, pk: str) -> Session:
    """The programme's item `pk` (as the URL gives it), or 404, in the API's error format."""
    item = programme.sessions.filter(pk=int(pk)).first() if pk.isascii() and pk.isdigit() else None
    if item is None:
        raise Http404
    return item


def _bookings(item: Session) -> QuerySet[Assignment]:
    return item.assignments.select_related(
        "participant", "participant__country", "group", "vehicle"
    )


def _record(booking: Assignment, attended: bool | None, request: Request, programme) -> Response:
    try:
        record_attendance(assignment=booking, attended=attended, by=request.user)
    except DjangoValidationError as error:
        raise exceptions.ValidationError({"attended": error.messages}) from None
    return Response(BookingSerializer(booking, context={"programme": programme}).data)


@extend_schema_view(
    list=extend_schema(
        summary=_("Bookings on an agenda item"),
        description=_("Who is booked, in which group and vehicle, and their attendance."),
        parameters=[SLUG, ITEM],
        examples=[OpenApiExample("Booking", value=BOOKING_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary=_("One booking"),
        parameters=[SLUG, ITEM],
        examples=[OpenApiExample("Booking", value=BOOKING_EXAMPLE, response_only=True)],
    ),
    partial_update=extend_schema(
        summary=_("Record the attendance of one booking"),
        description=_(
            "Present (true), absent (false) or not recorded (null), as the attendance page "
            "does. Needs a token that may write."
        ),
        parameters=[SLUG, ITEM],
        request=AttendanceChangeSerializer,
        examples=[
            OpenApiExample("Absent", value={"attended": False}, request_only=True),
            OpenApiExample("Recorded", value=BOOKING_EXAMPLE, response_only=True),
            ATTENDANCE_REFUSED,
        ],
    ),
)
@extend_schema(tags=["agenda"])
class BookingViewSet(
    ProgrammeChildMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The bookings on an agenda item, for the programme's team."""

    read_roles = write_roles = TEAM
    lookup_value_regex = "[^/]+"
    serializer_class = BookingSerializer
    filterset_class = BookingFilter
    pagination_class = ApiCursorPagination
    http_method_names = ["get", "patch", "head", "options"]
    queryset = Assignment.objects.none()  # for the schema: get_queryset builds the real one

    def get_queryset(self) -> QuerySet[Assignment]:
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return _bookings(item_or_404(self.get_programme(), self.kwargs["item_pk"]))

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        booking = self.get_object()
        change = AttendanceChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        return _record(booking, change.validated_data["attended"], request, self.get_programme())
