"""Organisers import everyone's flights from one XLSX file: all rows or none.
The programme runs 13–17 November 2023 in Jakarta (UTC+7)."""

import io
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from participants.models import Participant, TravelLeg
from participants.travel_import import COLUMNS
from tests.factories import ParticipantFactory, TravelLegFactory
from tests.participants.test_travel import utc

HEADER = [heading for _key, heading in COLUMNS]
# Kathmandu to Jakarta through Kuala Lumpur, and home; times as on the tickets.
DELEGATE_A_LEGS = [
    ["delegate.a@example.org", "arrival", "MH", "115", "KTM", "2023-11-11 22:45", "KUL",
     "2023-11-12 05:50", ""],
    # A real Excel date-time cell, and the Indonesian word for the direction.
    ["DELEGATE.A@example.org", "Kedatangan", "GA", "821", "KUL", datetime(2023, 11, 12, 7, 0),
     "CGK", datetime(2023, 11, 12, 8, 5), "window seat"],
    ["delegate.a@example.org", "keberangkatan", "GA", "820", "CGK", "2023-11-18 09:15",
     "Kuala Lumpur", "2023-11-18 12:20", ""],
]  # fmt: skip
DELEGATE_B_LEG = [
    "delegate.b@example.org", "arrival", "GA", "859", "HAN", "2023-11-12 15:00", "CGK",
    "2023-11-12 18:30", "",
]  # fmt: skip


def xlsx_file(rows: list[list], name: str = "travel.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def import_url(programme) -> str:
    return reverse("participants:travel_import", args=[programme.slug])


def post(client, programme, rows, **kwargs):
    return client.post(import_url(programme), {"file": xlsx_file(rows, **kwargs)})


def legs_of(participant) -> list[tuple]:
    return list(
        participant.legs.order_by("departs_at").values_list(
            "direction", "carrier", "number", "from_code", "from_place", "departs_at",
            "to_code", "to_place", "arrives_at", "note",
        )
    )  # fmt: skip


def row_errors(response) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in response.context["row_errors"]]


def test_a_good_file_imports_the_legs_in_local_times(organiser, programme, delegate_a):
    # An earlier leg is replaced by the file's.
    TravelLegFactory(participant=delegate_a)

    response = post(organiser, programme, [*DELEGATE_A_LEGS, DELEGATE_B_LEG])

    assert response.status_code == 302
    assert legs_of(delegate_a) == [
        ("arrival", "MH", "115", "KTM", "Kathmandu", utc("2023-11-11 17:00"), "KUL",
         "Kuala Lumpur", utc("2023-11-11 21:50"), ""),
        ("arrival", "GA", "821", "KUL", "Kuala Lumpur", utc("2023-11-11 23:00"), "CGK",
         "Jakarta", utc("2023-11-12 01:05"), "window seat"),
        # A place without a code is in the programme's zone.
        ("departure", "GA", "820", "CGK", "Jakarta", utc("2023-11-18 02:15"), "",
         "Kuala Lumpur", utc("2023-11-18 05:20"), ""),
    ]  # fmt: skip
    delegate_a.refresh_from_db()
    assert (delegate_a.arrival_at, delegate_a.arrival_details) == (
        utc("2023-11-12 01:05"),
        "GA 821 CGK",
    )
    assert delegate_a.departure_at == utc("2023-11-18 02:15")
    delegate_b = Participant.objects.get(email="delegate.b@example.org")
    assert delegate_b.arrival_at == utc("2023-11-12 11:30")
    page = organiser.get(response["Location"])
    assert "Travel imported: 4 legs of 2 participants." in page.content.decode()


def test_importing_the_same_file_twice_changes_nothing(organiser, programme, delegate_a):
    post(organiser, programme, DELEGATE_A_LEGS)
    legs = legs_of(delegate_a)
    delegate_a.refresh_from_db()
    summary = (delegate_a.arrival_at, delegate_a.departure_at, delegate_a.arrival_details)

    response = post(organiser, programme, DELEGATE_A_LEGS)

    assert response.status_code == 302
    assert legs_of(delegate_a) == legs
    assert TravelLeg.objects.count() == 3
    delegate_a.refresh_from_db()
    assert (delegate_a.arrival_at, delegate_a.departure_at, delegate_a.arrival_details) == summary


