"""Certificates, their public verification, and generated files (jobs) in the API.

Access is the pages': certificates are the organisers' (`reports:certificates`); anyone may
verify a code and learns what the public verification page shows (`reports:verify`), no
more; a job is followed and downloaded by the roles its kind admits (`VIEW_ROLES`) and
started by those who may start it from the pages (`START_ROLES`), through `start_job`.
"""

from uuid import UUID

import django_filters
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from participants.models import Participant
from programs.api_schema import ApiAutoSchema
from programs.api_support import (
    ApiCursorPagination,
    ProgrammeChildMixin,
    may_see_passports,
    token_allows,
)
from programs.files import serve_stored_file
from programs.models import Programme
from programs.permissions import MANAGERS, TEAM
from visits.api import SLUG, LocalDateTimeField, StrictBooleanFilter
from visits.models import Vehicle

from .badges import badge_holders
from .certificates import normalise_code, verify_certificate
from .jobs import start_job
from .models import Certificate, GenerationJob
from .views import START_ROLES, job_for_user, kinds_visible_to, serve_job_file

Kind = GenerationJob.Kind

# --- Certificates ----------------------------------------------------------------------------


class CertificateHolderSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")

    class Meta:
        model = Participant
        fields = ["id", "name", "certificate_name"]


class CertificateSerializer(serializers.ModelSerializer):
    participant = CertificateHolderSerializer()
    valid = serializers.BooleanField(source="is_valid")
    issued_at = LocalDateTimeField()
    rendered_at = LocalDateTimeField(allow_null=True)
    revoked_at = LocalDateTimeField(allow_null=True)
    verification_url = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField(
        help_text=_("Where the PDF is downloaded; null while it is not rendered.")
    )

    class Meta:
        model = Certificate
        fields = [
            "code",
            "participant",
            "valid",
            "issued_at",
            "rendered_at",
            "revoked_at",
            "revocation_reason",
            "verification_url",
            "file_url",
        ]

    def get_verification_url(self, certificate: Certificate) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("reports:verify", args=[certificate.code])
        )

    def get_file_url(self, certificate: Certificate) -> str | None:
        if not certificate.file:
            return None
        url = reverse(
            "api:certificate-file", args=[self.context["programme"].slug, certificate.code]
        )
        return self.context["request"].build_absolute_uri(url)


class CertificateFilter(django_filters.FilterSet):
    valid = StrictBooleanFilter(
        field_name="revoked_at",
        lookup_expr="isnull",
        help_text=_("True: the valid certificates only; false: the revoked ones."),
    )
    participant = django_filters.NumberFilter(field_name="participant_id")

    class Meta:
        model = Certificate
        fields = ["valid", "participant"]


CERTIFICATE_EXAMPLE = {
    "code": "TPB-7KQ2-M9XD-4RBT",
    "participant": {"id": 57, "name": "Somchai Wongsakul", "certificate_name": ""},
    "valid": True,
    "issued_at": "2026-11-14T15:02:10+07:00",
    "rendered_at": "2026-11-14T15:03:55+07:00",
    "revoked_at": None,
    "revocation_reason": "",
    "verification_url": "https://tpbis.example.org/verify/TPB-7KQ2-M9XD-4RBT/",
    "file_url": "https://tpbis.example.org/api/v1/programmes/tpbis-2026/certificates/"
    "TPB-7KQ2-M9XD-4RBT/file/",
}
PDF_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description=_("The PDF file."))


class _FileDownload:
    """Files are sent whatever the client accepts: the JSON renderer answers only errors."""

    def perform_content_negotiation(self, request: Request, force: bool = False):
        return super().perform_content_negotiation(request, force=True)


