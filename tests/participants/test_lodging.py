"""Accommodation: nights from the travel, beds refused beyond a room's capacity, the sharing
rule's warnings, the board and the occupancy of the blocks, and the organisers' pages."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from participants import lodging
from participants.lodging_models import Hotel, LodgingRule, RoomAssignment, RoomBlock, RoomType
from participants.models import Participant
from tests.conftest import client_for
from tests.factories import (
    HotelFactory,
    ParticipantFactory,
    RoomAssignmentFactory,
    RoomTypeFactory,
)

JAKARTA = ZoneInfo("Asia/Jakarta")
Sharing = LodgingRule.Sharing


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2023, 11, day, hour, minute, tzinfo=JAKARTA)


@pytest.fixture(autouse=True)
def in_english():
    # The services' messages are read in English here, whatever an earlier test activated.
    with translation.override("en"):
        yield


@pytest.fixture
def twin(programme):
    return RoomTypeFactory(hotel__programme=programme, name="Deluxe twin", beds=2)


def person(programme, **fields) -> Participant:
    return ParticipantFactory(programme=programme, **fields)


# --- Services ----------------------------------------------------------------------------


def test_nights_default_from_the_travel(programme, twin):
    # Landing at 04:30 on the 12th needs the night of the 11th; leaving on the 18th, the last
    # night is the 17th.
    guest = person(programme, arrival_at=at(12, 4, 30), departure_at=at(18, 9))
    result = lodging.assign_room(participant=guest, room_type=twin)
    room = RoomAssignment.objects.get(participant=guest)
    assert (room.first_night, room.last_night) == (date(2023, 11, 11), date(2023, 11, 17))
    assert result.assignment == room and room.night_count == 7


def test_without_travel_the_nights_are_the_programmes_days(programme, twin):
    guest = person(programme)
    lodging.assign_room(participant=guest, room_type=twin)
    room = RoomAssignment.objects.get(participant=guest)
    # The programme runs 13 to 17 November: arrive the day before, leave the morning after.
    assert (room.first_night, room.last_night) == (date(2023, 11, 12), date(2023, 11, 17))


def test_a_room_beyond_its_beds_is_refused_and_nothing_is_saved(programme, twin):
    first, second, third = (person(programme, full_name=n) for n in ("Ana", "Bea", "Cai"))
    lodging.assign_room(participant=first, room_type=twin, room_label="412")
    lodging.assign_room(participant=second, room_type=twin, room_label="412")
    lodging.assign_room(participant=third, room_type=twin, room_label="500")
    with pytest.raises(ValidationError) as refused:
        lodging.assign_room(participant=third, room_type=twin, room_label="412")
    message = refused.value.message_dict["room_label"][0]
    assert "Room 412 (Deluxe twin) takes 2 people and already has Ana, Bea" in message
    # The third keeps the room they had.
    assert RoomAssignment.objects.get(participant=third).room_label == "500"


def test_beds_are_counted_per_night(programme, twin):
    early = person(programme)
    late = person(programme)
    newcomer = person(programme)
    lodging.assign_room(
        participant=early,
        room_type=twin,
        room_label="7",
        first_night=date(2023, 11, 10),
        last_night=date(2023, 11, 12),
    )
    lodging.assign_room(
        participant=late,
        room_type=twin,
        room_label="7",
        first_night=date(2023, 11, 13),
        last_night=date(2023, 11, 16),
    )
    # One of the two is there each night: a second bed is free throughout.
    lodging.assign_room(
        participant=newcomer,
        room_type=twin,
        room_label="7",
        first_night=date(2023, 11, 10),
        last_night=date(2023, 11, 16),
    )
    assert RoomAssignment.objects.filter(room_label="7").count() == 3


def test_nights_back_to_front_are_refused(programme, twin):
    with pytest.raises(ValidationError) as refused:
        lodging.assign_room(
            participant=person(programme),
            room_type=twin,
            first_night=date(2023, 11, 15),
            last_night=date(2023, 11, 14),
        )
    assert "last_night" in refused.value.message_dict
    assert not RoomAssignment.objects.exists()


def test_a_room_type_of_another_programme_is_refused(programme):
    other = RoomTypeFactory()
    with pytest.raises(ValidationError):
        lodging.assign_room(participant=person(programme), room_type=other)
    assert not RoomAssignment.objects.exists()


@pytest.mark.parametrize(
    ("rule", "genders", "warned"),
    [
        (Sharing.SAME_GENDER, ("female", "male"), "People of different genders share this room."),
        (Sharing.SAME_GENDER, ("female", "female"), None),
        (
            Sharing.SAME_GENDER,
            ("female", ""),
            "Someone in this shared room has no gender recorded.",
        ),
        (Sharing.ANY, ("female", "male"), None),
        (Sharing.SINGLE, ("female", "female"), "this room is shared"),
    ],
)
def test_the_sharing_rule_warns_and_does_not_refuse(programme, twin, rule, genders, warned):
    LodgingRule.objects.create(programme=programme, sharing=rule)
    first, second = (person(programme, gender=gender) for gender in genders)
    lodging.assign_room(participant=first, room_type=twin, room_label="9")
    result = lodging.assign_room(participant=second, room_type=twin, room_label="9")
    assert RoomAssignment.objects.filter(room_label="9").count() == 2
    if warned is None:
        assert result.warnings == []
    else:
        assert warned in " ".join(result.warnings)


def test_occupancy_counts_a_shared_room_once_and_flags_nights_over_the_block(programme, twin):
    single = RoomTypeFactory(hotel=twin.hotel, name="Single", beds=1)
    lodging.set_block(room_type=twin, first=date(2023, 11, 12), last=date(2023, 11, 13), rooms=1)
    lodging.set_block(room_type=single, first=date(2023, 11, 12), last=date(2023, 11, 13), rooms=1)
    nights = {"first_night": date(2023, 11, 12), "last_night": date(2023, 11, 13)}
    for label in ("1", "1", "2"):
        lodging.assign_room(
            participant=person(programme), room_type=twin, room_label=label, **nights
        )
    lodging.assign_room(
        participant=person(programme),
        room_type=single,
        first_night=date(2023, 11, 13),
        last_night=date(2023, 11, 14),
    )
    # A withdrawn guest's room no longer counts.
    gone = person(programme, status=Participant.Status.WITHDRAWN)
    RoomAssignmentFactory(participant=gone, room_type=single, **nights)
    result = lodging.occupancy(programme)
    assert result.nights == [date(2023, 11, 12), date(2023, 11, 13), date(2023, 11, 14)]
    (hotel,) = result.hotels
    by_type = {line.room_type.name: line for line in hotel.types}
    twin_nights = [(use.used, use.held, use.over) for use in by_type["Deluxe twin"].nights]
    single_nights = [(use.used, use.held, use.over) for use in by_type["Single"].nights]
    assert twin_nights == [(2, 1, 1), (2, 1, 1), (0, 0, 0)]
    assert single_nights == [(0, 1, 0), (1, 1, 0), (1, 0, 1)]
    assert by_type["Deluxe twin"].over_nights == 2


def test_set_block_replaces_the_nights_it_covers(twin):
    lodging.set_block(room_type=twin, first=date(2023, 11, 11), last=date(2023, 11, 14), rooms=5)
    lodging.set_block(room_type=twin, first=date(2023, 11, 13), last=date(2023, 11, 14), rooms=0)
    blocks = RoomBlock.objects.filter(room_type=twin).values_list("night", "rooms")
    assert list(blocks) == [(date(2023, 11, 11), 5), (date(2023, 11, 12), 5)]


# --- Pages -------------------------------------------------------------------------------


def test_board_lists_everyone_needing_a_room_with_roommates_and_warnings(cast, programme, twin):
    ana = person(programme, full_name="Ana Lopez", gender="female")
    ben = person(programme, full_name="Ben Okafor", gender="male")
    person(programme, full_name="Cai Wen")
    person(programme, full_name="Staff Member", category=Participant.Category.ORGANISING_STAFF)
    person(programme, full_name="Gone Person", status=Participant.Status.WITHDRAWN)
    lodging.assign_room(participant=ana, room_type=twin, room_label="3")
    lodging.assign_room(participant=ben, room_type=twin, room_label="3")
    response = client_for(cast["staff"]).get(
        reverse("participants:accommodation", args=[programme.slug])
    )
    rows = {row.participant.full_name: row for row in response.context["rows"]}
    assert "Staff Member" not in rows and "Gone Person" not in rows
    assert rows["Ana Lopez"].roommates == [ben]
    assert rows["Ana Lopez"].warnings == ["People of different genders share this room."]
    assert rows["Cai Wen"].assignment is None
    page = response.content.decode()
    assert "People of different genders share this room." in page
    # Staff see the board but not the buttons that change it.
    assert reverse("participants:room_assign", args=[programme.slug, ana.pk]) not in page


def _many(programme, twin, count: int) -> None:
    people = Participant.objects.bulk_create(
        ParticipantFactory.build(
            programme=programme,
            full_name=f"Guest {n:04d}",
            email=f"guest{n}@example.org",
            gender="female" if n % 2 else "male",
            country=None,
            category=Participant.Category.DOMESTIC,
            region="Bali",
            arrival_at=at(12, 15),
            departure_at=at(18, 9),
        )
        for n in range(count)
    )
    RoomAssignment.objects.bulk_create(
        RoomAssignment(
            participant=guest,
            room_type=twin,
            room_label=str(n // 2) if n % 3 else "",
            first_night=date(2023, 11, 12),
            last_night=date(2023, 11, 17),
        )
        for n, guest in enumerate(people)
        if n % 5
    )
    lodging.set_block(room_type=twin, first=date(2023, 11, 12), last=date(2023, 11, 17), rooms=50)


@pytest.mark.parametrize("size", [10, 500])
@pytest.mark.parametrize("name", ["participants:accommodation", "participants:occupancy"])
def test_board_and_occupancy_queries_do_not_grow(
    cast, programme, twin, size, name, django_assert_max_num_queries
):
    _many(programme, twin, size)
    client = client_for(cast["organiser"])
    # Session, user, programme, role, navigation (2); the sharing rule, the people with their
    # rooms, whether room types exist (board) or room types, blocks and rooms (occupancy).
    with django_assert_max_num_queries(10):
        response = client.get(reverse(name, args=[programme.slug]))
    assert response.status_code == 200


def test_organiser_assigns_a_room_with_nights_from_the_travel(cast, programme, twin):
    guest = person(programme, arrival_at=at(12, 15), departure_at=at(18, 9))
    url = reverse("participants:room_assign", args=[programme.slug, guest.pk])
    client = client_for(cast["organiser"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"room_type": twin.pk, "room_label": "12"})
    assert response.status_code == 302
    room = RoomAssignment.objects.get(participant=guest)
    assert (room.room_type, room.room_label) == (twin, "12")
    assert (room.first_night, room.last_night) == (date(2023, 11, 12), date(2023, 11, 17))


def test_a_full_room_is_a_clear_form_error_and_nothing_changes(cast, programme, twin):
    for _n in range(2):
        lodging.assign_room(participant=person(programme), room_type=twin, room_label="12")
    guest = person(programme)
    url = reverse("participants:room_assign", args=[programme.slug, guest.pk])
    response = client_for(cast["organiser"]).post(url, {"room_type": twin.pk, "room_label": "12"})
    assert response.status_code == 200
    assert "takes 2 people and already has" in response.content.decode()
    assert not RoomAssignment.objects.filter(participant=guest).exists()


def test_another_programmes_room_type_is_a_field_error(cast, programme):
    guest = person(programme)
    other = RoomTypeFactory()
    url = reverse("participants:room_assign", args=[programme.slug, guest.pk])
    response = client_for(cast["organiser"]).post(url, {"room_type": other.pk})
    assert response.context["form"].errors["room_type"]
    assert not RoomAssignment.objects.exists()


def test_the_assignment_warns_through_a_message(cast, programme, twin):
    lodging.assign_room(
        participant=person(programme, gender="male"), room_type=twin, room_label="4"
    )
    guest = person(programme, gender="female")
    url = reverse("participants:room_assign", args=[programme.slug, guest.pk])
    response = client_for(cast["organiser"]).post(url, {"room_type": twin.pk, "room_label": "4"})
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert "People of different genders share this room." in said
    assert RoomAssignment.objects.filter(room_label="4").count() == 2


def test_unassign_removes_the_room(cast, programme, twin):
    room = RoomAssignmentFactory(room_type=twin)
    url = reverse("participants:room_unassign", args=[programme.slug, room.participant_id])
    client_for(cast["organiser"]).post(url)
    assert not RoomAssignment.objects.exists()


def test_organiser_creates_edits_and_deletes_a_hotel_and_its_room_types(cast, programme):
    client = client_for(cast["organiser"])
    response = client.post(
        reverse("participants:hotel_create", args=[programme.slug]),
        {"name": "Hotel Gondangdia", "address": "Jl. Gondangdia", "check_in": "14:00"},
    )
    hotel = Hotel.objects.get(programme=programme)
    assert response.url == reverse("participants:room_type_create", args=[programme.slug, hotel.pk])
    client.post(
        response.url,
        {
            "name": "Twin",
            "beds": 2,
            "block_first_night": "2023-11-11",
            "block_last_night": "2023-11-13",
            "block_rooms": 6,
        },
    )
    room_type = RoomType.objects.get(hotel=hotel)
    assert RoomBlock.objects.filter(room_type=room_type, rooms=6).count() == 3
    # Half a block is refused, and nothing is saved.
    response = client.post(
        reverse("participants:room_type_edit", args=[programme.slug, room_type.pk]),
        {"name": "Twin renamed", "beds": 2, "block_rooms": 4},
    )
    assert response.status_code == 200
    room_type.refresh_from_db()
    assert room_type.name == "Twin"
    client.post(
        reverse("participants:hotel_edit", args=[programme.slug, hotel.pk]),
        {"name": "Hotel Gondangdia Baru", "address": "Jl. Gondangdia"},
    )
    hotel.refresh_from_db()
    assert hotel.name == "Hotel Gondangdia Baru"
    delete = reverse("participants:hotel_delete", args=[programme.slug, hotel.pk])
    # The first POST asks to confirm; the second deletes.
    assert "Delete Hotel Gondangdia Baru?" in client.post(delete).content.decode()
    assert Hotel.objects.exists()
    client.post(delete, {"confirmed": "1"})
    assert not Hotel.objects.exists() and not RoomBlock.objects.exists()


def test_organiser_sets_the_sharing_rule(cast, programme):
    client_for(cast["organiser"]).post(
        reverse("participants:hotels", args=[programme.slug]), {"sharing": Sharing.ANY}
    )
    assert lodging.sharing_rule(programme) == Sharing.ANY


def test_room_type_delete_after_confirmation(cast, programme, twin):
    RoomAssignmentFactory(room_type=twin)
    url = reverse("participants:room_type_delete", args=[programme.slug, twin.pk])
    client_for(cast["organiser"]).post(url, {"confirmed": "1"})
    assert not RoomType.objects.exists() and not RoomAssignment.objects.exists()
    assert HotelFactory._meta.model.objects.filter(programme=programme).exists()
