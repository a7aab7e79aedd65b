"""API endpoints of participants: the list page's filters, and the pages' roles.

The team (organisers and staff) lists and reads a programme's participants, organisers add and
change them, and a delegate reads their own record. Passport details go to those who see them
on the pages (organisers, and the participant themselves), and with a token only when the token
has the passport scope; every answer that contains them is recorded in the access log.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from programs.api import MemberCountryField, host_region_code
from programs.api_support import (
    FormCheckedSerializer,
    FormOnlyCharField,
    ProgrammeChildMixin,
    may_see_passports,
    token_allows,
)
from programs.models import MemberCountry
from programs.permissions import MANAGERS, programme_role

from .access import get_participant_for_team_or_self
from .access_log import record_personal_data_access
from .filters import CountryFilter, ParticipantFilter
from .forms import ParticipantForm
from .models import Participant, PersonalDataAccess
from .profile_forms import PASSPORT_FIELDS
from .services import save_participant

# What the passport scope opens: the details an organiser's check locks, and the lock.
PASSPORT_DETAILS = (*PASSPORT_FIELDS, "passport_locked")


class ApiParticipantFilter(ParticipantFilter):
    """The list page's filters, a country by its ISO code; the order is the API's (by id,
    which its pages of results need)."""

    country = CountryFilter(
        label=gettext_lazy("Country"),
        queryset=MemberCountry.objects.all(),
        to_field_name="country",
    )


ApiParticipantFilter.base_filters.pop("sort")


class ProgrammeFilterBackend(DjangoFilterBackend):
    """django-filter, with the programme the filter set takes (its regions)."""

    def get_filterset_kwargs(self, request, queryset, view) -> dict:
        return {
            **super().get_filterset_kwargs(request, queryset, view),
            "programme": view.get_programme(),
        }


class ParticipantSerializer(FormCheckedSerializer):
    country = MemberCountryField(
        allow_null=True, required=False, help_text=gettext_lazy("Member country (ISO code).")
    )
    host_region = FormOnlyCharField(
        read=host_region_code,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Domestic: the code of the host country's province or region."),
    )

    class Meta:
        model = Participant
        fields = [
            "id",
            "category",
            "status",
            "full_name",
            "full_name_latin",
            "certificate_name",
            "gender",
            "country",
            "host_region",
            "region",
            "position",
            "institution",
            "email",
            "phone",
            "nationality",
            *PASSPORT_DETAILS,
            "arrival_at",
            "arrival_details",
            "departure_at",
            "departure_details",
            "accommodation",
            "dietary_needs",
            "accessibility_needs",
            "emergency_contact_name",
            "emergency_contact_phone",
            "emergency_contact_relation",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "status": {
                "help_text": gettext_lazy(
                    "Set when the participant is added; later changes go through the status "
                    "workflow on the participant's page."
                )
            },
            **{
                name: {"help_text": gettext_lazy("Only with the passport scope (organisers).")}
                for name in PASSPORT_DETAILS
            },
        }

    def get_fields(self) -> dict:
        fields = super().get_fields()
        if "request" in self.context and not self.context.get("show_passports"):
            for name in PASSPORT_DETAILS:
                del fields[name]
        if self.instance is not None and not isinstance(self.instance, list):
            fields["status"].read_only = True
        return fields

    def new_instance(self) -> Participant:
        return Participant(programme=self.context["programme"])

    def make_form(self, data, instance) -> ParticipantForm:
        return ParticipantForm(data, instance=instance, programme=self.context["programme"])

    def validate(self, attrs: dict) -> dict:
        if self.instance is not None and self.instance.is_erased:
            raise serializers.ValidationError(
                _("This participant's personal data was erased: the record is not edited.")
            )
        # Times without a zone are the programme's, as on the form.
        with timezone.override(self.context["programme"].tzinfo):
            return super().validate(attrs)

    def save_form(self, form: ParticipantForm) -> Participant:
        try:
            with transaction.atomic():
                return save_participant(
                    participant=form.save(commit=False), photo=None, by=self.context["request"].user
                )
        except IntegrityError:
            # Someone saved the same address or passport between validation and save.
            raise serializers.ValidationError(
                _(
                    "Another participant with this e-mail address or passport number "
                    "was just saved. Please check and try again."
                )
            ) from None


PARTICIPANT_EXAMPLE = {
    "category": "international",
    "status": "invited",
    "full_name": "Nimal Perera",
    "full_name_latin": "",
    "gender": "male",
    "country": "LK",
    "position": "Senior librarian",
    "institution": "National Library of Sri Lanka",
    "email": "nimal.perera@example.org",
    "nationality": "LK",
}


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("A programme's participants (its team)"),
        description=gettext_lazy(
            "The participant list page's filters: search (q), status, category, country (ISO "
            "code), region, gender, needs and visa. Passport details only for organisers, and "
            "with a token only when it has the passport scope."
        ),
        examples=[
            OpenApiExample(
                "A participant", value={"id": 12, **PARTICIPANT_EXAMPLE}, response_only=True
            )
        ],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("One participant (the team, or the participant themselves)")
    ),
    create=extend_schema(
        summary=gettext_lazy("Add a participant (organisers)"),
        examples=[
            OpenApiExample(
                "An international delegate", value=PARTICIPANT_EXAMPLE, request_only=True
            )
        ],
    ),
    update=extend_schema(summary=gettext_lazy("Replace a participant's details (organisers)")),
    partial_update=extend_schema(
        summary=gettext_lazy("Change some of a participant's details (organisers)"),
        examples=[
            OpenApiExample(
                "Arrival",
                value={"arrival_at": "2026-10-04T14:30", "arrival_details": "GA 185"},
                request_only=True,
            )
        ],
    ),
)
@extend_schema(tags=["participants"])
class ParticipantViewSet(
    ProgrammeChildMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ParticipantSerializer
    lookup_value_regex = r"\d+"
    filter_backends = [ProgrammeFilterBackend]
    filterset_class = ApiParticipantFilter
    actions_without_programme_check = ("retrieve",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Participant.objects.none()
        # Rows of the related manager carry the programme already: no query for it.
        return self.get_programme().participants.select_related("country", "province")

    def show_passports(self, role: str | None, *, is_self: bool = False) -> bool:
        return (is_self or role in MANAGERS) and may_see_passports(self.request)

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["show_passports"] = self.show_passports(self.get_programme().user_role)
        return context

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page and self.show_passports(self.get_programme().user_role):
            self.record_passport_access(page, PersonalDataAccess.Kind.PARTICIPANT_EXPORT)
        return page

    def perform_create(self, serializer: ParticipantSerializer) -> None:
        serializer.save()
        if serializer.context["show_passports"]:
            self.record_passport_access(
                [serializer.instance], PersonalDataAccess.Kind.PARTICIPANT_FORM
            )

    def perform_update(self, serializer: ParticipantSerializer) -> None:
        self.perform_create(serializer)

    def record_passport_access(self, participants, kind: str) -> None:
        record_personal_data_access(
            programme=participants[0].programme,
            by=self.request.user,
            kind=kind,
            participants=participants,
            detail="API",
        )

    def retrieve(self, request, *args, **kwargs):
        # The participant's own record is theirs to read, as their own pages are.
        participant = get_participant_for_team_or_self(
            request, self.kwargs["programme_slug"], int(self.kwargs["pk"])
        )
        if not token_allows(request, participant.programme, write=False):
            raise NotFound
        is_self = participant.user_id == request.user.pk
        role = None if is_self else programme_role(request.user, participant.programme)
        show = self.show_passports(role, is_self=is_self)
        if show:
            self.record_passport_access([participant], PersonalDataAccess.Kind.PARTICIPANT_DETAIL)
        context = {"request": request, "programme": participant.programme, "show_passports": show}
        return Response(ParticipantSerializer(participant, context=context).data)
