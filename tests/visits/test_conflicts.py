"""The conflict rules of the timetable (visits/services.py), each with a case that does not fire."""

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    AssignmentFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    SiteFactory,
    VehicleFactory,
    VisitGroupFactory,
)
from visits.models import Session
from visits.queries import agenda_of
from visits.services import ConflictKind, item_conflicts, programme_conflicts

pytestmark = pytest.mark.django_db


def item(programme, day_offset=0, start=(9, 0), hours=1.0, **fields):
    starts_at = programme.local_datetime(programme.start_date + timedelta(days=day_offset), *start)
    return SessionFactory(
        programme=programme,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        **fields,
    )


def book(session, *participants, **fields):
    for participant in participants:
        AssignmentFactory(session=session, participant=participant, **fields)


def conflicts_of(programme):
    return programme_conflicts(programme=programme, items=list(agenda_of(programme)))


def kinds(conflicts):
    return [conflict.kind for conflict in conflicts]


# (a) A participant booked on two overlapping items.


def test_participant_overlap_reported_on_both_items(programme):
    lecture = item(programme, title_en="Lecture", start=(9, 0))
    workshop = item(programme, title_en="Workshop", start=(9, 30))
    ana = ParticipantFactory(programme=programme, full_name="Ana Reyes")
    book(lecture, ana)
    book(workshop, ana)

    found = conflicts_of(programme)

    assert [c.message for c in found[lecture.pk]] == [
        "1 participant is also booked on “Workshop” (09:30–10:30): Ana Reyes."
    ]
    assert [c.message for c in found[workshop.pk]] == [
        "1 participant is also booked on “Lecture” (09:00–10:00): Ana Reyes."
    ]
    assert kinds(found[lecture.pk]) == [ConflictKind.PARTICIPANT_OVERLAP]


def test_participant_overlap_lists_five_names_then_a_count(programme):
    lecture = item(programme, title_en="Lecture")
    workshop = item(programme, title_en="Workshop")
    people = [ParticipantFactory(programme=programme, full_name=f"Person {n}") for n in range(7)]
    book(lecture, *people)
    book(workshop, *people)

    (conflict,) = conflicts_of(programme)[lecture.pk]

    assert conflict.message == (
        "7 participants are also booked on “Workshop” (09:00–10:00): "
        "Person 0, Person 1, Person 2, Person 3, Person 4 and 2 more."
    )


def test_participant_back_to_back_items_do_not_conflict(programme):
    first = item(programme, start=(9, 0))
    second = item(programme, start=(10, 0))
    ana = ParticipantFactory(programme=programme)
    book(first, ana)
    book(second, ana)

    assert conflicts_of(programme) == {}


def test_participant_overlap_with_a_cancelled_item_does_not_count(programme):
    lecture = item(programme)
    workshop = item(programme, start=(9, 30), cancelled_at=timezone.now())
    ana = ParticipantFactory(programme=programme)
    book(lecture, ana)
    book(workshop, ana)

    assert conflicts_of(programme) == {}


def test_different_participants_on_overlapping_items_do_not_conflict(programme):
    lecture = item(programme)
    workshop = item(programme, start=(9, 30))
    book(lecture, ParticipantFactory(programme=programme))
    book(workshop, ParticipantFactory(programme=programme))

    assert conflicts_of(programme) == {}


# (b) A site used by two overlapping items.


def test_site_overlap_in_one_programme(programme):
    library = SiteFactory(name="Bogor city library")
    tour = item(programme, title_en="Tour", site=library)
    talk = item(programme, title_en="Talk", start=(9, 45), site=library)

    found = conflicts_of(programme)

    assert [c.message for c in found[tour.pk]] == [
        "Bogor city library is also used by “Talk” (09:45–10:45)."
    ]
    assert [c.message for c in found[talk.pk]] == [
        "Bogor city library is also used by “Tour” (09:00–10:00)."
    ]


def test_site_overlap_with_another_programme_hides_its_agenda(programme):
    library = SiteFactory(name="Bogor city library")
    ours = item(programme, site=library)
    other_programme = ProgrammeFactory(start_date=programme.start_date)
    item(other_programme, title_en="Secret board meeting", start=(9, 30), site=library)

    found = conflicts_of(programme)

    assert [c.message for c in found[ours.pk]] == [
        "Bogor city library is booked by another programme (Mon 13 Nov 2023, 09:30–10:30)."
    ]


def test_site_used_in_different_rooms_at_once_does_not_conflict(programme):
    library = SiteFactory()
    item(programme, site=library, room="Auditorium")
    item(programme, site=library, room="Meeting room")

    assert conflicts_of(programme) == {}


def test_site_used_one_after_the_other_or_cancelled_does_not_conflict(programme):
    library = SiteFactory()
    item(programme, site=library, start=(9, 0))
    item(programme, site=library, start=(10, 0))
    item(programme, site=library, start=(9, 30), cancelled_at=timezone.now())
    other_programme = ProgrammeFactory()
    item(other_programme, site=library, start=(11, 0))

    assert conflicts_of(programme) == {}


# (c) An item outside the programme's dates.


def test_item_before_the_first_day_is_outside_the_dates(programme):
    early = item(programme, day_offset=-1)

    (conflict,) = conflicts_of(programme)[early.pk]

    assert conflict.kind == ConflictKind.OUTSIDE_DATES
    assert conflict.message == (
        "The item is outside the programme's dates (13 Nov 2023 – 17 Nov 2023)."
    )


