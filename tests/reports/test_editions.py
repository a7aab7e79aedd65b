"""Starting a new programme from an existing one: what is copied, what is not, who may."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from participants.models import EvaluationQuestion, Participant
from programs.editions import PROGRAMME_NOT_COPIED
from programs.models import Delegation, Programme, Province
from reports.editions import PARTS_COPIED, PARTS_NOT_COPIED, start_programme_from
from reports.models import CertificateTemplate, ClosingReport
from tests.conftest import client_for
from tests.factories import (
    AnnouncementFactory,
    AssignmentFactory,
    CertificateFactory,
    CertificateTemplateFactory,
    ClosingReportFactory,
    DelegationFactory,
    EvaluationQuestionFactory,
    GenerationJobFactory,
    InvitationFactory,
    MembershipFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    SessionMaterialFactory,
    SessionPhotoFactory,
    SignatoryFactory,
    SiteFactory,
    UserFactory,
    VehicleFactory,
    VisitGroupFactory,
    member_country,
)
from visits.models import Session

JAKARTA = ZoneInfo("Asia/Jakarta")
NAMES = {
    "slug": "ksp-2024",
    "title_en": "Knowledge Sharing Programme 2024",
    "title_local": "Program Berbagi Pengetahuan 2024",
    "short_name_en": "KSP 2024",
    "short_name_local": "KSP 2024 (ID)",
}
# What a new programme takes from the form or its own history instead of the original.
DIFFERENT = {"id", "logo", *PROGRAMME_NOT_COPIED, *NAMES}


def _at(programme: Programme, day: date, hour: int, minute: int = 0) -> datetime:
    return programme.local_datetime(day, hour, minute)


@pytest.fixture
def source(db, settings, tmp_path):
    """A programme with something in every copied field, its agenda and its people."""
    settings.MEDIA_ROOT = tmp_path / "media"
    programme = ProgrammeFactory(
        start_date=date(2023, 11, 13),
        end_date=date(2023, 11, 17),
        theme_en="Social inclusion",
        theme_local="Inklusi sosial",
        content_language="si",
        host_short_name="Perpusnas",
        host_address="Jl. Medan Merdeka Selatan 11",
        partners="Colombo Plan Secretariat",
        cooperation_framework="South-South cooperation",
        expected_international=20,
        expected_domestic=30,
        expected_other=5,
        venue_details="Perpusnas building, 2nd floor",
        hotel_details="Hotel Indonesia",
        contacts="Ms Rina, +62 21 000",
        emergency_numbers="112",
        dress_code="Batik on Friday",
        personal_data_kept_until=date(2024, 6, 30),
        privacy_notice_en="Our notice",
        privacy_notice_local="Pemberitahuan kami",
        archived_at=timezone.now(),
    )
    programme.logo.save("logo.jpg", ContentFile(b"logo bytes"), save=True)
    DelegationFactory(
        programme=programme,
        country=member_country("LK"),
        seats=3,
        nominating_agency="National Library of Sri Lanka",
        contact_name="Mr Perera",
        contact_email="perera@example.org",
        contact_phone="+94 11 000",
    )
    DelegationFactory(
        programme=programme,
        country=None,
        province=Province.objects.get(code="31"),
        locality="Jakarta Timur",
        seats=2,
    )
    lecture = SessionFactory(
        programme=programme,
        title_en="Opening lecture",
        title_local="Kuliah pembukaan",
        starts_at=_at(programme, date(2023, 11, 13), 9),
        ends_at=_at(programme, date(2023, 11, 13), 10, 30),
        room="Auditorium",
        speakers="Dr Sari, Perpusnas",
        capacity=80,
    )
    visit = SessionFactory(
        programme=programme,
        kind=Session.Kind.SITE_VISIT,
        title_en="Visit to a village library",
        site=SiteFactory(),
        starts_at=_at(programme, date(2023, 11, 15), 13),
        ends_at=_at(programme, date(2023, 11, 15), 16),
        departure_point="Hotel lobby",
        departs_at=_at(programme, date(2023, 11, 15), 12, 15),
        returns_at=_at(programme, date(2023, 11, 15), 17, 45),
    )
    SessionFactory(
        programme=programme,
        title_en="Cancelled talk",
        starts_at=_at(programme, date(2023, 11, 14), 9),
        ends_at=_at(programme, date(2023, 11, 14), 10),
        cancelled_at=timezone.now(),
    )
    VisitGroupFactory(session=visit, name="Group A", capacity=12, guide_name="Budi")
    VehicleFactory(session=visit, name="Bus 1", seats=30, driver_name="Agus", plate="B 1 AB")
    EvaluationQuestionFactory(programme=programme, text_en="How useful?", position=1)
    EvaluationQuestionFactory(
        programme=programme,
        text_en="Which visit?",
        text_local="Kunjungan mana?",
        kind=EvaluationQuestion.Kind.CHOICE,
        choices="Village\nCity",
        required=False,
        position=2,
    )
    template = CertificateTemplateFactory(
        programme=programme, heading_en="Certificate", minimum_attendance=75
    )
    template.partner_logo.save("partner.jpg", ContentFile(b"partner bytes"), save=True)
    signatory = SignatoryFactory(
        template=template, name="Prof. Aminudin", title="Head", organisation="Perpusnas"
    )
    signatory.signature.save("signature.jpg", ContentFile(b"signature bytes"), save=True)

    # The people of the programme, none of which may follow it.
    organiser = MembershipFactory(programme=programme).user
    MembershipFactory(programme=programme, role="staff")
    delegate = ParticipantFactory(programme=programme, status=Participant.Status.COMPLETED)
    InvitationFactory(participant=ParticipantFactory(programme=programme))
    AssignmentFactory(session=lecture, participant=delegate, attended=True)
    SessionPhotoFactory(session=visit)
    SessionMaterialFactory(session=lecture)
    lecture.speaker_participants.add(delegate)
    CertificateFactory(participant=delegate)
    ClosingReportFactory(programme=programme)
    AnnouncementFactory(programme=programme)
    GenerationJobFactory(programme=programme)
    programme.organiser = organiser
    return programme


def _snapshot() -> dict:
    """Every row of our apps, to check that the original's are left as they were."""
    rows = {}
    for app in ("programs", "participants", "visits", "reports"):
        for model in apps.get_app_config(app).get_models():
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


