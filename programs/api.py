"""API endpoints of programmes and their delegations: the same roles as the pages.

Programmes: their team reads them, organisers change them, the programme office creates them.
Delegations: organisers (the delegations page is theirs).
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import SAFE_METHODS

from .api_support import (
    FormCheckedSerializer,
    FormOnlyCharField,
    FormOnlyChoiceField,
    ProgrammeChildMixin,
    get_programme_for_request,
    limit_to_token,
)
from .forms import PROGRAMME_FIELDSETS, DelegationForm, ProgrammeForm
from .models import Delegation, MemberCountry, Programme
from .permissions import MANAGERS, TEAM, can_create_programmes
from .queries import programmes_for_user
from .services import create_programme, update_programme

# The programme form's fields, but the logo (a file: the pages upload it).
PROGRAMME_FIELDS = [
    name for _legend, names in PROGRAMME_FIELDSETS for name in names if name != "logo"
]


class MemberCountryField(serializers.SlugRelatedField):
    """A member country by its ISO 3166 code ("LK")."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("queryset", MemberCountry.objects.all())
        super().__init__(slug_field="country", **kwargs)

    def to_representation(self, obj: MemberCountry) -> str:
        return obj.code

    def to_internal_value(self, data):
        return super().to_internal_value(str(data).upper())


def host_region_code(row) -> str:
    """The code of the host country's region a delegation or participant belongs to."""
    return row.province.code if row.province_id else row.subdivision


class ProgrammeSerializer(FormCheckedSerializer):
    class Meta:
        model = Programme
        fields = ["slug", *PROGRAMME_FIELDS, "archived_at", "created_at"]
        read_only_fields = ["slug", "archived_at", "created_at"]

    def make_form(self, data, instance) -> ProgrammeForm:
        return ProgrammeForm(data, instance=instance)

    def save_form(self, form: ProgrammeForm) -> Programme:
        programme = form.save(commit=False)
        if programme.pk is None:
            return create_programme(programme=programme, by=self.context["request"].user)
        return update_programme(programme=programme)


PROGRAMME_EXAMPLE = {
    "slug": "tpbis-2026",
    "content_language": "id",
    "title_en": "Third-country training on library development",
    "title_local": "Pelatihan negara ketiga tentang pengembangan perpustakaan",
    "short_name_en": "TPBIS 2026",
    "short_name_local": "",
    "theme_en": "",
    "theme_local": "",
    "start_date": "2026-10-05",
    "end_date": "2026-10-14",
    "time_zone": "Asia/Jakarta",
    "host_country": "ID",
    "host_institution": "National Library of Indonesia",
    "venue_city": "Jakarta",
    "expected_international": 20,
    "expected_domestic": 10,
    "expected_other": 0,
}


@extend_schema_view(
    list=extend_schema(
        summary=_("Programmes you work on"),
        description=_(
            "Every programme for admins, their own for organisers and staff; a token lists "
            "only the programmes it reaches."
        ),
        examples=[OpenApiExample("A programme", value=PROGRAMME_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(summary=_("One programme (its team)")),
    create=extend_schema(
        summary=_("Create a programme (programme office)"),
        description=_(
            "For members of the programme office group and admins; the creator becomes its "
            "organiser. A token needs write access; it does not reach the new programme until "
            "a new token lists it."
        ),
        examples=[OpenApiExample("A new programme", value=PROGRAMME_EXAMPLE, request_only=True)],
    ),
    update=extend_schema(summary=_("Replace a programme's details (organisers)")),
    partial_update=extend_schema(
        summary=_("Change some of a programme's details (organisers)"),
        examples=[OpenApiExample("New venue", value={"venue_city": "Bandung"}, request_only=True)],
    ),
)
class ProgrammeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ProgrammeSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Programme.objects.none()
        return limit_to_token(
            self.request, programmes_for_user(self.request.user), programme_field="pk"
        )

    def get_object(self) -> Programme:
        roles = TEAM if self.request.method in SAFE_METHODS else MANAGERS
        return get_programme_for_request(self.request, self.kwargs["slug"], roles)

    def create(self, request, *args, **kwargs):
        # Refused before the data is looked at, as the page is.
        if not can_create_programmes(request.user):
            raise PermissionDenied
        return super().create(request, *args, **kwargs)


class DelegationSerializer(FormCheckedSerializer):
    kind = FormOnlyChoiceField(
        read=lambda d: DelegationForm.DOMESTIC if d.is_domestic else DelegationForm.INTERNATIONAL,
        choices=[DelegationForm.INTERNATIONAL, DelegationForm.DOMESTIC],
        help_text=_("A member country's delegation, or seats of a region of the host country."),
    )
    country = MemberCountryField(
        allow_null=True, required=False, help_text=_("International: the member country.")
    )
    region = FormOnlyCharField(
        read=host_region_code,
        required=False,
        allow_blank=True,
        help_text=_("Domestic: the code of the host country's province or region."),
    )
    origin = serializers.CharField(read_only=True)

    class Meta:
        model = Delegation
        fields = [
            "id",
            "origin",
            "kind",
            "country",
            "region",
            "locality",
            "seats",
            "reserves",
            "nominating_agency",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]

    def new_instance(self) -> Delegation:
        return Delegation(programme=self.context["programme"])

    def make_form(self, data, instance) -> DelegationForm:
        return DelegationForm(data, instance=instance, programme=self.context["programme"])

    def save_form(self, form: DelegationForm) -> Delegation:
        return form.save()


DELEGATION_EXAMPLE = {
    "kind": "international",
    "country": "LK",
    "seats": 2,
    "reserves": 1,
    "nominating_agency": "National Library and Documentation Services Board",
    "contact_name": "Nimal Perera",
    "contact_email": "nimal@example.org",
    "contact_phone": "+94 11 268 7581",
}


@extend_schema_view(
    list=extend_schema(
        summary=_("A programme's delegations (organisers)"),
        examples=[
            OpenApiExample(
                "A delegation",
                value={"id": 7, "origin": "Sri Lanka", "region": "", "locality": ""}
                | DELEGATION_EXAMPLE,
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(summary=_("One delegation (organisers)")),
    create=extend_schema(
        summary=_("Add a delegation (organisers)"),
        examples=[
            OpenApiExample("A member country", value=DELEGATION_EXAMPLE, request_only=True),
            OpenApiExample(
                "Seats of a province",
                value={"kind": "domestic", "region": "JB", "locality": "Bandung", "seats": 1},
                request_only=True,
            ),
        ],
    ),
    update=extend_schema(summary=_("Replace a delegation (organisers)")),
    partial_update=extend_schema(
        summary=_("Change some of a delegation (organisers)"),
        examples=[OpenApiExample("More seats", value={"seats": 3}, request_only=True)],
    ),
)
@extend_schema(tags=["delegations"])
class DelegationViewSet(
    ProgrammeChildMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = DelegationSerializer
    lookup_value_regex = r"\d+"
    # The delegations page is the organisers'.
    read_roles = MANAGERS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Delegation.objects.none()
        return self.get_programme().delegations.select_related("country", "province")
