"""The demo's hotels: one near Perpusnas for the Jakarta programme, one in Colombo for the
sample, each with a block of twin and single rooms and the international delegates in them."""

from datetime import date

import pytest
from django.core.management import call_command

from participants import lodging
from participants.lodging_models import Hotel, RoomAssignment, RoomBlock
from participants.models import INACTIVE_STATUSES, Participant
from programs.models import Programme


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("loaddemo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Programme.objects.get(slug="tpbis-2023")


def _as_loaded() -> dict:
    return {
        "hotels": list(Hotel.objects.order_by("pk").values_list("pk", "programme", "name")),
        "blocks": list(RoomBlock.objects.order_by("pk").values_list("pk", "night", "rooms")),
        "rooms": list(
            RoomAssignment.objects.order_by("pk").values_list(
                "pk",
                "participant",
                "room_type",
                "room_label",
                "first_night",
                "last_night",
                "updated_at",
            )
        ),
    }


def test_demo_hotels_blocks_and_rooms(demo):
    (hotel,) = demo.hotels.all()
    assert "Perpusnas" in hotel.address and "(sample)" in hotel.name
    blocks = RoomBlock.objects.filter(room_type__hotel=hotel)
    assert {block.room_type.name for block in blocks} == {"Deluxe twin", "Superior single"}
    assert min(b.night for b in blocks) == date(2023, 11, 11)
    assert max(b.night for b in blocks) == date(2023, 11, 17)
    international = demo.participants.filter(category=Participant.Category.INTERNATIONAL)
    rooms = RoomAssignment.objects.filter(participant__in=international)
    assert rooms.count() == international.count() == 8
    # Same-gender pairs share, under the programme's rule: no warnings, no night over the block.
    assert not any(row.warnings for row in lodging.board(demo))
    for line in lodging.occupancy(demo).hotels[0].types:
        assert line.over_nights == 0
    colombo = Programme.objects.get(slug="colombo-sample-2024")
    (sample_hotel,) = colombo.hotels.all()
    assert "Colombo" in sample_hotel.address
    active = colombo.participants.filter(category=Participant.Category.INTERNATIONAL).exclude(
        status__in=INACTIVE_STATUSES
    )
    assert RoomAssignment.objects.filter(room_type__hotel=sample_hotel).count() == active.count()


def test_loading_twice_changes_no_hotel_block_or_room(demo):
    before = _as_loaded()
    call_command("loaddemo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _as_loaded() == before
