from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from participants.models import (
    ActionPlan,
    ActionPlanComment,
    AlumniListing,
    Milestone,
    Nomination,
    NominationAnswer,
    NominationCall,
    NominationQuestion,
    Participant,
    StatusChange,
    TravelLeg,
    Visa,
)
from programs.models import Delegation, FocalPoint, Programme, ProgrammeMembership
from programs.permissions import PROGRAMME_OFFICE_GROUP
from visits.models import (
    Assignment,
    ReleasedBooking,
    Session,
    Site,
    TransferPassenger,
    TransferRun,
    Vehicle,
    VisitGroup,
)

JAKARTA = ZoneInfo("Asia/Jakarta")
MODELS = [
    Programme,
    ProgrammeMembership,
    Delegation,
    Vehicle,
    VisitGroup,
    Assignment,
    Participant,
    StatusChange,
    ReleasedBooking,
    Site,
    Session,
    FocalPoint,
    NominationCall,
    NominationQuestion,
    Nomination,
    NominationAnswer,
    Visa,
    TravelLeg,
    TransferRun,
    TransferPassenger,
    ActionPlan,
    Milestone,
    ActionPlanComment,
    AlumniListing,
    get_user_model(),
]


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("loaddemo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Programme.objects.get(slug="tpbis-2023")


def _counts() -> dict:
    counts = {model.__name__: model.objects.count() for model in MODELS}
    return counts


def _transfers_as_loaded() -> list:
    return list(
        TransferRun.objects.order_by("pk").values_list(
            "pickup_at", "vehicle", "seats", "driver_name", "updated_at", "passengers__participant"
        )
    )


def _call_as_loaded() -> dict:
    """What the demo's call records beyond row counts: times, decisions, stored files."""
    return {
        "calls": list(NominationCall.objects.values_list("deadline", "closed_at", "created_at")),
        "nominations": list(
            Nomination.objects.order_by("pk").values_list(
                "status",
                "participant",
                "created_at",
                "updated_at",
                "decided_at",
                "cv",
                "nomination_letter",
            )
        ),
        "focal_points": list(FocalPoint.objects.order_by("pk").values_list("user", "invited_at")),
        "reserves": list(Delegation.objects.order_by("pk").values_list("reserves", flat=True)),
        "visas": list(Visa.objects.order_by("pk").values()),
    }


def test_loaddemo_twice_changes_nothing(demo):
    before = _counts()
    call_before = _call_as_loaded()
    transfers_before = _transfers_as_loaded()
    call_command("loaddemo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == before
    assert _call_as_loaded() == call_before
    assert _transfers_as_loaded() == transfers_before
    # The reference programme and the sample hosted in Colombo.
    assert before["Programme"] == 2


def test_demo_delegates_fly_to_jakarta_and_home_and_loading_again_changes_no_leg(demo):
    international = demo.participants.filter(category=Participant.Category.INTERNATIONAL)
    legs = TravelLeg.objects.filter(participant__programme=demo)
    arrivals = legs.filter(direction=TravelLeg.Direction.ARRIVAL)
    assert set(legs.values_list("participant", flat=True)) == {p.pk for p in international}
    assert set(arrivals.values_list("from_code", flat=True)) >= {
        "VTE", "KUL", "KTM", "CMB", "RGN", "HAN",
    }  # fmt: skip
    for participant in international:
        # Landing at Soekarno–Hatta on 11 or 12 November, leaving on the 18th, local time.
        assert participant.arrival_details.endswith("CGK")
        assert participant.arrival_at.astimezone(JAKARTA).date() in (
            date(2023, 11, 11),
            date(2023, 11, 12),
        )
        assert participant.departure_at.astimezone(JAKARTA).date() == date(2023, 11, 18)
    connection = demo.participants.get(email="sita.shrestha@example.org")
    assert connection.legs.filter(direction=TravelLeg.Direction.ARRIVAL).count() == 2
    assert connection.arrival_at.astimezone(JAKARTA) == datetime(
        2023, 11, 11, 23, 35, tzinfo=JAKARTA
    )
    colombo = Programme.objects.get(slug="colombo-sample-2024")
    colombo_arrivals = TravelLeg.objects.filter(
        participant__programme=colombo, direction=TravelLeg.Direction.ARRIVAL
    )
    assert colombo_arrivals.filter(to_code="CMB").count() == 6
    as_loaded = list(legs.order_by("pk").values())
    call_command("loaddemo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(legs.order_by("pk").values()) == as_loaded


def test_demo_programme_has_the_reference_participants(demo):
    international = demo.participants.filter(category=Participant.Category.INTERNATIONAL)
    domestic = demo.participants.filter(category=Participant.Category.DOMESTIC)
    assert international.count() == 8
    assert sorted({p.country.code for p in international}) == ["LA", "LK", "MM", "MY", "NP", "VN"]
    assert domestic.count() == 10
    regions = [p.region for p in domestic]
    assert all(r.startswith(("Provinsi ", "Kabupaten ", "Kota ")) for r in regions)


def test_demo_international_delegates_have_plausible_visas(demo):
    visas = {
        p.full_name_latin or p.full_name: (p.country.code, p.visa.status, p.visa.decided_on)
        for p in demo.participants.filter(
            category=Participant.Category.INTERNATIONAL
        ).select_related("visa", "country")
    }
    assert len(visas) == 8
    asean = {"LA", "MM", "MY", "VN"}
    for code, status, decided_on in visas.values():
        if code in asean:
            assert status == Visa.Status.NOT_REQUIRED
        else:
            assert status in (Visa.Status.ON_ARRIVAL, Visa.Status.ISSUED)
        if status == Visa.Status.ISSUED:
            assert decided_on < date(2023, 11, 13)
    assert not Visa.objects.filter(participant__category=Participant.Category.DOMESTIC).exists()


def test_demo_agenda_spans_five_days_with_visit_and_closing(demo):
    days = {demo.to_local(s.starts_at).date() for s in demo.sessions.all()}
    assert days == {date(2023, 11, d) for d in range(13, 18)}
    visit = demo.sessions.get(site__name="Perpustakaan Mutiara Rawa Binong")
    assert visit.kind == Session.Kind.SITE_VISIT
    assert visit.site.city == "Jakarta Timur"
    assert demo.to_local(visit.starts_at).date() == date(2023, 11, 16)
    closing = demo.sessions.get(kind=Session.Kind.CEREMONY)
    assert demo.to_local(closing.starts_at).date() == date(2023, 11, 17)
    assert "Ofy Sofiana" in closing.speakers


def test_demo_times_are_stored_in_utc_and_shown_in_jakarta_time(demo):
    visit = demo.sessions.get(site__name="Perpustakaan Mutiara Rawa Binong")
    assert visit.starts_at == datetime(2023, 11, 16, 8, 30, tzinfo=JAKARTA)
    assert visit.starts_at.astimezone(ZoneInfo("UTC")).hour == 1
    client = Client()
    client.force_login(get_user_model().objects.get(email="staff@example.org"))
    page = client.get(reverse("visits:agenda", args=[demo.slug])).content.decode()
    assert "08:30" in page
    assert "Thursday, 16 November 2023" in page


def test_demo_programme_page_shows_8_international_from_6_countries_and_10_domestic(demo):
    client = Client()
    client.force_login(get_user_model().objects.get(email="organiser@example.org"))
    response = client.get(reverse("participants:list", args=[demo.slug]))
    stats = [(row["label"], row["count"]) for row in response.context["category_counts"]]
    assert stats == [("International delegate", 8), ("Domestic representative", 10)]
    # Six countries of international delegates and the host, Indonesia.
    country_count = response.context["country_count"]
    assert (country_count.total, len(country_count.others), country_count.host) == (7, 6, "ID")
    page = response.content.decode()
    assert '<span class="stat-number">7</span> countries represented' in page
    assert "ສົມພອນ ພົມມະວົງ" in page
    assert "Nguyễn Thị Thu Hà" in page


NAVIGATION = {
    # role: (links shown, links hidden)
    "admin@example.org": (["Programmes", "Administration"], ["My agenda"]),
    "organiser@example.org": (["Programmes"], ["Administration", "My agenda"]),
    "staff@example.org": (["Programmes"], ["Administration", "My agenda"]),
    "delegate@example.org": (["My agenda"], ["Programmes", "Administration"]),
}


@pytest.mark.parametrize("email", NAVIGATION)
def test_each_demo_role_sees_its_navigation(demo, email):
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": email, "password": f"tpbis-{email.split('@')[0]}-2023"}
    )
    assert response.status_code == 302
    page = client.get(reverse("home")).content.decode()
    nav = page[page.index('<nav class="main-nav"') : page.index("</nav>")]
    shown, hidden = NAVIGATION[email]
    for label in shown:
        assert f">{label}</a>" in nav
    for label in hidden:
        assert f">{label}</a>" not in nav
    assert "Sign out" in nav


def test_demo_delegate_sees_only_their_own_agenda_page(demo):
    client = Client()
    client.force_login(get_user_model().objects.get(email="delegate@example.org"))
    response = client.get(reverse("visits:my_agenda"))
    assert response.context["participant"].full_name == "Nguyễn Thị Thu Hà"
    assert "Perpustakaan Mutiara Rawa Binong" in response.content.decode()
    assert client.get(reverse("participants:list", args=[demo.slug])).status_code == 404


def test_demo_visits_have_buses_groups_and_recorded_attendance(demo):
    visit = demo.sessions.get(site__name="Perpustakaan Mutiara Rawa Binong")
    assert visit.departure_point == "Perpustakaan Nasional RI, main lobby"
    assert [v.name for v in visit.vehicles.all()] == ["Bus 1"]
    assert [(g.name, g.assignments.count()) for g in visit.groups.all()] == [
        ("Group A", 9),
        ("Group B", 9),
    ]
    assignments = Assignment.objects.filter(session__programme=demo)
    assert assignments.count() == 18 * demo.sessions.count()
    assert assignments.filter(attended__isnull=True).count() == 0
    absent = assignments.filter(attended=False)
    assert sorted(a.session.title_en for a in absent) == [
        "Cultural evening",
        "Measuring the impact of inclusive libraries",
        "Site visit: Bogor city library",
    ]


def test_demo_organiser_alone_works_in_the_programme_office(demo):
    call_command("loaddemo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    office = Group.objects.get(name=PROGRAMME_OFFICE_GROUP)
    assert list(office.user_set.values_list("email", flat=True)) == ["organiser@example.org"]
    client = Client()
    client.force_login(office.user_set.get())
    assert client.get(reverse("programs:create")).status_code == 200


def test_demo_delegates_are_picked_up_at_cgk_in_groups_landing_within_the_hour(demo):
    runs = [
        (
            demo.to_local(run.pickup_at).strftime("%d %H:%M"),
            run.airport_code,
            run.vehicle,
            run.seats,
            sorted(
                p.participant.full_name_latin or p.participant.full_name
                for p in run.passengers.all()
            ),
        )
        for run in TransferRun.objects.filter(programme=demo, direction="arrival")
    ]
    # Arrivals within the programme's hour share a car: those landing late at night or before
    # dawn are met on their own.
    assert runs == [
        ("11 23:35", "CGK", "Car 1", 4, ["Sita Shrestha"]),
        ("12 03:20", "CGK", "Car 2", 4, ["Kavitha Rajendran", "Nimal Perera"]),
        ("12 10:35", "CGK", "Car 3", 4, ["Nurul Aina binti Ahmad"]),
        ("12 13:20", "CGK", "Car 4", 4, ["Aung Kyaw Moe", "Nguyen Thi Thu Ha"]),
        ("12 14:55", "CGK", "Car 5", 4, ["Somphone Phommavong", "Vannaphone Sisouvanh"]),
    ]
    # Every international delegate flies: their arrival follows their legs.
    international = demo.participants.filter(category=Participant.Category.INTERNATIONAL)
    assert not international.filter(arrival_at__isnull=True).exists()
    client = Client()
    client.force_login(get_user_model().objects.get(email="delegate@example.org"))
    page = client.get(reverse("visits:my_agenda")).content.decode()
    assert "Pick-up at the airport" in page and "Budi Santoso" in page


def test_the_sample_programme_abroad_has_its_own_pick_ups_and_hotel(demo):
    colombo = Programme.objects.get(slug="colombo-sample-2024")
    runs = TransferRun.objects.filter(programme=colombo, direction="arrival")
    assert runs.count() >= 2 and set(runs.values_list("airport_code", flat=True)) == {"CMB"}
    # Every delegate who flies in is met.
    flying = colombo.participants.filter(legs__direction="arrival").distinct()
    met = TransferPassenger.objects.filter(run__in=runs).values_list("participant_id", flat=True)
    assert set(flying.values_list("pk", flat=True)) == set(met)
    hotel = colombo.hotels.get()
    assert hotel.room_types.exists() and colombo.participants.filter(room__isnull=False).exists()
