"""The demo's hotels: one near each host's venue, with a block of twin and single rooms, and the
international delegates in them (same-gender pairs share a twin, the one left over has a single).
Names, addresses and contacts are made up (sample data)."""

from datetime import date, time, timedelta

from participants.lodging import assign_room
from participants.lodging_models import Hotel, LodgingRule, RoomBlock, RoomType
from participants.models import INACTIVE_STATUSES, Participant
from programs.models import Programme

TWIN, SINGLE = "Deluxe twin", "Superior single"

JAKARTA = {
    "hotel": {
        "name": "Hotel Merdeka Selatan (sample)",
        "address": "Jl. Medan Merdeka Selatan, Gambir, Jakarta Pusat (sample address, a short "
        "walk from Perpusnas)",
        "phone": "+62 21 0000 0000",
        "email": "reservations@hotel-merdeka-selatan.example.org",
        "contact_name": "Reservations desk (sample)",
        "check_in": time(14, 0),
        "check_out": time(12, 0),
        "note": "Sample data for the demo: not a real hotel.",
    },
    # Nights of 11 to 17 November 2023: check-out on the 18th.
    "nights": (date(2023, 11, 11), date(2023, 11, 17)),
    "rooms": {TWIN: (2, 4), SINGLE: (1, 3)},
}

COLOMBO = {
    "hotel": {
        "name": "Independence Avenue Guest House (sample)",
        "address": "Independence Avenue, Colombo 07 (sample address, near the National Library)",
        "phone": "+94 11 000 0000",
        "email": "frontdesk@independence-avenue.example.org",
        "contact_name": "Front desk (sample)",
        "check_in": time(14, 0),
        "check_out": time(11, 0),
        "note": "Sample data for the demo: not a real hotel.",
    },
    "nights": (date(2024, 9, 1), date(2024, 9, 6)),
    "rooms": {TWIN: (2, 3), SINGLE: (1, 3)},
}


def load_lodging(programme: Programme, source: dict) -> Hotel:
    """The programme's sample hotel, block and room assignments; running it again changes
    nothing (people who already have a room keep it)."""
    LodgingRule.objects.get_or_create(
        programme=programme, defaults={"sharing": LodgingRule.Sharing.SAME_GENDER}
    )
    hotel, _ = Hotel.objects.update_or_create(
        programme=programme, name=source["hotel"]["name"], defaults=source["hotel"]
    )
    first, last = source["nights"]
    types = {}
    for name, (beds, rooms) in source["rooms"].items():
        room_type, _ = RoomType.objects.update_or_create(
            hotel=hotel, name=name, defaults={"beds": beds}
        )
        types[name] = room_type
        for offset in range((last - first).days + 1):
            RoomBlock.objects.update_or_create(
                room_type=room_type, night=first + timedelta(days=offset), defaults={"rooms": rooms}
            )
    delegates = (
        programme.participants.filter(category=Participant.Category.INTERNATIONAL)
        .exclude(status__in=INACTIVE_STATUSES)
        .select_related("programme")
        .order_by("email")
    )
    twins = singles = 0
    for gender in ("female", "male", "other", ""):
        people = [person for person in delegates if person.gender == gender]
        while people:
            pair, people = people[:2], people[2:]
            if len(pair) == 2:
                twins += 1
                room_type, label = types[TWIN], f"T{twins}"
            else:
                singles += 1
                room_type, label = types[SINGLE], f"S{singles}"
            for person in pair:
                if not hasattr(person, "room"):
                    assign_room(participant=person, room_type=room_type, room_label=label)
    return hotel
