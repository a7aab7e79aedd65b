"""The rooming list of a hotel, through the one pipeline: a PDF and the same rows as an XLSX."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from participants import lodging
from participants.lodging_models import RoomAssignment
from participants.models import Participant
from reports.jobkind import SubjectGone
from reports.models import GenerationJob
from reports.retention import erase_participant, purge_programme
from reports.rooming_list import rooming_list_context
from tests.conftest import client_for
from tests.factories import ParticipantFactory, RoomTypeFactory

from .test_documents import pdf_text


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def hotel_guests(programme):
    twin = RoomTypeFactory(hotel__programme=programme, hotel__name="Hotel Gondangdia", beds=2)
    guests = [
        ParticipantFactory(
            programme=programme,
            full_name="ກິ່ງແກ້ວ ພົມມະວົງ",
            full_name_latin="Kingkeo Phommavong",
            nationality="LA",
            dietary_needs="Vegetarian",
        ),
        ParticipantFactory(programme=programme, full_name="Ana Reyes", nationality="PH"),
        # Text a spreadsheet would run as a formula.
        ParticipantFactory(programme=programme, full_name="=HYPERLINK(1)", nationality="VN"),
    ]
    nights = {"first_night": date(2023, 11, 12), "last_night": date(2023, 11, 16)}
    lodging.assign_room(participant=guests[0], room_type=twin, room_label="301", **nights)
    lodging.assign_room(participant=guests[1], room_type=twin, room_label="301", **nights)
    lodging.assign_room(participant=guests[2], room_type=twin, room_label="302", **nights)
    gone = ParticipantFactory(programme=programme, full_name="Withdrawn Guest")
    lodging.assign_room(participant=gone, room_type=twin, room_label="303", **nights)
    gone.status = Participant.Status.WITHDRAWN
    gone.save()
    return twin.hotel, guests


def generate(client, programme, hotel, django_capture_on_commit_callbacks) -> GenerationJob:
    url = reverse("reports:rooming_list", args=[programme.slug, hotel.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"language": "en"})
    assert response.url == url
    return GenerationJob.objects.get(kind=GenerationJob.Kind.ROOMING_LIST, hotel=hotel)


def test_rooming_list_pdf_and_xlsx(
    cast, programme, hotel_guests, django_capture_on_commit_callbacks
):
    hotel, _guests = hotel_guests
    client = client_for(cast["staff"])
    job = generate(client, programme, hotel, django_capture_on_commit_callbacks)
    assert job.status == GenerationJob.Status.DONE
    assert job.combined.name.endswith(f"rooming_list-hotel-{hotel.pk}-en.pdf")
    text = " ".join(pdf_text(job.combined.read()).split())
    assert "Rooming list: Hotel Gondangdia" in text
    assert "Kingkeo Phommavong" in text and "Laos" in text and "Diet: Vegetarian" in text
    assert "Sun 12 Nov 2023" in text and "Fri 17 Nov 2023" in text
    assert "Withdrawn Guest" not in text
    assert "3 guests · 2 rooms · 1 with special needs" in text

    response = client.get(reverse("reports:job_spreadsheet", args=[job.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Room type", "Room", "People in the room", "Name (as in passport)")
    assert rows[1][:7] == (
        "Deluxe twin",
        "301",
        2,
        "Ana Reyes",
        None,
        "Female",
        "Philippines",
    )
    assert rows[2][3:5] == ("Kingkeo Phommavong", "ກິ່ງແກ້ວ ພົມມະວົງ")
    assert rows[2][7:11] == ("2023-11-12", "2023-11-17", 5, "Diet: Vegetarian")
    # Stored as text, never as a formula.
    formula_cell = sheet.cell(row=4, column=4)
    assert (formula_cell.value, formula_cell.data_type) == ("=HYPERLINK(1)", "s")
    assert len(rows) == 4


def test_rooming_list_page_lists_the_guests(cast, programme, hotel_guests):
    hotel, _guests = hotel_guests
    page = client_for(cast["staff"]).get(
        reverse("reports:rooming_list", args=[programme.slug, hotel.pk])
    )
    assert [row.passport_name for row in page.context["rows"]] == [
        "Ana Reyes",
        "Kingkeo Phommavong",
        "=HYPERLINK(1)",
    ]


def test_a_hotel_of_another_programme_or_gone_is_a_clear_error(programme, hotel_guests):
    other = RoomTypeFactory().hotel
    with pytest.raises(SubjectGone, match="The hotel no longer exists."):
        rooming_list_context(programme, hotel_id=other.pk)
    with pytest.raises(SubjectGone, match="The hotel no longer exists."):
        rooming_list_context(programme, hotel_id=0)


def test_erasure_deletes_the_room_and_the_rooming_lists(
    cast, programme, hotel_guests, django_capture_on_commit_callbacks
):
    hotel, guests = hotel_guests
    generate(client_for(cast["staff"]), programme, hotel, django_capture_on_commit_callbacks)
    erase_participant(participant=guests[0], by=cast["organiser"], keep_certificate=True)
    assert not RoomAssignment.objects.filter(participant=guests[0]).exists()
    assert RoomAssignment.objects.filter(participant=guests[1]).exists()
    assert not GenerationJob.objects.filter(kind=GenerationJob.Kind.ROOMING_LIST).exists()
    assert hotel.room_types.count() == 1


def test_retention_purge_deletes_who_slept_where_and_keeps_the_hotels(
    cast, programme, hotel_guests, django_capture_on_commit_callbacks
):
    hotel, _guests = hotel_guests
    generate(client_for(cast["staff"]), programme, hotel, django_capture_on_commit_callbacks)
    record = purge_programme(programme=programme)
    assert "room" in record.fields
    assert not RoomAssignment.objects.filter(room_type__hotel=hotel).exists()
    assert not GenerationJob.objects.filter(kind=GenerationJob.Kind.ROOMING_LIST).exists()
    assert hotel.room_types.count() == 1
    # Running it again changes nothing.
    assert purge_programme(programme=programme) is None
