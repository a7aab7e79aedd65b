"""The programme dashboard: counts at a glance and the delegations' seats."""

import pytest
from django.urls import reverse

from participants.models import Participant
from participants.services import change_status
from programs.models import Province

from ..conftest import client_for
from ..factories import (
    ColomboProgrammeFactory,
    DelegationFactory,
    MembershipFactory,
    ParticipantFactory,
    member_country,
)

Category, Status, Gender = Participant.Category, Participant.Status, Participant.Gender


def _dashboard(user, programme):
    return client_for(user).get(reverse("participants:dashboard", args=[programme.slug]))


@pytest.fixture
def registrations(cast, programme):
    """Beside the cast's two Vietnamese delegates: a small programme with every case."""
    programme.expected_international = 4
    programme.expected_domestic = 3
    programme.expected_other = 2
    programme.save()
    laos, vietnam = member_country("LA"), member_country("VN")
    bali = Province.objects.get(name="Bali")
    east_java = Province.objects.get(name="Jawa Timur")
    DelegationFactory(programme=programme, country=vietnam, seats=1)
    DelegationFactory(programme=programme, country=laos, seats=2)
    DelegationFactory(programme=programme, country=None, province=bali, seats=1)
    DelegationFactory(
        programme=programme, country=None, province=east_java, locality="Kota Surabaya", seats=1
    )

    def add(**fields):
        return ParticipantFactory(programme=programme, **fields)

    add(country=laos, gender=Gender.MALE, dietary_needs="Halal")
    add(country=laos, status=Status.WITHDRAWN)  # takes no seat
    add(country=laos, category=Category.SPEAKER, gender="")  # speakers take no delegation seat
    domestic = {"category": Category.DOMESTIC, "country": None}
    add(**domestic, province=bali, region="Provinsi Bali", accessibility_needs="Wheelchair")
    add(**domestic, province=bali, region="", dietary_needs="Vegan", accessibility_needs="Ramp")
    add(**domestic, province=bali, region="Kota Denpasar")  # a city without its own seats
    add(**domestic, province=east_java, region="Kota Surabaya", status=Status.CONFIRMED)
    add(**domestic, province=east_java, region="Kota Surabaya", status=Status.DECLINED)
    add(category=Category.OBSERVER, country=None, status=Status.ARRIVED)
    return programme


@pytest.mark.parametrize("role", ["staff", "organiser", "admin"])
def test_dashboard_offers_adding_to_managers_only(cast, programme, role):
    page = _dashboard(cast[role], programme).content.decode()
    assert programme.title_en in page
    assert "13 November 2023 – 17 November 2023" in page
    assert '<a href="/programmes/' in page and 'aria-current="page">Dashboard</a>' in page
    assert ("Add participant" in page) == (role in ("organiser", "admin"))


def test_dashboard_counts(cast, registrations):
    summary = _dashboard(cast["staff"], registrations).context["summary"]
    assert [(row["value"], row["count"]) for row in summary["statuses"]] == [
        ("invited", 7),
        ("confirmed", 1),
        ("arrived", 1),
        ("completed", 0),
        ("withdrawn", 1),
        ("declined", 1),
    ]
    assert summary["total"] == 11
    assert summary["active_total"] == 9
    assert [
        (row["label"], row["registered"], row["expected"]) for row in summary["categories"]
    ] == [
        ("International delegate", 3, 4),
        ("Domestic representative", 4, 3),
        ("Speakers, observers and staff", 2, 2),
    ]
    assert [(row["label"], row["count"]) for row in summary["categories"][2]["parts"]] == [
        ("Speaker / resource person", 1),
        ("Observer", 1),
    ]
    assert summary["expected_total"] == 9
    assert [(row["name"], row["count"]) for row in summary["countries"]] == [
        ("Vietnam", 2),
        ("Laos", 1),
    ]
    assert summary["regions"] == [
        {"name": "Bali", "count": 3, "regions": [("Kota Denpasar", 1), ("Provinsi Bali", 1)]},
        {"name": "Jawa Timur", "count": 1, "regions": [("Kota Surabaya", 1)]},
    ]
    # Vietnam and Laos, and the host, whose domestic representatives come from it.
    country_count = summary["country_count"]
    assert (country_count.total, country_count.host_represented, country_count.others) == (
        3,
        True,
        ("LA", "VN"),
    )
    assert country_count.sentence == (
        "3 countries represented: the host, Indonesia, and 2 other countries."
    )
    assert [(row["value"], row["count"]) for row in summary["genders"]] == [
        ("female", 7),
        ("male", 1),
        ("other", 0),
        ("", 1),
    ]
    # The declined Surabaya representative had no needs; the withdrawn one neither.
    assert summary["needs"] == {"dietary": 2, "accessibility": 2, "any": 3}


def test_dashboard_delegation_seats_and_over_quota_warning(cast, registrations):
    response = _dashboard(cast["organiser"], registrations)
    quotas = response.context["summary"]["quotas"]
    assert [(str(q.delegation), q.seats, q.registered, q.is_over) for q in quotas] == [
        ("Laos", 2, 1, False),
        ("Vietnam", 1, 2, True),
        ("Bali", 1, 2, True),
        ("Kota Surabaya (Jawa Timur)", 1, 1, False),
    ]
    page = response.content.decode()
    assert "2 delegations are over their seats:" in page
    assert "Vietnam (2/1), Bali (2/1)" in page
    assert page.count("Over quota by 1") == 2
    assert "1 seat free" in page
    assert ">Full</span>" in page


