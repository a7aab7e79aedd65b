from datetime import timedelta

import pytest
from django.urls import reverse

from participants.models import Participant
from reports.jobs import start_job
from reports.models import GenerationJob
from tests.conftest import client_for
from tests.factories import (
    AssignmentFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    SiteFactory,
    VehicleFactory,
    member_country,
)
from visits.models import Assignment, Session, Vehicle

from .test_documents import pdf_text


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def visit(programme):
    site = SiteFactory(
        name="Perpustakaan Kota Bogor",
        city="Bogor",
        address="Jl. Kapten Muslihat 8",
        host_contact_name="Ibu Ratna",
        host_contact_phone="+62 251 000 111",
    )
    starts = programme.local_datetime(programme.start_date + timedelta(days=1), 13, 30)
    return SessionFactory(
        programme=programme,
        kind=Session.Kind.SITE_VISIT,
        title_en="Site visit: Bogor city library",
        site=site,
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        departure_point="Main lobby",
        departs_at=starts - timedelta(minutes=15),
        returns_at=starts + timedelta(hours=4, minutes=30),
    )


@pytest.fixture
def bus(visit):
    return VehicleFactory(
        session=visit,
        name="Bus 1",
        kind=Vehicle.Kind.BUS,
        seats=3,
        plate="B 7123 TPB",
        driver_name="Pak Slamet",
        driver_phone="+62 812 0000 0101",
    )


def _manifest_url(programme, vehicle) -> str:
    return reverse("reports:manifest", args=[programme.slug, vehicle.session_id, vehicle.pk])


def generate(programme, vehicle, user, capture, language="en") -> GenerationJob:
    with capture(execute=True):
        document = start_job(
            programme=programme,
            kind=GenerationJob.Kind.MANIFEST,
            language=language,
            by=user,
            vehicle=vehicle,
        )
    document.refresh_from_db()
    return document


def test_manifest_lists_exactly_the_vehicle_passengers(
    programme, visit, bus, cast, django_capture_on_commit_callbacks
):
    van = VehicleFactory(session=visit, name="Van 2", kind=Vehicle.Kind.VAN, seats=6)
    riders = [
        ParticipantFactory(
            programme=programme,
            full_name="ສົມພອນ ພົມມະວົງ",
            full_name_latin="Somphone Phommavong",
            country=member_country("LA"),
            phone="+856 20 5555 0101",
            accessibility_needs="Wheelchair access",
        ),
        ParticipantFactory(
            programme=programme,
            category=Participant.Category.DOMESTIC,
            country=None,
            full_name="Siti Rahmawati",
            region="Kota Bandung",
            phone="+62 811 2222 333",
            dietary_needs="Vegetarian",
        ),
    ]
    in_the_van = ParticipantFactory(programme=programme, full_name="Van Passenger")
    no_vehicle = ParticipantFactory(programme=programme, full_name="Walking Participant")
    withdrawn = ParticipantFactory(
        programme=programme, full_name="Withdrawn Rider", status=Participant.Status.WITHDRAWN
    )
    for participant in riders:
        AssignmentFactory(session=visit, participant=participant, vehicle=bus)
    AssignmentFactory(session=visit, participant=in_the_van, vehicle=van)
    AssignmentFactory(session=visit, participant=no_vehicle)
    AssignmentFactory(session=visit, participant=withdrawn, vehicle=bus)

    document = generate(programme, bus, cast["staff"], django_capture_on_commit_callbacks)

    assert document.status == GenerationJob.Status.DONE
    # Words as printed, whatever the line breaks in the table's cells.
    text = " ".join(pdf_text(document.combined.read()).split())
    for expected in [
        "Passenger manifest: Bus 1",
        "Site visit: Bogor city library",
        "Tuesday, 14 November 2023, 13:30–17:30 (Asia/Jakarta)",
        "13:15 · Main lobby",  # departure, programme time
        "18:00",  # return
        "Bus 1 · Bus · B 7123 TPB · 3 seats",
        "Pak Slamet · +62 812 0000 0101",
        "Perpustakaan Kota Bogor, Jl. Kapten Muslihat 8, Bogor",
        "Ibu Ratna · +62 251 000 111",
        "Somphone Phommavong",
        "ສົມພອນ ພົມມະວົງ",
        "Laos",
        "+856 20 5555 0101",
        "Access: Wheelchair access",
        "Siti Rahmawati",
        "Kota Bandung",
        "+62 811 2222 333",
        "Diet: Vegetarian",
        "2 passengers for 3 seats · 1 seat free · 1 with accessibility needs · "
        "1 with dietary needs",
    ]:
        assert expected in text
    for absent in ["Van Passenger", "Walking Participant", "Withdrawn Rider", riders[0].email]:
        assert absent not in text
    assert text.index("Siti Rahmawati") < text.index("Somphone Phommavong")  # by Latin name


def test_manifest_shows_when_a_vehicle_is_over_capacity(
    programme, visit, bus, cast, django_capture_on_commit_callbacks
):
    for participant in ParticipantFactory.create_batch(4, programme=programme):
        AssignmentFactory(session=visit, participant=participant, vehicle=bus)
    text = pdf_text(
        generate(programme, bus, cast["staff"], django_capture_on_commit_callbacks).combined.read()
    )
    assert "4 passengers for 3 seats · 1 over capacity" in text


