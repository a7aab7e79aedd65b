"""Accommodation rules: who sleeps where, which nights, who shares, and how full each block is.

A participant's nights come from their travel (participants.stays.nights, counted from the
host-end arrival and departure); without travel, from the programme's days (arriving the day
before the first, leaving the morning after the last). A room takes at most its type's beds:
that is refused, under a lock on the room type so that two organisers filling the last bed at
once cannot both succeed. Who may share is the programme's LodgingRule: a broken rule warns,
it does not refuse (a married couple, a mother and her child).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programs.models import Programme

from . import stays
from .lodging_models import Hotel, LodgingRule, RoomAssignment, RoomBlock, RoomType
from .models import INACTIVE_STATUSES, Participant, by_readable_name

Sharing = LodgingRule.Sharing
# The organising staff live at home or are housed otherwise: the board lists everyone else.
NOT_HOUSED = (Participant.Category.ORGANISING_STAFF,)


def sharing_rule(programme: Programme) -> str:
    """The programme's rule for sharing rooms; people of the same gender when none is set."""
    rule = LodgingRule.objects.filter(programme=programme).values_list("sharing", flat=True)
    return rule.first() or Sharing.SAME_GENDER


def night_range(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def travel_nights(participant: Participant, programme: Programme) -> list[date]:
    """The nights the participant's travel says they sleep at the host end ([] when unknown)."""
    return stays.nights(participant.arrival_at, participant.departure_at, programme.tzinfo)


def default_nights(participant: Participant, programme: Programme) -> tuple[date, date]:
    """First and last night: from the travel, else the night before the first day to the
    night of the last day."""
    nights = travel_nights(participant, programme)
    if nights:
        return nights[0], nights[-1]
    return programme.start_date - timedelta(days=1), programme.end_date


def housed_participants(programme: Programme) -> QuerySet[Participant]:
    """Everyone active who needs a room, with their room, its type and hotel."""
    return (
        programme.participants.exclude(status__in=INACTIVE_STATUSES)
        .exclude(category__in=NOT_HOUSED)
        .select_related("country", "room__room_type__hotel")
        .order_by(*by_readable_name())
    )


def programme_assignments(programme: Programme) -> QuerySet[RoomAssignment]:
    """The rooms of the programme's active participants."""
    return (
        RoomAssignment.objects.filter(room_type__hotel__programme=programme)
        .exclude(participant__status__in=INACTIVE_STATUSES)
        .select_related("participant", "room_type__hotel")
    )


def room_key(assignment: RoomAssignment) -> tuple:
    """One room: its type and label; an assignment without a label is a room of its own."""
    return (assignment.room_type_id, assignment.room_label or f"#{assignment.participant_id}")


def sharing_warnings(rule: str, occupants: list[Participant]) -> list[str]:
    """What the programme's rule says against these people sharing one room."""
    if len(occupants) < 2:
        return []
    if rule == Sharing.SINGLE:
        return [_("This programme gives everyone a room of their own; this room is shared.")]
    if rule == Sharing.SAME_GENDER:
        genders = {person.gender for person in occupants}
        if "" in genders:
            return [_("Someone in this shared room has no gender recorded.")]
        if len(genders) > 1:
            return [_("People of different genders share this room.")]
    return []


@dataclass
class AssignmentResult:
    assignment: RoomAssignment
    warnings: list[str] = field(default_factory=list)


def _nights_error(first: date, last: date) -> None:
    if last < first:
        raise ValidationError({"last_night": _("The last night cannot be before the first night.")})


def assign_room(
    *,
    participant: Participant,
    room_type: RoomType,
    room_label: str = "",
    first_night: date | None = None,
    last_night: date | None = None,
    note: str = "",
) -> AssignmentResult:
    """Put the participant in a room of `room_type` (replacing their room, if any).

    Nights left out come from `default_nights`. Raises ValidationError (nothing saved) when
    the room type is another programme's, the nights are back to front, or the room labelled
    `room_label` already holds as many people as its beds on one of the nights. Returns the
    assignment and the warnings of the programme's sharing rule.
    """
    programme = participant.programme
    if room_type.hotel.programme_id != programme.pk:
        raise ValidationError({"room_type": _("This room type belongs to another programme.")})
    default_first, default_last = default_nights(participant, programme)
    first_night = first_night or default_first
    last_night = last_night or default_last
    _nights_error(first_night, last_night)
    room_label = room_label.strip()
    with transaction.atomic():
        # One assignment at a time per room type: the count of who is in a room stays true.
        RoomType.objects.select_for_update().filter(pk=room_type.pk).first()
        roommates = []
        if room_label:
            roommates = list(
                programme_assignments(programme)
                .filter(room_type=room_type, room_label=room_label)
                .exclude(participant=participant)
                .filter(first_night__lte=last_night, last_night__gte=first_night)
            )
            _check_beds(room_type, room_label, roommates, first_night, last_night)
        assignment, _created = RoomAssignment.objects.update_or_create(
            participant=participant,
            defaults={
                "room_type": room_type,
                "room_label": room_label,
                "first_night": first_night,
                "last_night": last_night,
                "note": note,
            },
        )
    occupants = [participant, *(mate.participant for mate in roommates)]
    return AssignmentResult(assignment, sharing_warnings(sharing_rule(programme), occupants))


def _check_beds(
    room_type: RoomType,
    room_label: str,
    roommates: list[RoomAssignment],
    first: date,
    last: date,
) -> None:
    for night in night_range(first, last):
        present = [m for m in roommates if m.first_night <= night <= m.last_night]
        if len(present) >= room_type.beds:
            names = ", ".join(sorted(mate.participant.display_name for mate in present))
            raise ValidationError(
                {
                    "room_label": ngettext(
                        "Room %(room)s (%(type)s) takes %(beds)d person and already has "
                        "%(names)s on the night of %(night)s. Choose another room.",
                        "Room %(room)s (%(type)s) takes %(beds)d people and already has "
                        "%(names)s on the night of %(night)s. Choose another room.",
                        room_type.beds,
                    )
                    % {
                        "room": room_label,
                        "type": room_type.name,
                        "beds": room_type.beds,
                        "names": names,
                        "night": date_format(night, "j M Y"),
                    }
                }
            )


def unassign_room(*, participant: Participant) -> bool:
    """Take the participant out of their room; False when they had none."""
    return RoomAssignment.objects.filter(participant=participant).delete()[0] > 0


# --- The accommodation board ---------------------------------------------------------------


@dataclass
class BoardRow:
    participant: Participant
    travel_nights: list[date]
    assignment: RoomAssignment | None
    roommates: list[Participant]
    warnings: list[str]

    @property
    def nights_differ(self) -> bool:
        """Whether the room's nights are not those of the travel (when the travel is known)."""
        if self.assignment is None or not self.travel_nights:
            return False
        return (self.assignment.first_night, self.assignment.last_night) != (
            self.travel_nights[0],
            self.travel_nights[-1],
        )


def board(programme: Programme) -> list[BoardRow]:
    """Everyone who needs a room, with their room, roommates and warnings; three queries."""
    rule = sharing_rule(programme)
    people = list(housed_participants(programme))
    by_room: dict[tuple, list[Participant]] = defaultdict(list)
    for person in people:
        assignment = getattr(person, "room", None)
        if assignment is not None:
            by_room[room_key(assignment)].append(person)
    rows = []
    for person in people:
        assignment = getattr(person, "room", None)
        occupants = by_room[room_key(assignment)] if assignment is not None else []
        rows.append(
            BoardRow(
                participant=person,
                travel_nights=travel_nights(person, programme),
                assignment=assignment,
                roommates=[other for other in occupants if other.pk != person.pk],
                warnings=sharing_warnings(rule, occupants),
            )
        )
    return rows


# --- Occupancy of the blocks ---------------------------------------------------------------


@dataclass
class NightUse:
    night: date
    used: int
    held: int

    @property
    def over(self) -> int:
        """Rooms used beyond the block (0 when within it)."""
        return max(self.used - self.held, 0)


@dataclass
class TypeOccupancy:
    room_type: RoomType
    nights: list[NightUse]

    @property
    def over_nights(self) -> int:
        return sum(1 for use in self.nights if use.over)


@dataclass
class HotelOccupancy:
    hotel: Hotel
    types: list[TypeOccupancy]


@dataclass
class Occupancy:
    nights: list[date]
    hotels: list[HotelOccupancy]


def occupancy(programme: Programme) -> Occupancy:
    """Per hotel, room type and night: rooms used against rooms held in the block.

    The nights run from the first night held or used to the last; a night used beyond the
    block has `over` rooms. Three queries, whatever the number of people.
    """
    types = list(
        RoomType.objects.filter(hotel__programme=programme)
        .select_related("hotel")
        .order_by("hotel__name", "hotel__pk", "name", "pk")
    )
    held: dict[tuple[int, date], int] = {
        (block.room_type_id, block.night): block.rooms
        for block in RoomBlock.objects.filter(room_type__hotel__programme=programme)
    }
    rooms_used: dict[tuple[int, date], set] = defaultdict(set)
    for assignment in programme_assignments(programme):
        for night in night_range(assignment.first_night, assignment.last_night):
            rooms_used[(assignment.room_type_id, night)].add(room_key(assignment))
    dates = {night for _type, night in held} | {night for _type, night in rooms_used}
    nights = night_range(min(dates), max(dates)) if dates else []
    hotels: dict[int, HotelOccupancy] = {}
    for room_type in types:
        uses = [
            NightUse(
                night,
                len(rooms_used.get((room_type.pk, night), ())),
                held.get((room_type.pk, night), 0),
            )
            for night in nights
        ]
        hotel = hotels.setdefault(room_type.hotel_id, HotelOccupancy(room_type.hotel, []))
        hotel.types.append(TypeOccupancy(room_type, uses))
    return Occupancy(nights, list(hotels.values()))


def set_block(*, room_type: RoomType, first: date, last: date, rooms: int) -> int:
    """Hold `rooms` rooms of the type on each night from `first` to `last` (0 removes them);
    how many nights were written."""
    _nights_error(first, last)
    nights = night_range(first, last)
    with transaction.atomic():
        RoomBlock.objects.filter(room_type=room_type, night__in=nights).delete()
        if rooms:
            RoomBlock.objects.bulk_create(
                [RoomBlock(room_type=room_type, night=night, rooms=rooms) for night in nights]
            )
    return len(nights)
