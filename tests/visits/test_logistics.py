"""An item's page and its logistics: groups, vehicles and materials."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from programs.uploads import MATERIAL
from tests.conftest import client_for
from tests.factories import (
    AssignmentFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    SessionMaterialFactory,
    SiteFactory,
    VehicleFactory,
    VisitGroupFactory,
)
from visits.models import (
    Session,
    SessionPhoto,
    Vehicle,
    VisitGroup,
)
from visits.services import delete_group_or_vehicle, delete_with_file, vehicle_overload_warning

# Who may reach each view is in tests/permission_table.py; these are what the team gets.
TEAM = ["staff", "organiser", "admin"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def visit(programme):
    site = SiteFactory(
        name="Perpustakaan Mutiara Rawa Binong",
        address="Rawa Binong",
        city="Jakarta Timur",
        latitude="-6.250000",
        longitude="106.880000",
        host_contact_name="Library manager",
        host_contact_phone="+62 21 0000 0002",
        capacity=30,
    )
    starts_at = programme.local_datetime(programme.start_date + timedelta(days=3), 8, 30)
    return SessionFactory(
        programme=programme,
        kind=Session.Kind.SITE_VISIT,
        title_en="Site visit: Rawa Binong",
        site=site,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=4),
        departure_point="Main lobby",
        departs_at=starts_at - timedelta(minutes=30),
    )


def expect(response, role: str, allowed: int) -> None:
    assert response.status_code == allowed, role


def book(session, count, **fields):
    people = ParticipantFactory.create_batch(count, programme=session.programme)
    for person in people:
        AssignmentFactory(session=session, participant=person, **fields)
    return people


# --- The item page ---------------------------------------------------------------------------


def test_item_detail_shows_site_transport_groups_vehicles_and_links(cast, programme, visit):
    group = VisitGroupFactory(
        session=visit, name="Group A", capacity=2, guide_name="Dewi", guide_phone="+62 812 1"
    )
    bus = VehicleFactory(
        session=visit, name="Bus 1", seats=2, plate="B 7123 TPB", driver_name="Slamet"
    )
    book(visit, 3, group=group, vehicle=bus)

    response = client_for(cast["staff"]).get(
        reverse("visits:item_detail", args=[programme.slug, visit.pk])
    )

    html = response.content.decode()
    assert "Thursday 16 November 2023" in html
    assert "08:30</time>–<time" in html
    assert "Rawa Binong" in html and "Jakarta Timur" in html
    assert visit.site.map_url.replace("&", "&amp;") in html
    assert '<a href="tel:+622100000002">+62 21 0000 0002</a>' in html
    assert "08:00</time>, Main lobby" in html
    assert "B 7123 TPB" in html and "Slamet" in html and "Dewi" in html
    assert reverse("visits:assign", args=[programme.slug, visit.pk]) in html
    assert reverse("visits:attendance", args=[programme.slug, visit.pk]) in html
    assert reverse("reports:manifest", args=[programme.slug, visit.pk, bus.pk]) in html
    assert "Group Group A has 3 people for 2 places." in html
    assert "Bus 1 has 2 seats for 3 people." in html
    assert [c.message for c in response.context["conflicts"]] == [
        "Group Group A has 3 people for 2 places.",
        "Bus 1 has 2 seats for 3 people.",
        "3 people are assigned but its groups take 2.",
    ]


def test_item_detail_runs_a_fixed_number_of_queries(
    cast, programme, visit, django_assert_max_num_queries
):
    client = client_for(cast["staff"])
    url = reverse("visits:item_detail", args=[programme.slug, visit.pk])
    for n in range(5):
        VisitGroupFactory(session=visit, name=f"G{n}", capacity=10)
        VehicleFactory(session=visit, name=f"Bus {n}", seats=10)
        SessionMaterialFactory(session=visit, title=f"Slides {n}", url="https://e.org/")
    book(visit, 20)

    # Session, user, programme, membership; the item and its prefetches (speakers,
    # materials, groups, vehicles); its conflicts (items, assignments, groups, vehicles,
    # other programmes' items); whether it can be deleted; navigation (memberships).
    with django_assert_max_num_queries(18) as queries:
        client.get(url)
    for n in range(5, 30):
        VisitGroupFactory(session=visit, name=f"G{n}", capacity=10)
        VehicleFactory(session=visit, name=f"Bus {n}", seats=10)
    book(visit, 100)
    with django_assert_max_num_queries(len(queries)):
        client.get(url)


# --- Groups ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", TEAM)
def test_group_views_create_edit_and_delete(cast, programme, visit, role):
    client = client_for(cast[role])
    group = VisitGroupFactory(session=visit, name="Group A", capacity=10)
    args = [programme.slug, visit.pk]

    expect(client.get(reverse("visits:group_create", args=args)), role, 200)
    expect(
        client.post(reverse("visits:group_create", args=args), {"name": "B", "capacity": 5}),
        role,
        302,
    )
    expect(client.get(reverse("visits:group_edit", args=[*args, group.pk])), role, 200)
    expect(
        client.post(
            reverse("visits:group_edit", args=[*args, group.pk]), {"name": "A", "capacity": 8}
        ),
        role,
        302,
    )
    expect(
        client.post(reverse("visits:group_delete", args=[*args, group.pk]), {"confirmed": "1"}),
        role,
        302,
    )

    names = list(visit.groups.values_list("name", flat=True))
    assert names == ["B"]


def test_group_capacity_cannot_go_below_the_people_assigned(cast, programme, visit):
    group = VisitGroupFactory(session=visit, name="Group A", capacity=10)
    book(visit, 3, group=group)

    response = client_for(cast["staff"]).post(
        reverse("visits:group_edit", args=[programme.slug, visit.pk, group.pk]),
        {"name": "Group A", "capacity": 2},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "capacity": ["3 people are assigned; capacity cannot be below 3."]
    }
    group.refresh_from_db()
    assert group.capacity == 10


def test_group_names_are_unique_per_item(cast, programme, visit):
    VisitGroupFactory(session=visit, name="Group A", capacity=10)
    other_visit = SessionFactory(programme=programme, title_en="Other")
    VisitGroupFactory(session=other_visit, name="Group B", capacity=10)
    client = client_for(cast["staff"])

    refused = client.post(
        reverse("visits:group_create", args=[programme.slug, visit.pk]),
        {"name": "group a", "capacity": 5},
    )
    accepted = client.post(
        reverse("visits:group_create", args=[programme.slug, visit.pk]),
        {"name": "Group B", "capacity": 5},
    )

    assert refused.context["form"].errors == {
        "name": ["This item already has a group called “group a”."]
    }
    assert accepted.status_code == 302
    assert sorted(visit.groups.values_list("name", flat=True)) == ["Group A", "Group B"]


def test_deleting_a_group_keeps_its_participants_on_the_item(cast, programme, visit):
    group = VisitGroupFactory(session=visit, name="Group A", capacity=10)
    book(visit, 2, group=group)

    response = client_for(cast["staff"]).post(
        reverse("visits:group_delete", args=[programme.slug, visit.pk, group.pk]),
        {"confirmed": "1"},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Group Group A was deleted; its 2 participants now have no group."
    ]
    assert list(visit.assignments.values_list("group", flat=True)) == [None, None]


def test_group_of_another_item_is_not_found(cast, programme, visit):
    other = SessionFactory(programme=ProgrammeFactory())
    group = VisitGroupFactory(session=other, name="Group A", capacity=10)

    client = client_for(cast["admin"])
    response = client.get(reverse("visits:group_edit", args=[programme.slug, visit.pk, group.pk]))
    assert response.status_code == 404
    response = client.post(
        reverse("visits:group_delete", args=[programme.slug, visit.pk, group.pk])
    )
    assert response.status_code == 404
    assert VisitGroup.objects.filter(pk=group.pk).exists()


# --- Vehicles --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", TEAM)
def test_vehicle_views_create_edit_and_delete(cast, programme, visit, role):
    client = client_for(cast[role])
    bus = VehicleFactory(session=visit, name="Bus 1", seats=30)
    args = [programme.slug, visit.pk]
    van = {"name": "Van 1", "kind": "van", "seats": 8, "plate": "", "driver_name": ""}

    expect(client.get(reverse("visits:vehicle_create", args=args)), role, 200)
    expect(client.post(reverse("visits:vehicle_create", args=args), van), role, 302)
    expect(client.get(reverse("visits:vehicle_edit", args=[*args, bus.pk])), role, 200)
    expect(
        client.post(
            reverse("visits:vehicle_edit", args=[*args, bus.pk]),
            {"name": "Bus 1", "kind": "bus", "seats": 40},
        ),
        role,
        302,
    )
    expect(
        client.post(reverse("visits:vehicle_delete", args=[*args, bus.pk]), {"confirmed": "1"}),
        role,
        302,
    )

    assert list(visit.vehicles.values_list("name", flat=True)) == ["Van 1"]


def test_vehicle_with_fewer_seats_than_passengers_is_saved_with_a_warning(cast, programme, visit):
    bus = VehicleFactory(session=visit, name="Bus 1", seats=30)
    book(visit, 3, vehicle=bus)

    response = client_for(cast["staff"]).post(
        reverse("visits:vehicle_edit", args=[programme.slug, visit.pk, bus.pk]),
        {"name": "Bus 1", "kind": "minibus", "seats": 2, "driver_phone": "+62 812"},
        follow=True,
    )

    bus.refresh_from_db()
    assert (bus.kind, bus.seats, bus.driver_phone) == ("minibus", 2, "+62 812")
    assert [str(m) for m in response.context["messages"]] == [
        "Bus 1 was saved.",
        "Bus 1 has 2 seats for 3 people.",
    ]


def test_vehicle_seats_must_be_positive_and_names_unique(cast, programme, visit):
    VehicleFactory(session=visit, name="Bus 1", seats=30)

    response = client_for(cast["staff"]).post(
        reverse("visits:vehicle_create", args=[programme.slug, visit.pk]),
        {"name": "Bus 1", "kind": "bus", "seats": 0},
    )

    assert response.context["form"].errors == {
        "name": ["This item already has a vehicle called “Bus 1”."],
        "seats": ["Ensure this value is greater than or equal to 1."],
    }


# --- Materials -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", TEAM)
def test_material_views_add_and_delete(cast, programme, visit, role):
    client = client_for(cast[role])
    handout = SessionMaterialFactory(session=visit, title="Handout", url="https://e.org")
    args = [programme.slug, visit.pk]

    expect(client.get(reverse("visits:material_create", args=args)), role, 200)
    expect(
        client.post(
            reverse("visits:material_create", args=args),
            {"title": "Slides", "file": SimpleUploadedFile("slides.pdf", b"%PDF-1.4 slides")},
        ),
        role,
        302,
    )
    expect(
        client.post(
            reverse("visits:material_delete", args=[*args, handout.pk]), {"confirmed": "1"}
        ),
        role,
        302,
    )

    assert list(visit.materials.values_list("title", flat=True)) == ["Slides"]


@pytest.mark.parametrize("role", ["delegate", *TEAM])
def test_material_download_for_the_team_and_booked_delegates(cast, programme, visit, role):
    # Delegate A is booked on the visit; delegate B is not.
    AssignmentFactory(session=visit, participant=cast["delegate"].participations.get())
    material = SessionMaterialFactory(
        session=visit, title="Slides", file=SimpleUploadedFile("slides.pdf", b"%PDF-1.4 slides")
    )

    response = client_for(cast[role]).get(
        reverse("visits:material_download", args=[programme.slug, visit.pk, material.pk])
    )

    assert b"".join(response.streaming_content) == b"%PDF-1.4 slides"
    assert response["Content-Disposition"] == 'attachment; filename="slides.pdf"'


def test_material_link_redirects_a_booked_delegate(cast, programme, visit):
    AssignmentFactory(session=visit, participant=cast["delegate"].participations.get())
    link = SessionMaterialFactory(session=visit, title="Map", url="https://maps.example/")

    response = client_for(cast["delegate"]).get(
        reverse("visits:material_download", args=[programme.slug, visit.pk, link.pk])
    )

    assert response.status_code == 302
    assert response["Location"] == "https://maps.example/"


def test_material_of_another_item_is_not_found(cast, programme, visit):
    other = SessionFactory(programme=programme, title_en="Other")
    material = SessionMaterialFactory(session=other, title="Map", url="https://e.org/")

    response = client_for(cast["staff"]).get(
        reverse("visits:material_download", args=[programme.slug, visit.pk, material.pk])
    )

    assert response.status_code == 404
    assert not response.has_header("Location")


def test_material_upload_over_20_mb_is_refused(cast, programme, visit):
    too_big = SimpleUploadedFile("video.mp4", b"0" * (MATERIAL.max_bytes + 1))

    response = client_for(cast["staff"]).post(
        reverse("visits:material_create", args=[programme.slug, visit.pk]),
        {"title": "Video", "file": too_big},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": ["The file is 20.0\xa0MB, over the 20 MB limit for session materials."]
    }
    assert not visit.materials.exists()


def test_material_upload_of_exactly_20_mb_is_accepted(cast, programme, visit):
    response = client_for(cast["staff"]).post(
        reverse("visits:material_create", args=[programme.slug, visit.pk]),
        {"title": "Video", "file": SimpleUploadedFile("video.mp4", b"0" * MATERIAL.max_bytes)},
    )

    assert response.status_code == 302
    assert visit.materials.get().file.size == MATERIAL.max_bytes


def test_material_needs_a_file_or_a_link_not_both(cast, programme, visit):
    client = client_for(cast["staff"])
    url = reverse("visits:material_create", args=[programme.slug, visit.pk])

    neither = client.post(url, {"title": "Slides"})
    both = client.post(
        url,
        {
            "title": "Slides",
            "url": "https://e.org/",
            "file": SimpleUploadedFile("slides.pdf", b"%PDF"),
        },
    )
    link = client.post(url, {"title": "Slides", "url": "e.org/slides"})

    assert neither.context["form"].errors == {"file": ["Upload a file or give a link."]}
    assert both.context["form"].non_field_errors() == ["Upload a file or give a link, not both."]
    assert link.status_code == 302
    assert visit.materials.get().url == "https://e.org/slides"


def test_deleting_a_material_removes_its_file_once_committed(
    cast, programme, visit, tmp_path, django_capture_on_commit_callbacks
):
    material = SessionMaterialFactory(
        session=visit, title="Slides", file=SimpleUploadedFile("slides.pdf", b"%PDF")
    )
    path = tmp_path / material.file.name
    assert path.exists()

    with django_capture_on_commit_callbacks() as callbacks:
        client_for(cast["staff"]).post(
            reverse("visits:material_delete", args=[programme.slug, visit.pk, material.pk]),
            {"confirmed": "1"},
        )
        # Until the deletion commits, the file stays.
        assert path.exists()
    for callback in callbacks:
        callback()

    assert not path.exists()
    assert not visit.materials.exists()


def test_delegate_agenda_links_the_materials_of_their_items(cast, programme, visit):
    AssignmentFactory(session=visit, participant=cast["delegate"].participations.get())
    material = SessionMaterialFactory(session=visit, title="Slides", url="https://e.org/")

    html = client_for(cast["delegate"]).get(reverse("visits:my_agenda")).content.decode()

    url = reverse("visits:material_download", args=[programme.slug, visit.pk, material.pk])
    assert f'href="{url}"' in html
    assert "Slides" in html


# --- Services behind the views ---------------------------------------------------------------


def test_deleting_a_vehicle_unseats_its_passengers_and_marks_their_bookings_updated(visit):
    bus = Vehicle.objects.create(session=visit, name="Bus 1", seats=30)
    book(visit, 2, vehicle=bus)
    other = Vehicle.objects.create(session=visit, name="Bus 2", seats=30)
    book(visit, 1, vehicle=other)
    before = dict(visit.assignments.values_list("pk", "updated_at"))

    left = delete_group_or_vehicle(obj=bus)

    assert left == 2
    assert list(visit.vehicles.values_list("name", flat=True)) == ["Bus 2"]
    rows = visit.assignments.values_list("pk", "vehicle", "updated_at")
    assert sorted((vehicle or 0, updated > before[pk]) for pk, vehicle, updated in rows) == [
        (0, True),
        (0, True),
        (other.pk, False),
    ]


def test_vehicle_overload_warning_only_past_its_seats(visit):
    bus = Vehicle.objects.create(session=visit, name="Bus 1", seats=2)
    book(visit, 2, vehicle=bus)
    assert vehicle_overload_warning(bus) == ""
    book(visit, 1, vehicle=bus)
    assert vehicle_overload_warning(bus) == "Bus 1 has 2 seats for 3 people."


def test_deleting_a_photo_with_its_file_waits_for_the_commit(
    visit, tmp_path, django_capture_on_commit_callbacks
):
    photo = SessionPhoto.objects.create(
        session=visit, image=SimpleUploadedFile("p.jpg", b"\xff\xd8\xff")
    )
    path = tmp_path / photo.image.name
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        delete_with_file(obj=photo, file=photo.image)
        assert path.exists()
    assert (len(callbacks), path.exists(), SessionPhoto.objects.exists()) == (1, False, False)