def test_regenerating_a_manifest_replaces_it(
    programme, bus, cast, django_capture_on_commit_callbacks, tmp_path
):
    first = generate(programme, bus, cast["staff"], django_capture_on_commit_callbacks)
    second = generate(programme, bus, cast["organiser"], django_capture_on_commit_callbacks)
    first.refresh_from_db()
    assert (first.combined.name, second.started_by) == ("", cast["organiser"])
    folder = tmp_path / "jobs" / str(programme.pk) / "manifest"
    stored = sorted(path.name for path in folder.iterdir() if path.is_file())
    assert stored == [f"manifest-vehicle-{bus.pk}-en.pdf"]


def test_manifest_of_a_vehicle_gone_from_the_programme_fails_visibly(
    programme, bus, cast, django_capture_on_commit_callbacks
):
    bus.session = SessionFactory(programme=ProgrammeFactory())
    bus.save()
    document = generate(programme, bus, cast["admin"], django_capture_on_commit_callbacks)
    assert (document.status, document.error) == ("failed", "The vehicle no longer exists.")


def test_manifest_page_shows_passengers_and_documents(
    programme, visit, bus, cast, django_capture_on_commit_callbacks
):
    rider = ParticipantFactory(programme=programme, full_name="Nimal Perera", dietary_needs="Halal")
    AssignmentFactory(session=visit, participant=rider, vehicle=bus)
    document = generate(programme, bus, cast["staff"], django_capture_on_commit_callbacks)
    response = client_for(cast["staff"]).get(_manifest_url(programme, bus))
    page = response.content.decode()
    assert [a.participant for a in response.context["passengers"]] == [rider]
    assert response.context["documents"] == [document]
    assert "Nimal Perera" in page
    assert "Halal" in page
    assert "1 passenger for 3 seats" in page
    assert reverse("reports:job_combined", args=[document.pk]) in page
    assert "13:15 · Main lobby" in page


def test_manifest_page_names_the_vehicle(cast, programme, bus):
    response = client_for(cast["staff"]).get(_manifest_url(programme, bus))
    assert "Passenger manifest: Bus 1" in response.content.decode()


@pytest.mark.parametrize("role", ["staff", "organiser", "admin"])
def test_generating_a_manifest_by_the_team(
    cast, programme, bus, role, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast[role]).post(_manifest_url(programme, bus), {"language": "en"})
    assert response["Location"] == _manifest_url(programme, bus)
    document = GenerationJob.objects.get()
    assert (document.kind, document.vehicle, document.status) == ("manifest", bus, "done")


def test_manifest_download_by_staff(cast, programme, bus, django_capture_on_commit_callbacks):
    document = generate(programme, bus, cast["admin"], django_capture_on_commit_callbacks)
    response = client_for(cast["staff"]).get(reverse("reports:job_combined", args=[document.pk]))
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert f"manifest-vehicle-{bus.pk}-en.pdf" in response["Content-Disposition"]


def test_manifest_status_by_staff_links_back_to_the_vehicle(
    cast, programme, bus, django_capture_on_commit_callbacks
):
    document = generate(programme, bus, cast["admin"], django_capture_on_commit_callbacks)
    response = client_for(cast["staff"]).get(reverse("reports:job_status", args=[document.pk]))
    page = response.content.decode()
    assert "Bus 1 – Site visit: Bogor city library" in page
    assert _manifest_url(programme, bus) in page


def test_vehicle_is_reached_only_through_its_item(cast, programme, visit, bus):
    client = client_for(cast["organiser"])
    other_item = SessionFactory(programme=programme)
    foreign_bus = VehicleFactory(session=SessionFactory(), name="Bus 9", seats=40)
    urls = [
        reverse("reports:manifest", args=[programme.slug, other_item.pk, bus.pk]),
        reverse("reports:manifest", args=[programme.slug, foreign_bus.session_id, foreign_bus.pk]),
        reverse("reports:manifest", args=[programme.slug, visit.pk, foreign_bus.pk]),
    ]
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    assert [client.post(url, {"language": "en"}).status_code for url in urls] == [404, 404, 404]
    assert not GenerationJob.objects.exists()


def test_manifest_with_an_unknown_language_is_refused(cast, programme, bus):
    response = client_for(cast["staff"]).post(
        _manifest_url(programme, bus), {"language": "xx"}, follow=True
    )
    assert "Choose a language." in response.content.decode()
    assert not GenerationJob.objects.exists()


def test_manifest_page_query_count_is_fixed(cast, programme, visit, django_assert_num_queries):
    bus = VehicleFactory(session=visit, name="Big bus", seats=600)
    client = client_for(cast["staff"])
    url = _manifest_url(programme, bus)

    def board(size: int) -> None:
        people = Participant.objects.bulk_create(
            ParticipantFactory.build(
                programme=programme,
                category=Participant.Category.INTERNATIONAL,
                country=member_country("VN"),
                full_name=f"Passenger {size}-{n}",
                badge_code=f"code-{size}-{n}",
            )
            for n in range(size)
        )
        Assignment.objects.bulk_create(
            AssignmentFactory.build(session=visit, participant=person, vehicle=bus)
            for person in people
        )

    board(10)
    # Session, user, programme, staff role, item with site, vehicle, manifest documents,
    # passengers with their country, province and group, the menu's membership and delegate
    # checks.
    with django_assert_num_queries(10):
        assert len(client.get(url).context["passengers"]) == 10
    board(490)
    with django_assert_num_queries(10):
        assert len(client.get(url).context["passengers"]) == 500
