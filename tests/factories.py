from datetime import UTC, date, datetime, timedelta

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.utils import timezone

from participants.action_plan_models import ActionPlan, Milestone
from participants.followup_models import (
    FollowUpInvitation,
    FollowUpQuestion,
    FollowUpResponse,
    FollowUpRound,
)
from participants.invitations import hash_token
from participants.lodging_models import Hotel, RoomAssignment, RoomType
from participants.message_models import GroupMessage, MessageRecipient
from participants.models import (
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    ImportBatch,
    Invitation,
    Nomination,
    NominationAnswer,
    NominationCall,
    NominationQuestion,
    Participant,
    PersonalDataAccess,
    PersonalDataRemoval,
    TravelLeg,
    Visa,
)
from programs.models import (
    Announcement,
    Delegation,
    FocalPoint,
    MemberCountry,
    Programme,
    ProgrammeMembership,
)
from reports.certificates import new_certificate_code
from reports.models import (
    Certificate,
    CertificateTemplate,
    ClosingReport,
    GenerationJob,
    Quote,
    Signatory,
)
from visits.models import (
    Assignment,
    AttendanceMark,
    ReleasedBooking,
    Session,
    SessionMaterial,
    SessionPhoto,
    Site,
    TransferRun,
    Vehicle,
    VisitGroup,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class AuthenticatorFactory(factory.django.DjangoModelFactory):
    """A TOTP second factor: enough for the sign-in rules that ask whether one is enrolled."""

    class Meta:
        model = Authenticator

    user = factory.SubFactory(UserFactory)
    type = Authenticator.Type.TOTP
    data = factory.LazyFunction(lambda: {"secret": "x"})


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    slug = factory.Sequence(lambda n: f"programme-{n}")
    title_en = factory.Sequence(lambda n: f"Knowledge Sharing Programme {n}")
    title_local = factory.Sequence(lambda n: f"Program Berbagi Pengetahuan {n}")
    short_name_en = factory.Sequence(lambda n: f"KSP {n}")
    start_date = date(2023, 11, 13)
    end_date = factory.LazyAttribute(lambda p: p.start_date + timedelta(days=4))
    time_zone = "Asia/Jakarta"
    host_institution = "National Library of the Republic of Indonesia"
    venue_city = "Jakarta"


class ColomboProgrammeFactory(ProgrammeFactory):
    """A programme hosted in Sri Lanka: its regions are ISO 3166-2 subdivisions."""

    host_country = "LK"
    time_zone = "Asia/Colombo"
    host_institution = "National Library and Documentation Services Board"
    venue_city = "Colombo"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeMembership

    programme = factory.SubFactory(ProgrammeFactory)
    user = factory.SubFactory(UserFactory)
    role = ProgrammeMembership.Role.ORGANISER


class MemberCountryFactory(factory.django.DjangoModelFactory):
    """A member country; the same row for the same code."""

    class Meta:
        model = MemberCountry
        django_get_or_create = ["country"]

    country = "VN"


def member_country(code: str) -> MemberCountry:
    return MemberCountryFactory(country=code)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    programme = factory.SubFactory(ProgrammeFactory)
    category = Participant.Category.INTERNATIONAL
    full_name = factory.Faker("name")
    gender = Participant.Gender.FEMALE
    country = factory.LazyFunction(lambda: member_country("VN"))
    institution = "National Library"
    email = factory.Sequence(lambda n: f"participant{n}@example.org")


class TravelLegFactory(factory.django.DjangoModelFactory):
    """A flight from Hanoi landing in Jakarta the evening before the default programme."""

    class Meta:
        model = TravelLeg

    participant = factory.SubFactory(ParticipantFactory)
    direction = TravelLeg.Direction.ARRIVAL
    carrier = "GA"
    number = "859"
    from_place = "Hanoi"
    from_code = "HAN"
    departs_at = datetime(2023, 11, 12, 8, 0, tzinfo=UTC)
    to_place = "Jakarta"
    to_code = "CGK"
    arrives_at = datetime(2023, 11, 12, 11, 30, tzinfo=UTC)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"Library {n}")
    kind = Site.Kind.CITY_LIBRARY
    city = "Jakarta Timur"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    programme = factory.SubFactory(ProgrammeFactory)
    kind = Session.Kind.LECTURE
    title_en = factory.Sequence(lambda n: f"Lecture {n}")
    starts_at = factory.LazyAttribute(
        lambda s: s.programme.local_datetime(s.programme.start_date, 9)
    )
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=1))