@pytest.mark.parametrize(
    ("column", "value", "heading", "message"),
    [
        (7, "2023-11-12 05:30", "Arrives", "The leg must arrive after it departs."),
        (4, "XQZ", "From", "“XQZ” is not a known airport code"),
        (5, "2024-11-12 07:00", "Departs", "Choose a day between"),
        (5, "12/11/2023", "Departs", "Enter a valid date/time."),
        (1, "transit", "Direction", "“transit” is not one of: arrival, kedatangan"),
        (0, "nobody@example.org", "E-mail", "No participant of this programme has the e-mail"),
    ],
)
def test_a_file_with_one_bad_row_saves_nothing_and_names_row_and_column(
    organiser, programme, delegate_a, column, value, heading, message
):
    TravelLegFactory(participant=delegate_a)
    bad = list(DELEGATE_A_LEGS[1])
    bad[column] = value

    response = post(organiser, programme, [DELEGATE_A_LEGS[0], bad, DELEGATE_B_LEG])

    assert response.status_code == 400
    [(row, found_heading, found_message)] = row_errors(response)
    assert (row, found_heading) == (3, heading)  # the header is row 1
    assert message in found_message
    assert "Nothing was saved" in response.content.decode()
    assert TravelLeg.objects.count() == 1  # the earlier leg, untouched
    assert not Participant.objects.filter(arrival_at__isnull=False).exists()


def test_the_way_home_before_the_last_arrival_is_refused(organiser, programme):
    home = list(DELEGATE_A_LEGS[2])
    home[5] = "2023-11-12 08:00"

    response = post(organiser, programme, [*DELEGATE_A_LEGS[:2], home])

    assert response.status_code == 400
    [(row, heading, message)] = row_errors(response)
    assert (row, heading) == (4, "Departs")
    assert "is not after the last arrival" in message
    assert not TravelLeg.objects.exists()


def test_a_participant_of_another_programme_is_refused(organiser, programme):
    ParticipantFactory(email="elsewhere@example.org")
    row = [*DELEGATE_B_LEG]
    row[0] = "elsewhere@example.org"

    response = post(organiser, programme, [row])

    assert response.status_code == 400
    assert row_errors(response) == [
        (
            2,
            "E-mail",
            "No participant of this programme has the e-mail address “elsewhere@example.org”.",
        )
    ]
    assert not TravelLeg.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("travel.csv", b"E-mail,Direction\n", "Upload an Excel workbook (.xlsx)"),
        ("travel.xlsx", b"E-mail,Direction\n", "This file is not an Excel workbook"),
    ],
)
def test_a_file_that_is_not_xlsx_is_refused(organiser, programme, name, content, message):
    response = organiser.post(import_url(programme), {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors["file"])
    assert not TravelLeg.objects.exists()


def test_a_file_without_the_required_columns_is_refused(organiser, programme):
    workbook = Workbook()
    workbook.active.append(["E-mail", "Carrier"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = organiser.post(
        import_url(programme), {"file": SimpleUploadedFile("t.xlsx", buffer.getvalue())}
    )

    assert response.status_code == 400
    [error] = response.context["form"].errors["file"]
    assert "“Direction”, “From”, “To”" in error


def test_the_template_has_the_headings_and_an_example(organiser, programme):
    response = organiser.get(reverse("participants:travel_import_template", args=[programme.slug]))

    assert response.status_code == 200
    assert f"{programme.slug}-travel.xlsx" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert rows[1][:2] == ("delegate@example.org", "arrival")


def test_the_import_is_linked_from_the_participant_list(organiser, programme):
    response = organiser.get(reverse("participants:list", args=[programme.slug]))

    assert import_url(programme) in response.content.decode()