def test_item_is_inside_the_dates_in_the_programme_time_zone(programme):
    # 06:00 in Jakarta on the first day is still the day before in UTC.
    dawn = item(programme, start=(6, 0))
    assert dawn.starts_at.astimezone(UTC).date() < programme.start_date
    # An item of the last day that ends at midnight ends on that day.
    late = item(programme, day_offset=4, start=(22, 0), hours=2)

    assert conflicts_of(programme) == {}
    assert item_conflicts(programme=programme, item=late) == []


def test_item_after_the_last_day_in_kathmandu_time():
    programme = ProgrammeFactory(time_zone="Asia/Kathmandu")
    # 23:50 on the last day in Kathmandu is inside; the next morning is not.
    item(programme, day_offset=4, start=(23, 0), hours=0.5)
    after = item(programme, day_offset=5, start=(0, 15), hours=0.5)

    found = conflicts_of(programme)

    assert list(found) == [after.pk]
    assert kinds(found[after.pk]) == [ConflictKind.OUTSIDE_DATES]


# (d) Over capacity: the item, its groups, its site, one group.


def test_item_over_its_own_capacity(programme):
    talk = item(programme, capacity=2)
    book(talk, *ParticipantFactory.create_batch(3, programme=programme))

    assert [c.message for c in conflicts_of(programme)[talk.pk]] == [
        "3 people are assigned but the item takes 2."
    ]


def test_item_at_its_capacity_is_fine(programme):
    talk = item(programme, capacity=3, site=SiteFactory(capacity=3))
    book(talk, *ParticipantFactory.create_batch(3, programme=programme))

    assert conflicts_of(programme) == {}


def test_visit_over_its_groups_and_a_group_over_its_capacity(programme):
    visit = item(programme, kind=Session.Kind.SITE_VISIT, site=SiteFactory())
    group_a = VisitGroupFactory(session=visit, name="A", capacity=2)
    VisitGroupFactory(session=visit, name="B", capacity=2)
    people = ParticipantFactory.create_batch(5, programme=programme)
    book(visit, *people[:3], group=group_a)
    book(visit, *people[3:])

    messages = [c.message for c in conflicts_of(programme)[visit.pk]]

    assert messages == [
        "Group A has 3 people for 2 places.",
        "5 people are assigned but its groups take 4.",
    ]


def test_visit_over_its_site_capacity(programme):
    visit = item(
        programme,
        kind=Session.Kind.SITE_VISIT,
        site=SiteFactory(name="Rawa Binong", capacity=2),
    )
    book(visit, *ParticipantFactory.create_batch(3, programme=programme))

    (conflict,) = conflicts_of(programme)[visit.pk]

    assert conflict.kind == ConflictKind.OVER_CAPACITY
    assert conflict.message == "3 people are assigned but Rawa Binong hosts 2."


def test_cancelled_item_over_capacity_is_not_reported(programme):
    talk = item(programme, capacity=1, cancelled_at=timezone.now())
    book(talk, *ParticipantFactory.create_batch(2, programme=programme))

    assert conflicts_of(programme) == {}


# (e) Vehicles with fewer seats than passengers.


def test_vehicle_with_too_few_seats(programme):
    visit = item(programme, kind=Session.Kind.SITE_VISIT, site=SiteFactory())
    bus = VehicleFactory(session=visit, name="Bus 1", seats=2)
    book(visit, *ParticipantFactory.create_batch(3, programme=programme), vehicle=bus)

    (conflict,) = conflicts_of(programme)[visit.pk]

    assert conflict.kind == ConflictKind.VEHICLE_SEATS
    assert conflict.message == "Bus 1 has 2 seats for 3 people."


def test_vehicle_with_enough_seats(programme):
    visit = item(programme, kind=Session.Kind.SITE_VISIT, site=SiteFactory())
    bus = VehicleFactory(session=visit, name="Bus 1", seats=3)
    book(visit, *ParticipantFactory.create_batch(3, programme=programme), vehicle=bus)

    assert conflicts_of(programme) == {}


# One item or the whole programme: same answers, fixed number of queries.


def test_item_conflicts_match_the_programme_conflicts(programme):
    library = SiteFactory(capacity=1)
    lecture = item(programme, site=library)
    workshop = item(programme, start=(9, 30), site=library, capacity=1)
    people = ParticipantFactory.create_batch(2, programme=programme)
    book(lecture, *people)
    book(workshop, *people)

    found = conflicts_of(programme)

    for session in (lecture, workshop):
        assert item_conflicts(programme=programme, item=session) == found[session.pk]
    assert len(found[workshop.pk]) == 4


@pytest.mark.parametrize("size", [5, 60])
def test_programme_conflicts_run_four_queries(programme, size, django_assert_num_queries):
    library = SiteFactory(capacity=5)
    sessions = [item(programme, start=(8 + n % 10, 0), site=library) for n in range(size)]
    people = ParticipantFactory.create_batch(10, programme=programme)
    for session in sessions:
        bus = VehicleFactory(session=session, name="Bus", seats=3)
        VisitGroupFactory(session=session, name="A", capacity=3)
        book(session, *people[:4], vehicle=bus)
    items = list(agenda_of(programme))

    # Assignments with names, groups, vehicles, other programmes' items at the same sites.
    with django_assert_num_queries(4):
        found = programme_conflicts(programme=programme, items=items)

    assert len(found) == size