# Programmes


COUNTRY_CODES = ["LA", "TH", "KH", "MM", "PH", "MY", "BT", "NP", "LK", "BD", "MV", "MN", "FJ"]


class DelegationFactory(factory.django.DjangoModelFactory):
    """An international delegation; pass `province=` (and `country=None`) for a domestic one."""

    class Meta:
        model = Delegation

    programme = factory.SubFactory(ProgrammeFactory)
    country = factory.Sequence(lambda n: member_country(COUNTRY_CODES[n % len(COUNTRY_CODES)]))
    seats = 1


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Announcement

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Announcement {n}")
    body = "Text"


# Participants


class EmailAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailAddress

    user = factory.SubFactory(UserFactory)
    email = factory.Sequence(lambda n: f"address{n}@example.org")
    verified = True
    primary = False


class InvitationFactory(factory.django.DjangoModelFactory):
    """An invitation whose link carries `token` (only its hash is stored)."""

    class Meta:
        model = Invitation
        exclude = ["token"]

    participant = factory.SubFactory(ParticipantFactory)
    token = factory.Sequence(lambda n: f"invitation-token-{n}")
    token_hash = factory.LazyAttribute(lambda i: hash_token(i.token))
    sent_to = factory.SelfAttribute("participant.email")
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda i: i.sent_at + timedelta(days=30))


class ImportBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportBatch

    programme = factory.SubFactory(ProgrammeFactory)
    file_name = "participants.csv"
    rows = factory.LazyFunction(list)


class PersonalDataRemovalFactory(factory.django.DjangoModelFactory):
    """The record of a retention purge, unless told otherwise."""

    class Meta:
        model = PersonalDataRemoval

    programme = factory.SubFactory(ProgrammeFactory)
    kind = PersonalDataRemoval.Kind.RETENTION
    participants = 3
    fields = factory.LazyFunction(lambda: ["passport_number", "dietary_needs"])


class EvaluationQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationQuestion

    programme = factory.SubFactory(ProgrammeFactory)
    text_en = factory.Sequence(lambda n: f"Question {n}?")
    kind = EvaluationQuestion.Kind.RATING


class EvaluationResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationResponse

    participant = factory.SubFactory(ParticipantFactory)


class EvaluationAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationAnswer

    response = factory.SubFactory(EvaluationResponseFactory)
    question = factory.SubFactory(
        EvaluationQuestionFactory,
        programme=factory.SelfAttribute("..response.participant.programme"),
    )


# Calls for nominations


class FocalPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocalPoint

    delegation = factory.SubFactory(DelegationFactory)
    user = factory.SubFactory(UserFactory)


class NominationCallFactory(factory.django.DjangoModelFactory):
    """An open call: its deadline is two weeks away."""

    class Meta:
        model = NominationCall

    programme = factory.SubFactory(ProgrammeFactory)
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    eligibility_en = "Librarians working on social inclusion."


class NominationQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NominationQuestion

    call = factory.SubFactory(NominationCallFactory)
    text_en = factory.Sequence(lambda n: f"Nomination question {n}?")
    kind = NominationQuestion.Kind.TEXT


class NominationFactory(factory.django.DjangoModelFactory):
    """A candidate of one of the call's delegations, awaiting the decision."""

    class Meta:
        model = Nomination

    call = factory.SubFactory(NominationCallFactory)
    delegation = factory.SubFactory(
        DelegationFactory, programme=factory.SelfAttribute("..call.programme")
    )
    full_name = factory.Sequence(lambda n: f"Candidate {n}")
    email = factory.Sequence(lambda n: f"candidate{n}@example.org")
    gender = Nomination.Gender.FEMALE
    institution = "National Library"
    institution_type = Nomination.InstitutionType.NATIONAL_LIBRARY


class NominationAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NominationAnswer

    nomination = factory.SubFactory(NominationFactory)
    question = factory.SubFactory(
        NominationQuestionFactory, call=factory.SelfAttribute("..nomination.call")
    )
    text = "Because it matters."


# Agenda


class VisitGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitGroup

    session = factory.SubFactory(SessionFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    capacity = 10


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    session = factory.SubFactory(SessionFactory, kind=Session.Kind.SITE_VISIT)
    name = factory.Sequence(lambda n: f"Bus {n}")
    kind = Vehicle.Kind.BUS
    seats = 30


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A participant booked on an agenda item of their own programme."""

    class Meta:
        model = Assignment

    session = factory.SubFactory(SessionFactory)
    participant = factory.SubFactory(
        ParticipantFactory, programme=factory.SelfAttribute("..session.programme")
    )


class SessionMaterialFactory(factory.django.DjangoModelFactory):
    """A material given as a link; pass `file=` for an uploaded one (and `url=""`)."""

    class Meta:
        model = SessionMaterial

    session = factory.SubFactory(SessionFactory)
    title = factory.Sequence(lambda n: f"Slides {n}")
    url = "https://example.org/slides.pdf"


class PersonalDataAccessFactory(factory.django.DjangoModelFactory):
    """An access-log entry: an organiser looked at one participant's page."""

    class Meta:
        model = PersonalDataAccess

    programme = factory.SubFactory(ProgrammeFactory)
    accessed_by = factory.SubFactory(UserFactory)
    accessed_by_email = factory.LazyAttribute(lambda entry: entry.accessed_by.email)
    kind = PersonalDataAccess.Kind.PARTICIPANT_DETAIL
    participant_ids = factory.LazyAttribute(
        lambda entry: [ParticipantFactory(programme=entry.programme).pk]
    )
    participant_count = factory.LazyAttribute(lambda entry: len(entry.participant_ids))


class SessionPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionPhoto

    session = factory.SubFactory(SessionFactory)
    image = factory.django.ImageField(filename="photo.jpg", format="JPEG", width=40, height=30)


# Documents


class CertificateTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificateTemplate
        django_get_or_create = ["programme"]

    programme = factory.SubFactory(ProgrammeFactory)


class SignatoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signatory

    template = factory.SubFactory(CertificateTemplateFactory)
    name = factory.Sequence(lambda n: f"Signatory {n}")
    title = "Director"


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    participant = factory.SubFactory(ParticipantFactory)
    code = factory.LazyFunction(new_certificate_code)


class ClosingReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClosingReport
        django_get_or_create = ["programme"]

    programme = factory.SubFactory(ProgrammeFactory)


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quote

    report = factory.SubFactory(ClosingReportFactory)
    speaker = factory.Sequence(lambda n: f"Speaker {n}")
    text = "A memorable remark."


class GenerationJobFactory(factory.django.DjangoModelFactory):
    """A job as the pipeline leaves it: queued and not yet sent, unless told otherwise."""

    class Meta:
        model = GenerationJob

    programme = factory.SubFactory(ProgrammeFactory)
    kind = GenerationJob.Kind.CERTIFICATES
    language = "en"


class ReleasedBookingFactory(factory.django.DjangoModelFactory):
    """A booking released by a withdrawal, on an item of the participant's programme."""

    class Meta:
        model = ReleasedBooking

    participant = factory.SubFactory(ParticipantFactory, status=Participant.Status.WITHDRAWN)
    session = factory.SubFactory(
        SessionFactory, programme=factory.SelfAttribute("..participant.programme")
    )


# --- Group messages ---------------------------------------------------------------------------


class GroupMessageFactory(factory.django.DjangoModelFactory):
    """A message to participants, as saved when an organiser confirms the preview."""

    class Meta:
        model = GroupMessage

    programme = factory.SubFactory(ProgrammeFactory)
    audience = GroupMessage.Audience.PARTICIPANTS
    subject_en = "Dinner on Tuesday"
    body_en = "The dinner starts at seven."
    language = factory.SelfAttribute("programme.content_language")
    sent_by_email = "organiser@example.org"


class MessageRecipientFactory(factory.django.DjangoModelFactory):
    """One recipient's row, queued and not yet handed to the workers."""

    class Meta:
        model = MessageRecipient

    message = factory.SubFactory(GroupMessageFactory)
    name = factory.Sequence(lambda n: f"Recipient {n}")
    email = factory.Sequence(lambda n: f"recipient{n}@example.org")


class VisaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visa

    participant = factory.SubFactory(ParticipantFactory)
    status = Visa.Status.NOT_REQUIRED


class TransferRunFactory(factory.django.DjangoModelFactory):
    """An airport pick-up at CGK on the programme's first day."""

    class Meta:
        model = TransferRun

    programme = factory.SubFactory(ProgrammeFactory)
    direction = TransferRun.Direction.ARRIVAL
    airport_code = "CGK"
    airport_name = "Soekarno-Hatta International Airport"
    pickup_at = factory.LazyAttribute(
        lambda run: run.programme.local_datetime(run.programme.start_date, 15)
    )
    vehicle = factory.Sequence(lambda n: f"Van {n}")
    seats = 7


class HotelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hotel

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Hotel {n}")
    address = "Jl. Medan Merdeka Selatan"


class RoomTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoomType

    hotel = factory.SubFactory(HotelFactory)
    name = "Deluxe twin"
    beds = 2


class RoomAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoomAssignment

    room_type = factory.SubFactory(RoomTypeFactory)
    participant = factory.SubFactory(
        ParticipantFactory, programme=factory.SelfAttribute("..room_type.hotel.programme")
    )
    first_night = date(2023, 11, 12)
    last_night = date(2023, 11, 16)


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan

    participant = factory.SubFactory(ParticipantFactory)
    goal = "Open a reading corner for children in the village library"
    activities = "Train two volunteers; move the children's books to the ground floor"
    partners = "District education office"
    share_in_reports = True
    submitted_at = factory.LazyFunction(timezone.now)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    plan = factory.SubFactory(ActionPlanFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_on = date(2024, 3, 1)


# REST API
class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A personal API token; its secret is on `token.secret` (stored only as a hash).

    `programmes=[...]` lists the programmes it reaches (none by default).
    """

    class Meta:
        model = "programs.ApiToken"
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Script {n}")
    can_write = False
    can_see_passports = False

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        token = model_class(*args, **kwargs)
        token.secret = token.set_new_secret()
        token.save()
        return token

    @factory.post_generation
    def programmes(self, create, extracted, **kwargs):
        if create and extracted:
            self.programmes.set(extracted)


# Webhooks


class WebhookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programs.Webhook"

    programme = factory.SubFactory(ProgrammeFactory)
    url = factory.Sequence(lambda n: f"https://hooks.example.org/tpbis/{n}")
    events = factory.LazyFunction(lambda: ["participant.created"])


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programs.WebhookDelivery"

    webhook = factory.SubFactory(WebhookFactory)
    event = "participant.created"
    payload = factory.LazyFunction(lambda: {"event": "participant.created", "data": {"id": 1}})
    status = "failed"
    attempts = 6
    response_code = 500


# --- Follow-up surveys ------------------------------------------------------------------------


class FollowUpRoundFactory(factory.django.DjangoModelFactory):
    """Three months after the default programme (13–17 November 2023), open four weeks."""

    class Meta:
        model = FollowUpRound

    programme = factory.SubFactory(ProgrammeFactory)
    months_after = 3
    opens_on = date(2024, 2, 17)
    closes_on = date(2024, 3, 16)


class FollowUpQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpQuestion

    programme = factory.SubFactory(ProgrammeFactory)
    text_en = factory.Sequence(lambda n: f"Follow-up question {n}?")
    kind = FollowUpQuestion.Kind.RATING


class SurveyedParticipantFactory(ParticipantFactory):
    """A participant a follow-up survey asks: took part, accepted the privacy notice, has an
    account with the same address."""

    status = Participant.Status.COMPLETED
    privacy_consent_at = factory.LazyFunction(timezone.now)
    user = factory.SubFactory(UserFactory, email=factory.SelfAttribute("..email"))


class FollowUpInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpInvitation

    round = factory.SubFactory(FollowUpRoundFactory)
    participant = factory.SubFactory(
        SurveyedParticipantFactory, programme=factory.SelfAttribute("..round.programme")
    )
    sent_at = factory.LazyFunction(timezone.now)
    last_sent_at = factory.SelfAttribute("sent_at")


class FollowUpResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpResponse

    invitation = factory.SubFactory(FollowUpInvitationFactory)


class ActionPlanCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participants.ActionPlanComment"

    plan = factory.SubFactory(ActionPlanFactory)
    author = factory.SubFactory(UserFactory)
    text = "Write to the district office early."


class AlumniListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participants.AlumniListing"

    participant = factory.SubFactory(ParticipantFactory, status="completed")
    topics = "Children's reading"
    share_contact = True


class AttendanceMarkFactory(factory.django.DjangoModelFactory):
    """A mark in a booking's history (the booking's own attendance is left as it is)."""

    class Meta:
        model = AttendanceMark

    assignment = factory.SubFactory(AssignmentFactory)
    attended = True
    marked_at = factory.LazyFunction(timezone.now)
    source = AttendanceMark.Source.PAGE