def _start(source: Programme, start_date: date = date(2024, 11, 11)) -> Programme:
    return start_programme_from(
        source=source, start_date=start_date, names=NAMES, by=source.organiser
    )


def test_new_programme_copies_every_programme_field_but_the_expected_ones(source):
    new = _start(source)
    fields = [f for f in Programme._meta.concrete_fields if f.name not in DIFFERENT]
    assert {f.name: getattr(new, f.attname) for f in fields} == {
        f.name: getattr(source, f.attname) for f in fields
    }
    # The information texts, by name, lest the generic comparison above miss them.
    assert (new.venue_details, new.hotel_details, new.dress_code) == (
        "Perpusnas building, 2nd floor",
        "Hotel Indonesia",
        "Batik on Friday",
    )


def test_new_programme_takes_names_dates_and_its_own_history(source):
    new = _start(source)
    assert {name: getattr(new, name) for name in NAMES} == NAMES
    assert (new.start_date, new.end_date) == (date(2024, 11, 11), date(2024, 11, 15))
    assert new.time_zone == "Asia/Jakarta"
    assert new.personal_data_kept_until is None
    assert new.personal_data_until == date(2025, 2, 13)
    assert new.archived_at is None
    assert new.created_at > source.created_at


def test_new_programme_has_its_own_copy_of_the_logo(source):
    new = _start(source)
    assert new.logo.name == "programmes/ksp-2024/logo.jpg"
    assert new.logo.read() == b"logo bytes"
    assert source.logo.name == f"programmes/{source.slug}/logo.jpg"


def test_new_programme_has_only_the_copier_as_organiser(source):
    new = _start(source)
    assert list(new.memberships.values_list("user", "role")) == [(source.organiser.pk, "organiser")]


def test_new_programme_copies_delegations_with_seats_agencies_and_contacts(source):
    new = _start(source)
    copied = Delegation.objects.filter(programme=new).order_by("country", "province")
    assert [
        (
            d.country_id and d.country.code,
            d.province_id and d.province.code,
            d.locality,
            d.seats,
            d.nominating_agency,
            d.contact_name,
            d.contact_email,
            d.contact_phone,
        )
        for d in copied
    ] == [
        (
            "LK",
            None,
            "",
            3,
            "National Library of Sri Lanka",
            "Mr Perera",
            "perera@example.org",
            "+94 11 000",
        ),
        (None, "31", "Jakarta Timur", 2, "", "", "", ""),
    ]


