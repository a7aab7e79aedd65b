"""The transfers pages of the programme team, the arrivals board and the delegate's agenda."""

from datetime import timedelta

import pytest
from django.urls import reverse

from participants.models import Participant, TravelLeg
from tests.conftest import client_for
from tests.factories import ParticipantFactory, TransferRunFactory, member_country
from visits.models import TransferPassenger, TransferRun
from visits.transfers import add_passenger

from .travel import ARRIVAL, DEPARTURE, fly

pytestmark = pytest.mark.django_db


def _url(name: str, programme, *args) -> str:
    return reverse(f"visits:{name}", args=[programme.slug, *args])


def _delegate(programme, name: str, **fields) -> Participant:
    return ParticipantFactory(programme=programme, full_name=name, **fields)


def test_a_proposal_becomes_a_run_with_one_click(
    cast, programme, mailoutbox, django_capture_on_commit_callbacks
):
    ana, budi = _delegate(programme, "Ana Lima"), _delegate(programme, "Budi Utomo")
    fly(ana, ARRIVAL, "CGK", "2023-11-12 14:00")
    fly(budi, ARRIVAL, "CGK", "2023-11-12 14:35", service=("MH", "711"))
    client = client_for(cast["staff"])

    page = client.get(_url("transfers", programme))
    (proposal,) = page.context["proposals"]
    form = proposal.form
    assert (form["vehicle"].value(), form["seats"].value()) == ("Car", 4)
    text = page.content.decode()
    assert "GA 881" in text and "MH 711" in text
    data = {
        "direction": "arrival",
        "airport_code": "CGK",
        "pickup_at": form["pickup_at"].value(),
        "participants": [ana.pk, budi.pk],
        "vehicle": "Car",
        "seats": "4",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("transfers", programme), data, follow=True)

    run = TransferRun.objects.get()
    assert (run.direction, run.airport_code, run.vehicle, run.seats) == ("arrival", "CGK", "Car", 4)
    assert programme.to_local(run.pickup_at).strftime("%d %H:%M") == "12 14:35"
    assert set(run.passengers.values_list("participant", flat=True)) == {ana.pk, budi.pk}
    assert "The run of Sunday 12 November, 14:35, CGK was created with 2 passengers." in (
        response.content.decode()
    )
    assert response.context["proposals"] == []
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([ana.email, budi.email])

    # The same proposal again (a second tab): refused, nothing more saved.
    response = client.post(_url("transfers", programme), data, follow=True)
    assert "Ana Lima is already on the run of Sunday 12 November, 14:35, CGK." in (
        response.content.decode()
    )
    assert (TransferRun.objects.count(), TransferPassenger.objects.count()) == (1, 2)


def test_an_incomplete_proposal_creates_nothing(cast, programme):
    response = client_for(cast["staff"]).post(
        _url("transfers", programme), {"direction": "arrival", "airport_code": "C1"}, follow=True
    )
    assert "This proposal is out of date or incomplete: nothing was created." in (
        response.content.decode()
    )
    assert not TransferRun.objects.exists()


