"""Sites: shared reference data that anyone on a programme's team maintains."""

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import MembershipFactory, SiteFactory, UserFactory
from visits.models import Site


def site_data(**overrides) -> dict:
    data = {
        "name": "Perpustakaan Kota Bogor",
        "kind": "city",
        "address": "Jl. Kapten Muslihat",
        "district": "Bogor Tengah",
        "city": "Bogor",
        "latitude": "-6.595000",
        "longitude": "106.793000",
        "capacity": "60",
        "description": "",
        "host_contact_name": "",
        "host_contact_phone": "",
        "host_contact_email": "",
        "accessibility_notes": "",
    }
    data.update(overrides)
    return data


SITE_EDITORS = ["staff", "other_organiser", "organiser", "admin"]


@pytest.mark.parametrize("role", SITE_EDITORS)
def test_site_list_shows_the_sites(cast, role):
    SiteFactory(name="Perpustakaan Nasional")
    response = client_for(cast[role]).get(reverse("visits:sites"))
    assert "Perpustakaan Nasional" in response.content.decode()


@pytest.mark.parametrize("role", SITE_EDITORS)
def test_site_create_adds_it(cast, role):
    response = client_for(cast[role]).post(reverse("visits:site_create"), site_data())
    assert response["Location"] == reverse("visits:sites")
    assert Site.objects.get(name="Perpustakaan Kota Bogor").city == "Bogor"


@pytest.mark.parametrize("role", SITE_EDITORS)
def test_site_edit_saves(cast, role):
    site = SiteFactory(name="Old name", city="Bogor")
    url = reverse("visits:site_edit", args=[site.pk])
    response = client_for(cast[role]).post(url, site_data(name="New name"))
    assert response["Location"] == reverse("visits:sites")
    site.refresh_from_db()
    assert site.name == "New name"


def test_a_user_with_no_role_anywhere_may_not_see_sites(db):
    SiteFactory(name="Perpustakaan Nasional")
    client = client_for(UserFactory())
    response = client.get(reverse("visits:sites"))
    assert response.status_code == 403
    assert "Perpustakaan Nasional" not in response.content.decode()
    assert client.post(reverse("visits:site_create"), site_data()).status_code == 403
    assert list(Site.objects.values_list("name", flat=True)) == ["Perpustakaan Nasional"]


def test_a_staff_member_of_any_programme_may_edit_sites(db):
    staff = MembershipFactory(role="staff").user
    response = client_for(staff).post(reverse("visits:site_create"), site_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("visits:sites")
    assert list(Site.objects.values_list("name", "city")) == [("Perpustakaan Kota Bogor", "Bogor")]


def test_unknown_site_is_not_found(cast):
    response = client_for(cast["staff"]).post(
        reverse("visits:site_edit", args=[999999]), site_data()
    )
    assert response.status_code == 404
    assert not Site.objects.exists()


def test_site_list_shows_type_district_city_capacity_and_map(cast):
    site = SiteFactory(
        name="Perpustakaan Kota Bogor",
        kind=Site.Kind.CITY_LIBRARY,
        district="Bogor Tengah",
        city="Bogor",
        capacity=60,
        latitude="-6.595000",
        longitude="106.793000",
    )
    SiteFactory(name="No map", city="Depok")

    html = client_for(cast["staff"]).get(reverse("visits:sites")).content.decode()

    edit = reverse("visits:site_edit", args=[site.pk])
    assert f'<td><a href="{edit}">Perpustakaan Kota Bogor</a></td>' in html
    for cell in ("City library", "Bogor Tengah", "Bogor", "60"):
        assert f"<td>{cell}</td>" in html
    assert site.map_url.replace("&", "&amp;") in html
    assert html.count("openstreetmap.org") == 1


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"latitude": "-90.5"},
            {"latitude": ["Ensure this value is greater than or equal to -90."]},
        ),
        ({"latitude": "91"}, {"latitude": ["Ensure this value is less than or equal to 90."]}),
        (
            {"longitude": "-180.1"},
            {"longitude": ["Ensure this value is greater than or equal to -180."]},
        ),
        ({"longitude": "181"}, {"longitude": ["Ensure this value is less than or equal to 180."]}),
        ({"longitude": ""}, {"longitude": ["Give both latitude and longitude, or neither."]}),
        ({"latitude": ""}, {"latitude": ["Give both latitude and longitude, or neither."]}),
        ({"capacity": "0"}, {"capacity": ["Ensure this value is greater than or equal to 1."]}),
        (
            {"name": "", "city": ""},
            {"name": ["This field is required."], "city": ["This field is required."]},
        ),
    ],
)
def test_site_form_validation(cast, changes, errors):
    response = client_for(cast["staff"]).post(reverse("visits:site_create"), site_data(**changes))

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert not Site.objects.exists()


def test_site_without_coordinates_or_capacity_is_fine(cast):
    response = client_for(cast["staff"]).post(
        reverse("visits:site_create"), site_data(latitude="", longitude="", capacity="")
    )

    assert response.status_code == 302
    site = Site.objects.get()
    assert (site.latitude, site.longitude, site.capacity, site.map_url) == (None, None, None, "")


def test_site_name_is_unique_per_city_as_a_field_error(cast):
    SiteFactory(name="Perpustakaan Kota Bogor", city="Bogor")
    client = client_for(cast["staff"])

    same_city = client.post(
        reverse("visits:site_create"), site_data(name="perpustakaan kota bogor", city="BOGOR")
    )
    other_city = client.post(reverse("visits:site_create"), site_data(city="Depok"))

    assert same_city.context["form"].errors == {
        "name": ["There is already a site called “perpustakaan kota bogor” in BOGOR."]
    }
    assert other_city.status_code == 302
    assert Site.objects.count() == 2


def test_site_keeps_its_own_name_when_edited(cast):
    site = SiteFactory(name="Perpustakaan Kota Bogor", city="Bogor", capacity=10)

    response = client_for(cast["staff"]).post(
        reverse("visits:site_edit", args=[site.pk]), site_data(capacity="80"), follow=True
    )

    site.refresh_from_db()
    assert site.capacity == 80
    assert [str(m) for m in response.context["messages"]] == ["Perpustakaan Kota Bogor was saved."]


@pytest.mark.parametrize("size", [10, 500])
def test_site_list_runs_a_fixed_number_of_queries(cast, size, django_assert_num_queries):
    Site.objects.bulk_create(
        SiteFactory.build(name=f"Library {n}", kind=Site.Kind.VILLAGE_LIBRARY, city="Bogor")
        for n in range(size)
    )
    client = client_for(cast["staff"])

    # Session, user, the user's memberships (access and navigation), their participations
    # (navigation), the sites.
    with django_assert_num_queries(5):
        response = client.get(reverse("visits:sites"))

    assert response.content.decode().count("<tr>") == size + 1
