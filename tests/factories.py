from datetime import date, timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from participants.models import Participant
from programs.models import MemberCountry, Programme, ProgrammeMembership
from visits.models import Session, Site

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


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    slug = factory.Sequence(lambda n: f"programme-{n}")
    title_en = factory.Sequence(lambda n: f"Knowledge Sharing Programme {n}")
    title_id = factory.Sequence(lambda n: f"Program Berbagi Pengetahuan {n}")
    short_name_en = factory.Sequence(lambda n: f"KSP {n}")
    start_date = date(2023, 11, 13)
    end_date = factory.LazyAttribute(lambda p: p.start_date + timedelta(days=4))
    time_zone = "Asia/Jakarta"
    host_institution = "National Library of the Republic of Indonesia"
    venue_city = "Jakarta"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeMembership

    programme = factory.SubFactory(ProgrammeFactory)
    user = factory.SubFactory(UserFactory)
    role = ProgrammeMembership.Role.ORGANISER


def member_country(code: str) -> MemberCountry:
    return MemberCountry.objects.get_or_create(country=code)[0]


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


# --- Generated files (reports) ---------------------------------------------------------------

from reports.models import GenerationJob  # noqa: E402
from visits.models import Vehicle  # noqa: E402


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    session = factory.SubFactory(SessionFactory, kind=Session.Kind.SITE_VISIT)
    name = factory.Sequence(lambda n: f"Bus {n}")
    kind = Vehicle.Kind.BUS
    seats = 30


class GenerationJobFactory(factory.django.DjangoModelFactory):
    """A job as the pipeline leaves it: queued and not yet sent, unless told otherwise."""

    class Meta:
        model = GenerationJob

    programme = factory.SubFactory(ProgrammeFactory)
    kind = GenerationJob.Kind.CERTIFICATES
    language = "en"