def test_the_run_page_changes_the_run_in_programme_time(
    cast, programme, mailoutbox, django_capture_on_commit_callbacks
):
    run = TransferRunFactory(programme=programme, seats=7)
    ana = _delegate(programme, "Ana Lima")
    add_passenger(run=run, participant=ana, by=None, notify=False)
    client = client_for(cast["organiser"])
    assert "Ana Lima" in client.get(_url("transfer_run", programme, run.pk)).content.decode()

    data = {
        "day": "2023-11-12",
        "time": "16:40",
        "airport_code": "hlp",
        "airport_name": "",
        "vehicle": "Minibus 2",
        "seats": "12",
        "driver_name": "Agus Wijaya",
        "driver_phone": "+62 812 1000 2002",
        "note": "Exit 2",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("transfer_run", programme, run.pk), data)
    assert response.status_code == 302
    run.refresh_from_db()
    assert programme.to_local(run.pickup_at).strftime("%Y-%m-%d %H:%M") == "2023-11-12 16:40"
    assert (
        run.airport_name,
        run.airport_code,
        run.vehicle,
        run.seats,
        run.driver_name,
        run.note,
    ) == (
        "Halim Perdanakusuma International Airport",
        "HLP",
        "Minibus 2",
        12,
        "Agus Wijaya",
        "Exit 2",
    )
    assert [mail.to for mail in mailoutbox] == [[ana.email]]

    # Too few seats, a bad airport code: field errors, nothing saved.
    response = client.post(
        _url("transfer_run", programme, run.pk), {**data, "seats": "0", "airport_code": "12"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "airport_code": ["Enter the airport's three-letter IATA code, e.g. “CGK”."],
        "seats": ["Ensure this value is greater than or equal to 1."],
    }
    run.refresh_from_db()
    assert (run.seats, run.airport_code) == (12, "HLP")


def test_passengers_are_added_and_removed_on_the_run_page(cast, programme):
    run = TransferRunFactory(programme=programme, seats=1)
    ana, budi = _delegate(programme, "Ana Lima"), _delegate(programme, "Budi Utomo")
    client = client_for(cast["staff"])

    client.post(_url("transfer_passenger_add", programme, run.pk), {"participant": ana.pk})
    assert list(run.passengers.values_list("participant", flat=True)) == [ana.pk]

    response = client.post(
        _url("transfer_passenger_add", programme, run.pk), {"participant": budi.pk}, follow=True
    )
    assert "The run has 1 seat and 1 passenger. Nobody more can be added." in (
        response.content.decode()
    )
    assert list(run.passengers.values_list("participant", flat=True)) == [ana.pk]

    passenger = run.passengers.get()
    client.post(_url("transfer_passenger_remove", programme, run.pk, passenger.pk))
    assert not run.passengers.exists()


def test_a_passenger_of_another_run_cannot_be_removed_through_this_one(cast, programme):
    run, other = TransferRunFactory(programme=programme), TransferRunFactory(programme=programme)
    passenger = add_passenger(
        run=other, participant=_delegate(programme, "Ana"), by=None, notify=False
    )
    response = client_for(cast["staff"]).post(
        _url("transfer_passenger_remove", programme, run.pk, passenger.pk)
    )
    assert response.status_code == 404
    assert TransferPassenger.objects.filter(pk=passenger.pk).exists()


def test_the_board_lists_each_day_who_lands_and_leaves_with_their_pick_up(cast, programme):
    ana = _delegate(programme, "Ana Lima", phone="+856 20 5555 0101", country=member_country("LA"))
    fly(ana, ARRIVAL, "CGK", "2023-11-12 16:05", service=("TG", "433"))
    fly(ana, DEPARTURE, "CGK", "2023-11-18 17:20", service=("TG", "434"))
    # Lands in Bali at 00:30 local time on the 13th: still the 12th in Jakarta.
    bali = _delegate(programme, "Wayan Sari", category=Participant.Category.DOMESTIC, country=None)
    fly(bali, ARRIVAL, "DPS", "2023-11-13 00:30", service=("GA", "410"))
    run = TransferRunFactory(
        programme=programme, vehicle="Van 1", pickup_at=ana.arrival_at + timedelta(minutes=10)
    )
    add_passenger(run=run, participant=ana, by=None, notify=False)

    response = client_for(cast["staff"]).get(_url("travel_board", programme))

    days = response.context["days"]
    assert [day.isoformat() for day, _rows in days] == ["2023-11-12", "2023-11-18"]
    first_day = [
        (row.participant.full_name, row.local_time.strftime("%H:%M")) for row in days[0][1]
    ]
    assert first_day == [("Ana Lima", "16:05"), ("Wayan Sari", "00:30")]
    assert [row.run for row in days[0][1]] == [run, None]
    page = " ".join(response.content.decode().split())
    for expected in [
        "Sunday 12 November 2023",
        "TG 433",
        "Laos",
        "+856 20 5555 0101",
        "16:15 · Van 1",
        "no pick-up yet",
        '00:30 <span class="meta">(13 Nov)</span>',
        "Saturday 18 November 2023",
        "TG 434",
    ]:
        assert expected in page


def _crowd(programme, size: int) -> None:
    """`size` international delegates, each landing at CGK on the day before the first day
    and leaving after the last, half of them on runs."""
    laos = member_country("LA")
    people = Participant.objects.bulk_create(
        Participant(
            programme=programme,
            category=Participant.Category.INTERNATIONAL,
            full_name=f"Delegate {n:04}",
            country=laos,
            phone=f"+856 20 {n:04}",
            arrival_at=programme.local_datetime(programme.start_date, 8) - timedelta(minutes=n),
            departure_at=programme.local_datetime(programme.end_date, 20) + timedelta(minutes=n),
        )
        for n in range(size)
    )
    TravelLeg.objects.bulk_create(
        TravelLeg(
            participant=person,
            direction=direction,
            carrier="GA",
            number=str(n),
            from_place="Vientiane",
            from_code="VTE" if direction == ARRIVAL else "CGK",
            to_place="Jakarta",
            to_code="CGK" if direction == ARRIVAL else "VTE",
            arrives_at=person.arrival_at if direction == ARRIVAL else None,
            departs_at=person.departure_at if direction == DEPARTURE else None,
        )
        for n, person in enumerate(people)
        for direction in (ARRIVAL, DEPARTURE)
    )
    runs = TransferRun.objects.bulk_create(
        TransferRun(
            programme=programme,
            direction=ARRIVAL,
            airport_code="CGK",
            pickup_at=person.arrival_at,
            vehicle=f"Van {n}",
            seats=4,
            driver_name="Budi",
        )
        for n, person in enumerate(people[: size // 2])
    )
    TransferPassenger.objects.bulk_create(
        TransferPassenger(run=run, participant=person, direction=ARRIVAL)
        for run, person in zip(runs, people, strict=False)
    )


@pytest.mark.parametrize("size", [10, 500])
@pytest.mark.parametrize("name", ["travel_board", "transfers"])
def test_transfer_pages_run_a_fixed_number_of_queries(
    cast, programme, size, name, django_assert_max_num_queries
):
    _crowd(programme, size)
    client = client_for(cast["staff"])
    # Session, user, programme, membership, and the navigation's memberships and
    # participations; the board: the runs of the passengers and the legs; the transfers page: a
    # proposal query per direction, the runs and their passengers.
    with django_assert_max_num_queries(6 + (2 if name == "travel_board" else 4)):
        response = client.get(_url(name, programme))
    page = response.content.decode()
    assert page.count("+856 20 ") == (2 * size if name == "travel_board" else 0)
    # Everyone twice: landing and leaving on the board; on the transfers page, on a run or
    # proposed one on the way in, proposed one on the way out.
    assert page.count("Delegate 0") == 2 * size


def test_the_delegate_sees_their_flights_and_pick_ups_above_the_days(cast, programme):
    delegate = programme.participants.get(user=cast["delegate"])
    fly(delegate, ARRIVAL, "CGK", "2023-11-12 16:05", service=("TG", "433"))
    fly(delegate, DEPARTURE, "CGK", "2023-11-18 17:20", service=("TG", "434"))
    run = TransferRunFactory(
        programme=programme,
        vehicle="Van 3",
        pickup_at=delegate.arrival_at + timedelta(minutes=35),
        driver_name="Dedi Kurniawan",
        driver_phone="+62 812 1000 2003",
    )
    add_passenger(run=run, participant=delegate, by=None, notify=False)

    page = " ".join(
        client_for(cast["delegate"]).get(reverse("visits:my_agenda")).content.decode().split()
    )

    for expected in [
        "Your travel",
        "Sun 12 Nov, 16:05</time> · TG 433 CGK",
        "Pick-up at the airport",
        "Sun 12 Nov, 16:40</time> · CGK · Van 3",
        "Dedi Kurniawan",
        'href="tel:+6281210002003"',
        "Sat 18 Nov, 17:20</time> · TG 434 CGK",
    ]:
        assert expected in page
    assert "Pick-up at the hotel" not in page
    other = client_for(cast["delegate_b"]).get(reverse("visits:my_agenda")).content.decode()
    assert "Your travel" not in other