@extend_schema_view(
    list=extend_schema(
        summary=_("Certificates of a programme"),
        description=_("Organisers and admins, as on the certificates page."),
        parameters=[SLUG],
        examples=[OpenApiExample("Certificate", value=CERTIFICATE_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary=_("One certificate, by its code"),
        parameters=[SLUG],
        examples=[OpenApiExample("Certificate", value=CERTIFICATE_EXAMPLE, response_only=True)],
    ),
)
@extend_schema(tags=["certificates"])
class CertificateViewSet(_FileDownload, ProgrammeChildMixin, viewsets.ReadOnlyModelViewSet):
    """A programme's certificates, for its organisers."""

    read_roles = write_roles = MANAGERS
    lookup_value_regex = "[^/]+"
    serializer_class = CertificateSerializer
    filterset_class = CertificateFilter
    pagination_class = ApiCursorPagination
    lookup_field = "code"
    queryset = Certificate.objects.none()  # for the schema: get_queryset builds the real one

    def get_queryset(self) -> QuerySet[Certificate]:
        if getattr(self, "swagger_fake_view", False):
            return Certificate.objects.none()
        programme = self.get_programme()
        return Certificate.objects.filter(participant__programme=programme).select_related(
            "participant"
        )

    @extend_schema(
        summary=_("The PDF of one certificate"),
        parameters=[SLUG],
        responses={(200, "application/pdf"): PDF_RESPONSE},
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def file(self, request: Request, programme_slug: str, code: str) -> FileResponse:
        certificate = self.get_object()
        return serve_stored_file(
            certificate.file,
            content_type="application/pdf",
            as_attachment=True,
            filename=f"certificate-{certificate.code}.pdf",
        )


# --- Public verification ---------------------------------------------------------------------


class VerificationProgrammeSerializer(serializers.Serializer):
    title_en = serializers.CharField()
    title_local = serializers.CharField()
    content_language = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()


class VerificationSerializer(serializers.Serializer):
    """What the public verification page shows, field for field."""

    code = serializers.CharField(source="certificate.code")
    valid = serializers.BooleanField(source="certificate.is_valid")
    name = serializers.CharField(
        help_text=_("The name on the certificate; empty after an erasure on request.")
    )
    name_latin = serializers.CharField(source="latin")
    erased = serializers.BooleanField(
        help_text=_("The holder's data was erased on their request: the name is not shown.")
    )
    programme = VerificationProgrammeSerializer()
    revocation_reason = serializers.SerializerMethodField()

    def get_revocation_reason(self, verification) -> str:
        certificate = verification.certificate
        return "" if certificate.is_valid else certificate.revocation_reason


class VerificationRateThrottle(SimpleRateThrottle):
    """Codes are unguessable, but nobody may try them by the thousand: every caller, signed in
    or not, is counted per client address at the anonymous rate."""

    scope = "api_anonymous"
    cache_format = "throttle_verification_%(ident)s"

    def get_rate(self) -> str | None:
        # Read at each request, as the API's own throttles do (tests change the setting).
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request: Request, view) -> str:
        return self.cache_format % {"ident": self.get_ident(request)}


VERIFICATION_EXAMPLE = {
    "code": "TPB-7KQ2-M9XD-4RBT",
    "valid": True,
    "name": "Somchai Wongsakul",
    "name_latin": "",
    "erased": False,
    "programme": {
        "title_en": "Knowledge Sharing Programme on Inclusive Libraries 2026",
        "title_local": "Program Berbagi Pengetahuan tentang Perpustakaan Inklusif 2026",
        "content_language": "id",
        "start_date": "2026-11-09",
        "end_date": "2026-11-14",
    },
    "revocation_reason": "",
}


@extend_schema_view(
    retrieve=extend_schema(
        summary=_("Verify a certificate code (public)"),
        description=_(
            "No credentials needed. Says whether the code belongs to a certificate, whether it "
            "is valid, and shows what the public verification page shows. The code may be "
            "typed in any case, with or without dashes."
        ),
        auth=[],
        parameters=[
            OpenApiParameter(
                "code",
                str,
                OpenApiParameter.PATH,
                description=_("The code printed on the certificate."),
            )
        ],
        examples=[
            OpenApiExample("Valid", value=VERIFICATION_EXAMPLE, response_only=True),
            OpenApiExample(
                "Revoked",
                value={
                    **VERIFICATION_EXAMPLE,
                    "valid": False,
                    "revocation_reason": "Issued in error.",
                },
                response_only=True,
            ),
        ],
    )
)
@extend_schema(tags=["certificates"])
class VerificationViewSet(viewsets.GenericViewSet):
    """The public verification of a certificate code."""

    serializer_class = VerificationSerializer
    permission_classes = [AllowAny]
    throttle_classes = [VerificationRateThrottle]
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    pagination_class = None
    filter_backends = []

    def retrieve(self, request: Request, code: str) -> Response:
        canonical = normalise_code(code)
        verification = verify_certificate(canonical) if canonical else None
        if verification is None:
            raise Http404
        return Response(self.get_serializer(verification).data)


# --- Jobs ------------------------------------------------------------------------------------

# The kinds the API starts: the programme's own documents and batches, and the documents
# about one vehicle or hotel. Visa letters, with passport numbers, stay on their page.
API_KINDS = (
    Kind.CERTIFICATES,
    Kind.CLOSING_REPORT,
    Kind.PROGRAMME_OVERVIEW,
    Kind.BADGES,
    Kind.MANIFEST,
    Kind.ROOMING_LIST,
)
OUTPUTS = ("archive", "combined", "spreadsheet")


class JobSerializer(serializers.ModelSerializer):
    files = serializers.SerializerMethodField(
        help_text=_("Where each file of a finished job is downloaded.")
    )
    created_at = LocalDateTimeField()
    started_at = LocalDateTimeField(allow_null=True)
    finished_at = LocalDateTimeField(allow_null=True)
    progress_percent = serializers.IntegerField()

    class Meta:
        model = GenerationJob
        fields = [
            "id",
            "kind",
            "language",
            "status",
            "participant",
            "vehicle",
            "hotel",
            "total",
            "done",
            "progress_percent",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "files",
        ]

    def get_files(self, job: GenerationJob) -> dict[str, str]:
        if job.status != GenerationJob.Status.DONE:
            return {}
        request = self.context["request"]
        return {
            output: request.build_absolute_uri(reverse("api:job-file", args=[job.pk, output]))
            for output in OUTPUTS
            if getattr(job, output)
        }

    def to_representation(self, job: GenerationJob) -> dict:
        # Times in the job's programme's zone: the context may hold no programme (one job).
        self.context.setdefault("programme", job.programme)
        return super().to_representation(job)


class JobStartSerializer(serializers.Serializer):
    """What starting a job takes: its kind and language, and for some kinds what it is about
    (`subject`, looked up among the programme's own: another programme's id is not found)."""

    kind = serializers.ChoiceField(choices=[(kind.value, kind.label) for kind in API_KINDS])
    language = serializers.ChoiceField(choices=settings.LANGUAGES)

    subject = ""
    subject_not_found = ""

    @staticmethod
    def subjects(programme: Programme) -> QuerySet:
        raise NotImplementedError

    def validate(self, data: dict) -> dict:
        if self.subject and data.get(self.subject) is not None:
            found = self.subjects(self.context["programme"]).filter(pk=data[self.subject]).first()
            if found is None:
                raise exceptions.NotFound(self.subject_not_found)
            data[self.subject] = found
        return data


def _kind_field(*kinds: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=[(kind, Kind(kind).label) for kind in kinds])


class ProgrammeDocumentStartSerializer(JobStartSerializer):
    kind = _kind_field(Kind.CERTIFICATES, Kind.CLOSING_REPORT, Kind.PROGRAMME_OVERVIEW)


class BadgesStartSerializer(JobStartSerializer):
    kind = _kind_field(Kind.BADGES)
    participant = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("The one active participant whose badge is made; none for everyone's."),
    )
    subject = "participant"
    subject_not_found = _("No active participant of this programme has this id.")
    subjects = staticmethod(badge_holders)


class ManifestStartSerializer(JobStartSerializer):
    kind = _kind_field(Kind.MANIFEST)
    vehicle = serializers.IntegerField(help_text=_("The vehicle."))
    subject = "vehicle"
    subject_not_found = _("No vehicle of this programme has this id.")

    @staticmethod
    def subjects(programme: Programme) -> QuerySet:
        return Vehicle.objects.filter(session__programme=programme)


class RoomingListStartSerializer(JobStartSerializer):
    kind = _kind_field(Kind.ROOMING_LIST)
    hotel = serializers.IntegerField(help_text=_("The hotel."))
    subject = "hotel"
    subject_not_found = _("No hotel of this programme has this id.")

    @staticmethod
    def subjects(programme: Programme) -> QuerySet:
        return programme.hotels.all()


START_SERIALIZERS: dict[str, type[JobStartSerializer]] = {
    Kind.CERTIFICATES: ProgrammeDocumentStartSerializer,
    Kind.CLOSING_REPORT: ProgrammeDocumentStartSerializer,
    Kind.PROGRAMME_OVERVIEW: ProgrammeDocumentStartSerializer,
    Kind.BADGES: BadgesStartSerializer,
    Kind.MANIFEST: ManifestStartSerializer,
    Kind.ROOMING_LIST: RoomingListStartSerializer,
}
# The request body in the schema: one shape per kind.
JOB_START_REQUEST = PolymorphicProxySerializer(
    component_name="JobStart",
    serializers={kind.value: serializer for kind, serializer in START_SERIALIZERS.items()},
    resource_type_field_name="kind",
)


JOB_EXAMPLE = {
    "id": "5d6f0c9e-3a1b-4f7e-9b8e-2c1d0a9f8e7d",
    "kind": "certificates",
    "language": "en",
    "status": "done",
    "participant": None,
    "vehicle": None,
    "hotel": None,
    "total": 38,
    "done": 38,
    "progress_percent": 100,
    "error": "",
    "created_at": "2026-11-14T15:02:08+07:00",
    "started_at": "2026-11-14T15:02:09+07:00",
    "finished_at": "2026-11-14T15:03:55+07:00",
    "files": {
        "archive": "https://tpbis.example.org/api/v1/jobs/5d6f0c9e-3a1b-4f7e-9b8e-2c1d0a9f8e7d/"
        "files/archive/",
        "combined": "https://tpbis.example.org/api/v1/jobs/5d6f0c9e-3a1b-4f7e-9b8e-2c1d0a9f8e7d/"
        "files/combined/",
    },
}
JOB_EXAMPLES = [OpenApiExample("Certificates, done", value=JOB_EXAMPLE, response_only=True)]


class RequiredBodySchema(ApiAutoSchema):
    """The schema of an operation whose body is always needed (spectacular leaves a body of
    several shapes optional)."""

    def _get_request_body(self, direction: str = "request"):
        body = super()._get_request_body(direction)
        if body:
            body["required"] = True
        return body


class JobPagination(ApiCursorPagination):
    ordering = "-created_at"  # newest first, as on the generated files page


class JobFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    status = django_filters.ChoiceFilter(choices=GenerationJob.Status.choices)

    class Meta:
        model = GenerationJob
        fields = ["kind", "status"]


@extend_schema_view(
    list=extend_schema(
        summary=_("Generated files of a programme"),
        description=_(
            "The jobs the user's role may see, newest first, as on the generated files page."
        ),
        parameters=[SLUG],
        examples=JOB_EXAMPLES,
    ),
    create=extend_schema(
        summary=_("Start generating a file"),
        description=_(
            "Starts the job, or answers the one of the same kind and subject still under way. "
            "The roles that may start each kind are those of the pages: certificates, the "
            "closing report and the programme overview are the admins'; badges, manifests and "
            "rooming lists the programme team's. Needs a token that may write."
        ),
        parameters=[SLUG],
        request=JOB_START_REQUEST,
        responses={202: JobSerializer},
        examples=[
            OpenApiExample(
                "All certificates",
                value={"kind": "certificates", "language": "en"},
                request_only=True,
            ),
            OpenApiExample(
                "One vehicle's manifest",
                value={"kind": "manifest", "language": "id", "vehicle": 2},
                request_only=True,
            ),
            *JOB_EXAMPLES,
        ],
    ),
)
@extend_schema(tags=["generated files"])
class ProgrammeJobViewSet(
    ProgrammeChildMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """A programme's generated files: the jobs that make them, and starting new ones."""

    # As on the generated files page; staff start badges and manifests (see START_ROLES).
    read_roles = MANAGERS
    write_roles = TEAM
    schema = RequiredBodySchema()
    serializer_class = JobSerializer
    filterset_class = JobFilter
    pagination_class = JobPagination
    queryset = GenerationJob.objects.none()  # for the schema: get_queryset builds the real one

    def get_queryset(self) -> QuerySet[GenerationJob]:
        if getattr(self, "swagger_fake_view", False):
            return GenerationJob.objects.none()
        programme = self.get_programme()
        return programme.jobs.filter(kind__in=kinds_visible_to(programme.user_role))

    def create(self, request: Request, programme_slug: str) -> Response:
        programme = self.get_programme()
        kind = request.data.get("kind") if isinstance(request.data, dict) else None
        form = START_SERIALIZERS.get(kind if isinstance(kind, str) else "", JobStartSerializer)(
            data=request.data, context={"programme": programme}
        )
        form.is_valid(raise_exception=True)
        kind = form.validated_data["kind"]
        if programme.user_role not in START_ROLES[kind]:
            raise PermissionDenied
        job = start_job(programme=programme, by=request.user, **form.validated_data)
        job.refresh_from_db()
        job.programme = programme
        return Response(
            self.get_serializer(job).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": reverse("api:job-detail", args=[job.pk])},
        )


@extend_schema_view(
    retrieve=extend_schema(
        summary=_("One job: its status and progress"),
        description=_("Poll it until `status` is “done” (then see `files`) or “failed”."),
        examples=JOB_EXAMPLES,
    ),
)
@extend_schema(tags=["generated files"])
class JobViewSet(_FileDownload, viewsets.GenericViewSet):
    """One generated file's job: its progress, then its files."""

    serializer_class = JobSerializer
    queryset = GenerationJob.objects.none()  # jobs are found through `job_for_user`
    pagination_class = None
    filter_backends = []

    lookup_value_regex = "[^/]+"

    def job(self, pk: UUID) -> GenerationJob:
        """The job for the roles its kind admits (`job_for_user`, as on the pages); 404 as for
        outsiders when the request's token does not reach its programme."""
        job = job_for_user(self.request.user, pk)
        if not token_allows(self.request, job.programme, write=False):
            raise Http404
        return job

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self.job(_uuid(pk))).data)

    @extend_schema(
        summary=_("A file of a finished job"),
        description=_(
            "`archive` is the ZIP of a batch, `combined` the PDF, `spreadsheet` the XLSX "
            "(rooming lists). The same access as the download links of the pages."
        ),
        parameters=[
            OpenApiParameter(
                "output",
                str,
                OpenApiParameter.PATH,
                enum=list(OUTPUTS),
                description=_("Which file."),
            )
        ],
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiResponse(OpenApiTypes.BINARY),
        },
    )
    @action(detail=True, methods=["get"], url_path=r"files/(?P<output>[^/]+)")
    def file(self, request: Request, pk: str, output: str) -> FileResponse:
        job_id = _uuid(pk)
        if output not in OUTPUTS:
            raise Http404
        try:
            job = self.job(job_id)
        except PermissionDenied:
            raise Http404 from None
        if job.kind == Kind.VISA_LETTERS and not may_see_passports(request):
            # The letters print passport numbers: a token needs that scope too.
            raise Http404
        return serve_job_file(request.user, job_id, output)


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise Http404 from None
