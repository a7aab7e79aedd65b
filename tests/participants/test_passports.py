"""Passport numbers: one stored form, unique per programme whichever path writes them."""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from participants.models import ImportBatch, Participant, StatusChange, normalise_passport_number
from tests.conftest import client_for
from tests.factories import ParticipantFactory, ProgrammeFactory, member_country

TAKEN = "Another participant of this programme has this passport number."


@pytest.mark.parametrize(
    "typed", ["C123", "c123", "C 123", " c 1 2 3 ", "C-123", "c\u2013123", "C\t123"]
)
def test_normalise_passport_number_removes_spaces_and_dashes_and_upper_cases(typed):
    assert normalise_passport_number(typed) == "C123"


def test_every_write_stores_the_normalised_number(programme):
    participant = ParticipantFactory(programme=programme, passport_number="c 123")
    assert participant.passport_number == "C123"
    assert Participant.objects.get(pk=participant.pk).passport_number == "C123"
    Participant.objects.filter(pk=participant.pk).update(passport_number="d-456")
    assert Participant.objects.get(pk=participant.pk).passport_number == "D456"
    participant.passport_number = "e 789"
    Participant.objects.bulk_update([participant], ["passport_number"])
    assert Participant.objects.get(pk=participant.pk).passport_number == "E789"
    # Lookups compare stored forms too.
    assert Participant.objects.get(passport_number="e-7 89") == participant


def test_database_refuses_the_same_passport_twice_in_a_programme(programme):
    ParticipantFactory(programme=programme, passport_number="C 123")
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(programme=programme, passport_number="c123")
    ParticipantFactory(passport_number="c123")  # another programme


def organiser_form(**changes) -> dict:
    data = {
        "category": Participant.Category.INTERNATIONAL,
        "status": Participant.Status.INVITED,
        "full_name": "Somphone Phommavong",
        "country": member_country("LA").pk,
        "email": "somphone@example.org",
        "nationality": "LA",
        "passport_number": "c123",
    }
    data.update(changes)
    return data


def test_organiser_form_refuses_c123_next_to_c_space_123(cast, programme):
    ParticipantFactory(programme=programme, passport_number="C 123")
    response = client_for(cast["organiser"]).post(
        reverse("participants:create", args=[programme.slug]), organiser_form()
    )
    assert response.status_code == 200
    assert response.context["form"].errors["passport_number"] == [TAKEN]
    assert not Participant.objects.filter(email="somphone@example.org").exists()


def test_organiser_form_stores_the_normalised_number(cast, programme):
    response = client_for(cast["organiser"]).post(
        reverse("participants:create", args=[programme.slug]),
        organiser_form(passport_number="c 1-23"),
    )
    assert response.status_code == 302
    assert Participant.objects.get(email="somphone@example.org").passport_number == "C123"


def test_profile_form_refuses_c_space_123_next_to_c123(cast, programme):
    ParticipantFactory(programme=programme, passport_number="c123")
    delegate = cast["delegate"]
    response = client_for(delegate).post(
        reverse("participants:my_profile"),
        {"passport_number": "C 123", "passport_expiry": "2030-01-31"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["passport_number"] == [TAKEN]
    assert Participant.objects.get(user=delegate).passport_number != "C123"


def test_import_refuses_c123_next_to_c_space_123(cast, programme):
    ParticipantFactory(programme=programme, passport_number="C 123", full_name="Ana")
    content = (
        b"Category,Full name (as in passport),Country,Passport number\n"
        b"international,Budi,VN,c123\n"
        b"international,Citra,VN,D 1\n"
        b"international,Dewi,VN,d-1\n"
    )
    response = client_for(cast["organiser"]).post(
        reverse("participants:import", args=[programme.slug]),
        {"file": SimpleUploadedFile("list.csv", content)},
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert [(row["row"], row["errors"]) for row in batch.rows] == [
        (
            2,
            {
                "passport_number": (
                    "Another participant of this programme (Ana) has this passport number."
                )
            },
        ),
        (3, {}),
        (4, {"passport_number": "Row 3 already has this passport number."}),
    ]


def _store_raw(participant: Participant, number: str) -> None:
    # As a row written before numbers were normalised: past the field, straight to the table.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE participants_participant SET passport_number = %s WHERE id = %s",
            [number, participant.pk],
        )


def test_migration_normalises_and_reports_collisions_instead_of_failing(programme, capsys):
    migration = importlib.import_module("participants.migrations.0007_passport_number_normalised")
    first = ParticipantFactory(programme=programme)
    second = ParticipantFactory(programme=programme)
    elsewhere = ParticipantFactory(programme=ProgrammeFactory())
    _store_raw(first, "c 123")
    _store_raw(second, "C-123")
    _store_raw(elsewhere, "c123")

    migration.normalise_passport_numbers(apps, None)

    numbers = dict(Participant.objects.values_list("pk", "passport_number"))
    assert numbers[first.pk] == "C123"
    assert numbers[second.pk] == ""
    assert numbers[elsewhere.pk] == "C123"
    note = StatusChange.objects.get(participant=second).note
    assert note == (
        "Passport number “C-123” removed when passport numbers were normalised: "
        f"participant #{first.pk} of this programme has the same number (C123)."
    )
    assert note in capsys.readouterr().out


def test_organiser_records_date_and_place_of_birth_with_the_passport(cast, programme):
    client = client_for(cast["organiser"])
    response = client.post(
        reverse("participants:create", args=[programme.slug]),
        organiser_form(date_of_birth="1984-07-09", place_of_birth="Vientiane"),
    )
    participant = Participant.objects.get(email="somphone@example.org")
    assert (participant.date_of_birth, participant.place_of_birth) == (
        date(1984, 7, 9),
        "Vientiane",
    )
    page = client.get(response["Location"]).content.decode()
    assert "<dt>Date of birth</dt><dd>9 July 1984</dd>" in page
    assert "<dt>Place of birth</dt><dd>Vientiane</dd>" in page


def test_organiser_form_refuses_a_date_of_birth_in_the_future(cast, programme):
    response = client_for(cast["organiser"]).post(
        reverse("participants:create", args=[programme.slug]),
        organiser_form(date_of_birth="2999-01-01"),
    )
    assert response.context["form"].errors["date_of_birth"] == [
        "A date of birth must be in the past."
    ]
    assert not Participant.objects.filter(email="somphone@example.org").exists()