def test_new_programme_agenda_keeps_local_times_on_the_same_day_of_the_programme(source):
    new = _start(source)
    items = [
        (
            item.title_en,
            item.starts_at.astimezone(JAKARTA),
            item.ends_at.astimezone(JAKARTA),
            item.departs_at and item.departs_at.astimezone(JAKARTA),
            item.returns_at and item.returns_at.astimezone(JAKARTA),
        )
        for item in new.sessions.order_by("starts_at")
    ]
    assert items == [
        (
            "Opening lecture",
            datetime(2024, 11, 11, 9, 0, tzinfo=JAKARTA),
            datetime(2024, 11, 11, 10, 30, tzinfo=JAKARTA),
            None,
            None,
        ),
        (
            "Visit to a village library",
            datetime(2024, 11, 13, 13, 0, tzinfo=JAKARTA),
            datetime(2024, 11, 13, 16, 0, tzinfo=JAKARTA),
            datetime(2024, 11, 13, 12, 15, tzinfo=JAKARTA),
            datetime(2024, 11, 13, 17, 45, tzinfo=JAKARTA),
        ),
    ]


def test_new_programme_agenda_copies_places_groups_and_vehicles_without_people(source):
    new = _start(source)
    lecture = new.sessions.get(title_en="Opening lecture")
    visit = new.sessions.get(title_en="Visit to a village library")
    original_visit = source.sessions.get(title_en="Visit to a village library")
    assert (lecture.title_local, lecture.room, lecture.speakers, lecture.capacity) == (
        "Kuliah pembukaan",
        "Auditorium",
        "Dr Sari, Perpusnas",
        80,
    )
    assert (visit.site_id, visit.departure_point) == (original_visit.site_id, "Hotel lobby")
    assert (lecture.revision, lecture.cancelled_at) == (0, None)
    assert list(visit.groups.values_list("name", "capacity", "guide_name")) == [
        ("Group A", 12, "Budi")
    ]
    assert list(visit.vehicles.values_list("name", "seats", "plate", "driver_name")) == [
        ("Bus 1", 30, "B 1 AB", "Agus")
    ]
    assert not lecture.assignments.exists()
    assert not lecture.speaker_participants.exists()
    assert not lecture.materials.exists()
    assert not visit.photos.exists()


def test_new_programme_agenda_keeps_wall_clock_times_across_daylight_saving(db):
    # Summer time in the original, winter time in the copy: 09:00 stays 09:00.
    source = ProgrammeFactory(
        start_date=date(2025, 10, 20), end_date=date(2025, 10, 22), time_zone="Europe/Berlin"
    )
    SessionFactory(
        programme=source,
        starts_at=_at(source, date(2025, 10, 21), 9),
        ends_at=_at(source, date(2025, 10, 21), 10),
    )
    new = start_programme_from(
        source=source,
        start_date=date(2025, 12, 1),
        names={**NAMES, "slug": "berlin-winter"},
        by=UserFactory(),
    )
    item = new.sessions.get()
    berlin = ZoneInfo("Europe/Berlin")
    assert item.starts_at.astimezone(berlin) == datetime(2025, 12, 2, 9, 0, tzinfo=berlin)
    assert item.starts_at.astimezone(berlin).time() == time(9, 0)
    assert item.ends_at - item.starts_at == timedelta(hours=1)


def test_new_programme_copies_the_certificate_template_and_signatories(source):
    new = _start(source)
    template = CertificateTemplate.objects.get(programme=new)
    assert (template.heading_en, template.minimum_attendance) == ("Certificate", 75)
    assert template.partner_logo.read() == b"partner bytes"
    assert template.partner_logo.name != source.certificate_template.partner_logo.name
    signatory = template.signatories.get()
    assert (signatory.name, signatory.title, signatory.organisation) == (
        "Prof. Aminudin",
        "Head",
        "Perpusnas",
    )
    assert signatory.signature.read() == b"signature bytes"


def test_new_programme_without_certificate_template_gets_none(source):
    source.certificate_template.delete()
    source = Programme.objects.get(pk=source.pk)
    source.organiser = UserFactory()
    new = _start(source)
    assert not CertificateTemplate.objects.filter(programme=new).exists()


def test_new_programme_copies_the_evaluation_questions_in_order(source):
    new = _start(source)
    assert list(
        new.evaluation_questions.values_list("text_en", "text_local", "kind", "choices", "required")
    ) == [
        ("How useful?", "", "rating", "", True),
        ("Which visit?", "Kunjungan mana?", "choice", "Village\nCity", False),
    ]


