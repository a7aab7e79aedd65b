"""Airport transfers: the runs proposed from the flights, and the rules of who rides what."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from participants.models import Participant
from tests.factories import ParticipantFactory, ProgrammeFactory, TransferRunFactory
from visits.models import TransferPassenger, TransferRun
from visits.transfers import (
    HOTEL_PICKUP_BEFORE_DEPARTURE,
    add_passenger,
    create_run,
    propose_runs,
    remove_passenger,
    update_run,
)

from .travel import ARRIVAL, DEPARTURE, fly

pytestmark = pytest.mark.django_db


def _delegate(programme, name: str, **fields) -> Participant:
    return ParticipantFactory(programme=programme, full_name=name, **fields)


def _summary(proposals) -> list[tuple]:
    return [
        (
            p.direction,
            p.airport_code,
            p.programme_time,
            sorted(person.full_name for person in p.participants),
        )
        for p in proposals
    ]


def _proposals(programme) -> list[tuple]:
    proposals = propose_runs(programme)
    for proposal in proposals:
        proposal.programme_time = programme.to_local(proposal.pickup_at).strftime("%d %H:%M")
    return _summary(proposals)


def test_arrivals_group_by_airport_within_the_window_of_the_first(programme):
    programme.pickup_window_minutes = 60
    programme.save()
    for name, airport, at in [
        ("Ana", "CGK", "2023-11-12 14:00"),
        ("Budi", "CGK", "2023-11-12 14:40"),
        # Exactly the window after the group's first arrival: still in it.
        ("Chen", "CGK", "2023-11-12 15:00"),
        # Within an hour of Chen but not of Ana: the next group.
        ("Dara", "CGK", "2023-11-12 15:30"),
        ("Eka", "HLP", "2023-11-12 14:10"),
        # Bali keeps Central Indonesian time: 15:00 there is 14:00 in Jakarta.
        ("Fajar", "DPS", "2023-11-12 15:00"),
    ]:
        fly(_delegate(programme, name), ARRIVAL, airport, at)

    assert _proposals(programme) == [
        ("arrival", "DPS", "12 14:00", ["Fajar"]),
        ("arrival", "HLP", "12 14:10", ["Eka"]),
        # The pick-up is the group's last arrival.
        ("arrival", "CGK", "12 15:00", ["Ana", "Budi", "Chen"]),
        ("arrival", "CGK", "12 15:30", ["Dara"]),
    ]


def test_a_wider_window_takes_more_into_one_run(programme):
    for name, at in [("Ana", "2023-11-12 14:00"), ("Budi", "2023-11-12 15:30")]:
        fly(_delegate(programme, name), ARRIVAL, "CGK", at)
    assert len(propose_runs(programme)) == 2
    programme.pickup_window_minutes = 90
    programme.save()
    assert _proposals(programme) == [("arrival", "CGK", "12 15:30", ["Ana", "Budi"])]


def test_departures_are_picked_up_at_the_hotel_before_the_first_flight(programme):
    fly(_delegate(programme, "Ana"), DEPARTURE, "CGK", "2023-11-18 17:20")
    fly(_delegate(programme, "Budi"), DEPARTURE, "CGK", "2023-11-18 16:45")
    fly(_delegate(programme, "Chen"), DEPARTURE, "CGK", "2023-11-18 08:25")

    assert timedelta(hours=3) == HOTEL_PICKUP_BEFORE_DEPARTURE
    assert _proposals(programme) == [
        ("departure", "CGK", "18 05:25", ["Chen"]),
        ("departure", "CGK", "18 13:45", ["Ana", "Budi"]),
    ]


def test_only_the_host_end_of_an_active_international_journey_is_proposed(programme):
    connecting = _delegate(programme, "Sita")
    # Kathmandu to Singapore, then Singapore to Jakarta: only the last leg lands here.
    fly(connecting, ARRIVAL, "SIN", "2023-11-12 07:05", other_end="KTM")
    fly(connecting, ARRIVAL, "CGK", "2023-11-12 10:30")
    fly(
        _delegate(programme, "Siti", category=Participant.Category.DOMESTIC, country=None),
        ARRIVAL,
        "CGK",
        "2023-11-12 10:30",
    )
    fly(
        _delegate(programme, "Gone", status=Participant.Status.WITHDRAWN),
        ARRIVAL,
        "CGK",
        "2023-11-12 10:30",
    )
    already = _delegate(programme, "Riding")
    fly(already, ARRIVAL, "CGK", "2023-11-12 10:30")
    fly(already, DEPARTURE, "CGK", "2023-11-18 10:30")
    run = TransferRunFactory(programme=programme)
    add_passenger(run=run, participant=already, by=None, notify=False)
    fly(ParticipantFactory(programme=ProgrammeFactory()), ARRIVAL, "CGK", "2023-11-12 10:30")

    assert _proposals(programme) == [
        ("arrival", "CGK", "12 10:30", ["Sita"]),
        # On an arrival run, not yet on a departure run.
        ("departure", "CGK", "18 07:30", ["Riding"]),
    ]


def test_a_run_is_created_with_its_passengers_and_their_legs(programme):
    ana, budi = _delegate(programme, "Ana"), _delegate(programme, "Budi")
    leg = fly(ana, ARRIVAL, "CGK", "2023-11-12 14:00")
    run = create_run(
        programme=programme,
        direction=ARRIVAL,
        airport_code="cgk",
        pickup_at=leg.arrives_at,
        vehicle="Van 1",
        seats=7,
        participants=[ana, budi],
        by=None,
    )
    assert (run.airport_code, run.airport_name) == ("CGK", "Soekarno-Hatta International Airport")
    assert {(p.participant, p.leg, p.direction) for p in run.passengers.all()} == {
        (ana, leg, ARRIVAL),
        (budi, None, ARRIVAL),
    }


def test_a_run_refuses_more_passengers_than_seats_and_saves_nothing(programme):
    people = [_delegate(programme, name) for name in ("Ana", "Budi", "Chen")]
    with pytest.raises(ValidationError) as refused:
        create_run(
            programme=programme,
            direction=ARRIVAL,
            airport_code="CGK",
            pickup_at=programme.local_datetime(programme.start_date, 15),
            vehicle="Car",
            seats=2,
            participants=people,
            by=None,
        )
    assert refused.value.messages == ["3 passengers do not fit in 2 seats."]
    assert not TransferRun.objects.exists()


def test_the_last_seat_is_refused_with_the_count(programme):
    run = TransferRunFactory(programme=programme, seats=2)
    first, second, third = (_delegate(programme, name) for name in ("Ana", "Budi", "Chen"))
    add_passenger(run=run, participant=first, by=None)
    add_passenger(run=run, participant=second, by=None)
    with pytest.raises(ValidationError) as refused:
        add_passenger(run=run, participant=third, by=None)
    assert refused.value.messages == [
        "The run has 2 seats and 2 passengers. Nobody more can be added."
    ]
    assert set(run.passengers.values_list("participant", flat=True)) == {first.pk, second.pk}


def test_a_participant_rides_one_run_each_way(programme):
    ana = _delegate(programme, "Ana Lima")
    first = TransferRunFactory(programme=programme)
    other = TransferRunFactory(
        programme=programme, pickup_at=programme.local_datetime(programme.start_date, 17, 5)
    )
    back = TransferRunFactory(programme=programme, direction=DEPARTURE)
    add_passenger(run=first, participant=ana, by=None)

    with pytest.raises(ValidationError) as again:
        add_passenger(run=first, participant=ana, by=None)
    assert again.value.messages == ["Ana Lima is already on this run."]
    with pytest.raises(ValidationError) as elsewhere:
        add_passenger(run=other, participant=ana, by=None)
    assert elsewhere.value.messages == [
        "Ana Lima is already on the run of Monday 13 November, 15:00, CGK."
    ]
    add_passenger(run=back, participant=ana, by=None)
    assert list(ana.transfers.order_by("direction").values_list("run", "direction")) == [
        (first.pk, ARRIVAL),
        (back.pk, DEPARTURE),
    ]


def test_withdrawn_and_other_programmes_participants_do_not_ride(programme):
    run = TransferRunFactory(programme=programme)
    gone = _delegate(programme, "Gone", status=Participant.Status.WITHDRAWN)
    stranger = ParticipantFactory(full_name="Stranger")
    for participant, message in [
        (gone, "Gone is “Withdrawn”: they travel with no run."),
        (stranger, "Stranger is not a participant of this programme."),
    ]:
        with pytest.raises(ValidationError) as refused:
            add_passenger(run=run, participant=participant, by=None)
        assert refused.value.messages == [message]
    assert not run.passengers.exists()


def test_fewer_seats_than_passengers_are_refused(programme):
    run = TransferRunFactory(programme=programme, seats=7)
    for name in ("Ana", "Budi", "Chen"):
        add_passenger(run=run, participant=_delegate(programme, name), by=None)
    with pytest.raises(ValidationError) as refused:
        update_run(run=run, changes={"seats": 2, "vehicle": "Car"}, by=None)
    assert refused.value.message_dict == {
        "seats": ["The run has 3 passengers: it needs at least 3 seats."]
    }
    run.refresh_from_db()
    assert (run.seats, run.vehicle) != (2, "Car")
    update_run(run=run, changes={"seats": 3}, by=None)
    run.refresh_from_db()
    assert run.seats == 3


def test_a_new_airport_code_brings_its_name_unless_one_is_typed(programme):
    run = TransferRunFactory(programme=programme)
    update_run(run=run, changes={"airport_code": "dps"}, by=None)
    run.refresh_from_db()
    assert (run.airport_code, run.airport_name) == (
        "DPS",
        "Ngurah Rai (Bali) International Airport",
    )
    update_run(run=run, changes={"airport_code": "HLP", "airport_name": "Halim"}, by=None)
    run.refresh_from_db()
    assert (run.airport_code, run.airport_name) == ("HLP", "Halim")


def test_removing_a_passenger_frees_the_seat(programme):
    run = TransferRunFactory(programme=programme, seats=1)
    ana, budi = _delegate(programme, "Ana"), _delegate(programme, "Budi")
    passenger = add_passenger(run=run, participant=ana, by=None)
    remove_passenger(passenger=passenger, by=None)
    add_passenger(run=run, participant=budi, by=None)
    assert list(TransferPassenger.objects.values_list("participant", flat=True)) == [budi.pk]


# --- E-mails --------------------------------------------------------------------------------


@pytest.fixture
def riders(programme):
    run = TransferRunFactory(
        programme=programme,
        vehicle="Van 1",
        driver_name="Budi Santoso",
        driver_phone="+62 812 1000 2001",
    )
    ana = _delegate(programme, "Ana Lima", email="ana@example.org")
    fly(ana, ARRIVAL, "CGK", "2023-11-13 14:35")
    chen = _delegate(programme, "Chen Wei", email="chen@example.org")
    for person in (ana, chen):
        add_passenger(run=run, participant=person, by=None, notify=False)
    return run, ana, chen


def test_a_new_passenger_is_told_their_pick_up(
    programme, riders, mailoutbox, django_capture_on_commit_callbacks
):
    run, _ana, _chen = riders
    dara = _delegate(programme, "Dara Putri", email="dara@example.org")
    fly(dara, ARRIVAL, "CGK", "2023-11-13 14:50", service=("MH", "711"), other_end="KUL")
    with django_capture_on_commit_callbacks(execute=True):
        add_passenger(run=run, participant=dara, by=None)

    (mail,) = mailoutbox
    assert mail.to == ["dara@example.org"]
    # Its Indonesian half reads the same until the catalogue has the new wording.
    # In English and in the programme's language (Indonesian here).
    assert mail.subject.startswith("Your airport transfer: 13 November, 15:00, CGK / ")
    body = " ".join(mail.body.split())
    for expected in [
        "Dear Dara Putri,",
        "We will collect you at the airport.",
        "When: Monday 13 November 2023, 15:00 (Asia/Jakarta)",
        "Where: at the arrivals hall of Soekarno-Hatta International Airport (CGK)",
        "Your flight: MH 711, landing 13 November at 14:50 (local time)",
        "Vehicle: Van 1",
        "Driver: Budi Santoso, phone +62 812 1000 2001",
    ]:
        assert expected in body


def test_a_change_of_time_tells_every_passenger_and_a_note_tells_none(
    programme, riders, mailoutbox, django_capture_on_commit_callbacks
):
    run, ana, chen = riders
    with django_capture_on_commit_callbacks(execute=True):
        update_run(run=run, changes={"note": "Exit 2"}, by=None)
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        update_run(
            run=run,
            changes={"pickup_at": programme.local_datetime(programme.start_date, 16, 30)},
            by=None,
        )
    assert sorted(mail.to[0] for mail in mailoutbox) == [ana.email, chen.email]
    assert all("16:30" in mail.subject and "changed" in mail.subject for mail in mailoutbox)


@pytest.mark.parametrize(
    "changes",
    [
        {"vehicle": "Minibus 2"},
        {"driver_name": "Agus"},
        {"driver_phone": "+62 1"},
        {"airport_code": "HLP"},
    ],
)
def test_vehicle_driver_and_airport_changes_are_told(
    riders, mailoutbox, django_capture_on_commit_callbacks, changes
):
    run, _ana, _chen = riders
    with django_capture_on_commit_callbacks(execute=True):
        update_run(run=run, changes=changes, by=None)
    assert len(mailoutbox) == 2


def test_a_removed_passenger_is_told_and_nobody_else(
    riders, mailoutbox, django_capture_on_commit_callbacks
):
    run, ana, _chen = riders
    with django_capture_on_commit_callbacks(execute=True):
        remove_passenger(passenger=run.passengers.get(participant=ana), by=None)
    (mail,) = mailoutbox
    assert mail.to == [ana.email]
    assert "You are no longer booked on the airport transfer of Monday 13 November at 15:00" in (
        " ".join(mail.body.split())
    )


def test_nothing_is_sent_when_the_change_is_rolled_back(
    riders, mailoutbox, django_capture_on_commit_callbacks
):
    run, _ana, _chen = riders
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        update_run(run=run, changes={"vehicle": "Car", "seats": 1}, by=None)
    assert (callbacks, mailoutbox) == ([], [])