def test_dashboard_without_participants_or_delegations(programme):
    organiser = MembershipFactory(programme=programme).user
    response = _dashboard(organiser, programme)
    page = response.content.decode()
    assert response.context["summary"]["total"] == 0
    assert "No delegations have been set up." in page
    assert "No international delegates yet." in page
    assert "over their seats" not in page


def _bulk(programme, count: int) -> None:
    laos = member_country("LA")
    bali = Province.objects.get(name="Bali")
    DelegationFactory(programme=programme, country=laos, seats=3)
    DelegationFactory(programme=programme, country=None, province=bali, seats=3)
    Participant.objects.bulk_create(
        ParticipantFactory.build(
            programme=programme,
            category=Category.DOMESTIC if n % 2 else Category.INTERNATIONAL,
            status=Status.CONFIRMED,
            full_name=f"Person {n}",
            gender=Gender.MALE if n % 3 else Gender.FEMALE,
            country=None if n % 2 else laos,
            province=bali if n % 2 else None,
            region=f"Kabupaten {n % 9}" if n % 2 else "",
            email=f"person{n}@example.org",
            dietary_needs="Halal" if n % 4 == 0 else "",
        )
        for n in range(count)
    )


@pytest.mark.parametrize("size", [10, 500])
def test_dashboard_query_count_does_not_grow(cast, programme, size, django_assert_max_num_queries):
    _bulk(programme, size)
    client = client_for(cast["organiser"])
    url = reverse("participants:dashboard", args=[programme.slug])
    # Session, user, programme, membership role; counts by status, by category and gender,
    # the needs, delegates by origin, the countries represented, the delegations; the
    # withdrawn and declined with their reasons; the delegates by visa status; the
    # navigation's memberships and participations.
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.context["summary"]["total"] == size + 2


def test_withdrawn_and_declined_are_listed_apart_with_date_reason_and_replacement(
    cast, programme, django_assert_max_num_queries
):
    laos = member_country("LA")
    leaving = ParticipantFactory(programme=programme, full_name="Nguyen Van An", country=laos)
    change_status(
        participant=leaving,
        to_status=Status.WITHDRAWN,
        by=cast["organiser"],
        effective_on=programme.start_date,
        reason="Visa refused",
    )
    ParticipantFactory(
        programme=programme, full_name="Tran Thi Cuc", country=laos, replaces=leaving
    )
    declining = ParticipantFactory(programme=programme, full_name="Ram Thapa")
    change_status(participant=declining, to_status=Status.DECLINED, by=None, reason="Ill")
    client = client_for(cast["organiser"])
    # As for the dashboard without them (see above), plus one query for the people apart.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("participants:dashboard", args=[programme.slug]))
    assert [
        (p.display_name, p.left_on, p.left_reason, getattr(p, "replaced_by", None))
        for p in response.context["departed"]
    ] == [
        (
            "Nguyen Van An",
            programme.start_date,
            "Visa refused",
            programme.participants.get(full_name="Tran Thi Cuc"),
        ),
        ("Ram Thapa", declining.status_changes.get().effective_on, "Ill", None),
    ]
    page = response.content.decode()
    assert "<td>13 Nov 2023</td>\n              <td>Visa refused</td>" in page
    # The cast's two delegates and the replacement take part; the two who left do not.
    assert response.context["summary"]["active_total"] == 3


def test_dashboard_of_a_programme_hosted_in_sri_lanka_counts_the_host(db):
    programme = ColomboProgrammeFactory()
    organiser = MembershipFactory(programme=programme).user
    for code in ("IN", "MV", "BT"):
        ParticipantFactory(programme=programme, country=member_country(code))
    ParticipantFactory(programme=programme, country=member_country("NP"), status=Status.WITHDRAWN)
    domestic = {"programme": programme, "category": Category.DOMESTIC, "country": None}
    ParticipantFactory(**domestic, subdivision="LK-1", region="Gampaha")
    ParticipantFactory(**domestic, subdivision="LK-1", region="")
    ParticipantFactory(**domestic, subdivision="LK-2", region="Kandy")
    DelegationFactory(programme=programme, country=None, subdivision="LK-1", locality="Gampaha")
    DelegationFactory(programme=programme, country=None, subdivision="LK-1", seats=2)
    DelegationFactory(programme=programme, country=None, subdivision="LK-2", seats=2)
    response = _dashboard(organiser, programme)
    summary = response.context["summary"]
    # The locality's seats take its representative; the province's take the one without.
    assert [(str(q.delegation), q.seats, q.registered) for q in summary["quotas"]] == [
        ("Central Province", 2, 0),
        ("Gampaha (Western Province)", 1, 1),
        ("Western Province", 2, 1),
    ]
    assert summary["country_count"].total == 4
    assert [(row["name"], row["count"], row["regions"]) for row in summary["regions"]] == [
        ("Western Province", 2, [("Gampaha", 1)]),
        ("Central Province", 1, [("Kandy", 1)]),
    ]
    page = response.content.decode()
    assert "4 countries represented: the host, Sri Lanka, and 3 other countries." in page
    assert '<span class="stat-number">2</span> regions of Sri Lanka' in page
    assert "Domestic representatives by region of Sri Lanka" in page
    assert "Indonesian" not in page
    # Domestic representatives carry the host's member country.
    assert set(
        programme.participants.filter(category=Category.DOMESTIC).values_list(
            "country__country", flat=True
        )
    ) == {"LK"}