def test_new_programme_has_no_people_reports_or_files_of_people(source):
    new = _start(source)
    assert not new.participants.exists()
    assert not new.announcements.exists()
    assert not new.jobs.exists()
    assert not ClosingReport.objects.filter(programme=new).exists()


def test_original_programme_is_left_unchanged(source):
    before = _snapshot()
    new = _start(source)
    after = _snapshot()
    for label, rows in before.items():
        # Rows that were there before are all still there, unchanged.
        assert [row for row in after[label] if row in rows] == rows, label
    assert Programme.objects.get(pk=source.pk).slug == source.slug
    assert new.pk != source.pk


# The page


def _next_year() -> date:
    return timezone.localdate(timezone=JAKARTA) + timedelta(days=365)


def _form_data(**overrides) -> dict:
    return {**NAMES, "start_date": _next_year().isoformat(), **overrides}


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_copy_page_prefills_the_titles_and_tells_the_length(source):
    response = client_for(source.organiser).get(
        reverse("reports:programme_copy", args=[source.slug])
    )
    form = response.context["form"]
    assert form["title_en"].value() == source.title_en
    assert form["slug"].value() == ""
    # The new programme is written in the same languages: the labels name the local one.
    assert (form["title_local"].label, form["short_name_local"].label) == (
        "Title (Sinhala)",
        "Short name (Sinhala)",
    )
    content = response.content.decode()
    assert "the new programme lasts 5 days, like this one, in the same time zone" in content
    assert "(Asia/Jakarta)" in content


def test_copy_page_starts_the_new_programme_and_opens_it(source):
    client = client_for(source.organiser)
    response = client.post(reverse("reports:programme_copy", args=[source.slug]), _form_data())
    new = Programme.objects.get(slug="ksp-2024")
    assert response["Location"] == reverse("programs:detail", args=["ksp-2024"])
    assert (new.start_date, new.end_date) == (_next_year(), _next_year() + timedelta(days=4))
    assert _messages(response) == [
        "KSP 2024 was started from "
        f"{source.short_name_en}, with its settings, delegations, agenda, certificate template, "
        "evaluation questions and information, and no participants. Check its agenda and texts."
    ]
    assert client.get(reverse("participants:list", args=["ksp-2024"])).status_code == 200


def test_copy_page_refused_to_staff_without_a_change(source):
    staff = source.memberships.get(role="staff").user
    before = Programme.objects.count()
    response = client_for(staff).post(
        reverse("reports:programme_copy", args=[source.slug]), _form_data()
    )
    assert response.status_code == 403
    assert Programme.objects.count() == before


@pytest.mark.parametrize(
    ("overrides", "field", "error"),
    [
        (
            {"slug": "taken"},
            "slug",
            "Another programme already has this web address: choose another.",
        ),
        ({"slug": "Not a slug!"}, "slug", None),
        ({"slug": ""}, "slug", "This field is required."),
        ({"title_en": ""}, "title_en", "This field is required."),
        ({"start_date": "2023-02-30"}, "start_date", "Enter a valid date."),
        ({"start_date": "2020-01-06"}, "start_date", "The new programme cannot start in the past."),
        ({"start_date": "9999-12-30"}, "start_date", "Choose an earlier first day."),
    ],
)
def test_copy_page_bad_input_gives_form_errors(source, overrides, field, error):
    ProgrammeFactory(slug="taken")
    before = Programme.objects.count()
    response = client_for(source.organiser).post(
        reverse("reports:programme_copy", args=[source.slug]), _form_data(**overrides)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    if error is not None:
        assert errors[field] == [error]
    assert Programme.objects.count() == before


def test_programme_page_offers_the_copy_to_managers_only(source):
    link = reverse("reports:programme_copy", args=[source.slug])
    detail = reverse("programs:detail", args=[source.slug])
    staff = source.memberships.get(role="staff").user
    assert link in client_for(source.organiser).get(detail).content.decode()
    assert link not in client_for(staff).get(detail).content.decode()


def test_new_programme_is_all_or_nothing_when_its_slug_is_taken(source):
    ProgrammeFactory(slug="ksp-2024")
    before = _snapshot()
    with pytest.raises(IntegrityError):
        _start(source)
    assert _snapshot() == before


def test_every_part_of_a_programme_is_either_copied_or_listed_as_not_copied():
    parents = (Programme, Session, CertificateTemplate)
    parts = {
        model._meta.label
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model in parents
    }
    assert PARTS_COPIED.isdisjoint(PARTS_NOT_COPIED)
    assert parts == PARTS_COPIED | PARTS_NOT_COPIED
