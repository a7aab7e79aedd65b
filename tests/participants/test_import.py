"""Bulk import of participants: upload → preview → confirm, and the templates."""

import csv
import io
import zipfile
from datetime import date, datetime

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from participants import columns, imports, spreadsheets
from participants.models import ImportBatch, Participant, StatusChange
from programs.models import MemberCountry, Province

from ..conftest import client_for
from ..factories import (
    ColomboProgrammeFactory,
    MembershipFactory,
    ParticipantFactory,
    ProgrammeFactory,
)

HEADER = [
    "Category",
    "Full name (as in passport)",
    "Full name in Latin script",
    "Gender",
    "Country",
    "Province",
    "Region (province, regency or city)",
    "Institution",
    "E-mail",
    "Passport number",
    "Passport expiry (YYYY-MM-DD)",
    "Arrival (YYYY-MM-DD HH:MM)",
    "Departure (YYYY-MM-DD HH:MM)",
]


def good_row(n: int, **changes) -> dict:
    row = {
        "Category": "international",
        "Full name (as in passport)": f"Delegate {n}",
        "Full name in Latin script": "",
        "Gender": "female",
        "Country": "VN",
        "Province": "",
        "Region (province, regency or city)": "",
        "Institution": "National Library of Vietnam",
        "E-mail": f"delegate{n}@example.org",
        "Passport number": f"C{n:07d}",
        "Passport expiry (YYYY-MM-DD)": "2030-01-31",
        "Arrival (YYYY-MM-DD HH:MM)": "2023-11-12 14:30",
        "Departure (YYYY-MM-DD HH:MM)": "2023-11-18 09:00",
    }
    row.update(changes)
    return row


def csv_bytes(rows: list[dict], *, header=HEADER, delimiter=",", bom=False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def csv_file(rows: list[dict], name="participants.csv", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(rows, **kwargs), content_type="text/csv")


def upload(client, programme, file):
    return client.post(reverse("participants:import", args=[programme.slug]), {"file": file})


def preview_url(programme, batch) -> str:
    return reverse("participants:import_preview", args=[programme.slug, batch.pk])


def form_errors(response) -> list[str]:
    return response.context["form"].errors["file"]


@pytest.fixture
def organiser(cast):
    return cast["organiser"]


@pytest.fixture
def client(organiser):
    return client_for(organiser)


def staged(client, programme, rows, **kwargs) -> ImportBatch:
    response = upload(client, programme, csv_file(rows, **kwargs))
    batch = ImportBatch.objects.get(programme=programme)
    assert response.status_code == 302
    assert response["Location"] == preview_url(programme, batch)
    return batch


def row_errors(batch: ImportBatch) -> dict[int, dict[str, str]]:
    return {row["row"]: row["errors"] for row in batch.rows if row["errors"]}


# --- What managers get (who may reach each view: tests/permission_table.py) ---------------


def test_import_upload_page_offers_a_file_field(cast, programme):
    response = client_for(cast["organiser"]).get(
        reverse("participants:import", args=[programme.slug])
    )
    content = response.content.decode()
    assert "Import participants" in content
    assert 'type="file"' in content


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_import_upload_stages_a_batch_of_its_uploader(cast, programme, role):
    response = upload(client_for(cast[role]), programme, csv_file([good_row(1)]))
    batch = ImportBatch.objects.get()
    assert response["Location"] == preview_url(programme, batch)
    assert batch.created_by == cast[role]


def test_import_preview_shows_the_rows(cast, programme):
    batch = staged(client_for(cast["organiser"]), programme, [good_row(1)])
    response = client_for(cast["admin"]).get(preview_url(programme, batch))
    assert "Delegate 1" in response.content.decode()


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_import_confirm_saves_the_rows(cast, programme, role):
    batch = staged(client_for(cast["organiser"]), programme, [good_row(1)])
    response = client_for(cast[role]).post(preview_url(programme, batch))
    assert response["Location"] == reverse("participants:list", args=[programme.slug])
    assert programme.participants.filter(email="delegate1@example.org").exists()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_import_template_is_named_after_the_programme(cast, programme, file_format):
    url = reverse("participants:import_template", args=[programme.slug, file_format])
    response = client_for(cast["organiser"]).get(url)
    assert response["Content-Disposition"] == (
        f'attachment; filename="{programme.slug}-participants-template.{file_format}"'
    )


def test_import_template_unknown_format_is_404(client, programme):
    url = reverse("participants:import_template", args=[programme.slug, "pdf"])
    response = client.get(url)
    assert response.status_code == 404
    assert not response.has_header("Content-Disposition")


def test_import_preview_of_another_programme_is_404(client, cast, programme):
    other = ProgrammeFactory()
    MembershipFactory(programme=other, user=cast["organiser"])
    batch = staged(client, programme, [good_row(1)])
    response = client.get(reverse("participants:import_preview", args=[other.slug, batch.pk]))
    assert response.status_code == 404
    response = client.post(reverse("participants:import_preview", args=[other.slug, batch.pk]))
    assert response.status_code == 404
    assert not Participant.objects.filter(email="delegate1@example.org").exists()


# --- Happy paths --------------------------------------------------------------------------


def test_import_all_good_rows_saved_at_confirm(client, organiser, programme):
    before = programme.participants.count()
    batch = staged(client, programme, [good_row(n) for n in range(500)])
    assert imports.summarise(batch) == imports.BatchSummary(new=500, update=0, error=0)
    assert programme.participants.count() == before  # nothing saved before the confirmation

    response = client.post(preview_url(programme, batch))

    assert response["Location"] == reverse("participants:list", args=[programme.slug])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "500 participants added, 0 updated, 0 unchanged."
    ]
    assert programme.participants.count() == before + 500
    imported = programme.participants.get(email="delegate7@example.org")
    assert (imported.full_name, imported.category, imported.country.code) == (
        "Delegate 7",
        "international",
        "VN",
    )
    assert imported.passport_number == "C0000007"
    assert imported.passport_expiry == date(2030, 1, 31)
    assert programme.to_local(imported.arrival_at) == programme.local_datetime(
        date(2023, 11, 12), 14, 30
    )
    assert imported.status == Participant.Status.INVITED
    changes = StatusChange.objects.filter(
        participant__programme=programme, participant__email__startswith="delegate"
    )
    assert changes.count() == 500
    assert set(changes.values_list("from_status", "to_status", "changed_by")) == {
        ("", "invited", organiser.pk)
    }
    # Defaults computed per row (the badge code) differ from one participant to the next.
    badges = list(programme.participants.values_list("badge_code", flat=True))
    assert len(set(badges)) == len(badges)
    batch.refresh_from_db()
    assert batch.applied_at is not None


def test_import_csv_with_bom_imports(client, programme):
    batch = staged(
        client, programme, [good_row(1, **{"Full name (as in passport)": "Lê Thị Hà"})], bom=True
    )
    assert imports.summarise(batch).new == 1
    client.post(preview_url(programme, batch))
    assert programme.participants.get(email="delegate1@example.org").full_name == "Lê Thị Hà"


def test_import_semicolon_csv_imports(client, programme):
    rows = [good_row(1, Institution="Perpustakaan; Nasional"), good_row(2)]
    batch = staged(client, programme, rows, delimiter=";")
    assert imports.summarise(batch) == imports.BatchSummary(new=2, update=0, error=0)
    client.post(preview_url(programme, batch))
    assert programme.participants.get(email="delegate1@example.org").institution == (
        "Perpustakaan; Nasional"
    )


def test_import_tab_separated_csv_imports(client, programme):
    batch = staged(client, programme, [good_row(1)], delimiter="\t")
    assert imports.summarise(batch).new == 1


def test_import_headers_match_by_key_or_label_in_any_case(client, programme):
    header = ["CATEGORY", "full_name", "e-mail", "country", "Arrival", "Shoe size"]
    rows = [
        {
            "CATEGORY": "International delegate",
            "full_name": "Ana Santos",
            "e-mail": "ana@example.org",
            "country": "Philippines",
            "Arrival": "2023-11-12 08:00",
            "Shoe size": "38",
        }
    ]
    response = upload(client, programme, csv_file(rows, header=header))
    batch = ImportBatch.objects.get()
    assert batch.rows == [
        {
            "row": 2,
            "action": "new",
            "values": {
                "category": "international",
                "full_name": "Ana Santos",
                "email": "ana@example.org",
                "country": "PH",
                "arrival_at": "2023-11-12 08:00",
            },
            "errors": {},
        }
    ]
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "These columns were not recognised and are ignored: “Shoe size”."
    ]


def test_import_accepts_country_names_and_provinces_in_any_case(client, programme):
    rows = [
        good_row(1, Country="Selandia Baru"),
        good_row(2, Country="viet nam"),
        good_row(3, Country="Korea Selatan"),
        good_row(
            4,
            Category="Domestic representative",
            Country="",
            Province="jawa barat",
            **{"Passport number": ""},
        ),
    ]
    batch = staged(client, programme, rows)
    assert [row["values"].get("country") or row["values"]["province"] for row in batch.rows] == [
        "NZ",
        "VN",
        "KR",
        "Jawa Barat",
    ]
    assert row_errors(batch) == {}


def test_import_updates_participant_with_same_email(client, organiser, programme):
    existing = ParticipantFactory(
        programme=programme,
        email="Lan.Nguyen@Example.org",
        full_name="Nguyễn Lan",
        institution="Old institution",
        phone="+84 1234",
        status=Participant.Status.INVITED,
    )
    header = ["Category", "Full name (as in passport)", "E-mail", "Institution", "Phone", "Status"]
    rows = [
        {
            "Category": "international",
            "Full name (as in passport)": "Nguyễn Thị Lan",
            "E-mail": "lan.nguyen@example.org",
            "Institution": "National Library of Vietnam",
            "Phone": "",
            "Status": "confirmed",
        },
        {"Category": "observer", "Full name (as in passport)": "New Person", "E-mail": "new@x.org"},
    ]
    batch = staged(client, programme, rows, header=header)
    assert [row["action"] for row in batch.rows] == ["update", "new"]

    response = client.post(preview_url(programme, batch))

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "1 participant added, 1 updated, 0 unchanged."
    ]
    existing.refresh_from_db()
    assert (existing.full_name, existing.institution, existing.phone, existing.status) == (
        "Nguyễn Thị Lan",
        "National Library of Vietnam",
        "+84 1234",  # an empty cell keeps the old value
        "confirmed",
    )
    assert existing.email == "Lan.Nguyen@Example.org"
    assert list(existing.status_changes.values_list("from_status", "to_status", "changed_by")) == [
        ("invited", "confirmed", organiser.pk)
    ]


def test_import_xlsx_with_date_cells(client, programme):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(
        [
            "International delegate",
            "山田 花子",
            "Yamada Hanako",
            "F",
            "JP",
            None,
            None,
            "National Diet Library",
            "hanako@example.jp",
            12345678,
            datetime(2031, 3, 1),
            datetime(2023, 11, 12, 21, 5),
            "2023-11-18 10:00",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    file = SimpleUploadedFile("list.xlsx", buffer.getvalue())

    response = upload(client, programme, file)

    batch = ImportBatch.objects.get()
    assert response["Location"] == preview_url(programme, batch)
    assert batch.rows[0]["values"] == {
        "category": "international",
        "full_name": "山田 花子",
        "full_name_latin": "Yamada Hanako",
        "gender": "female",
        "country": "JP",
        "institution": "National Diet Library",
        "email": "hanako@example.jp",
        "passport_number": "12345678",
        "passport_expiry": "2031-03-01",
        "arrival_at": "2023-11-12 21:05",
        "departure_at": "2023-11-18 10:00",
    }


# --- Bad input ----------------------------------------------------------------------------


def assert_refused(client, programme, batch, count_before: int) -> None:
    """The preview offers no confirmation and a forced POST saves nothing."""
    page = client.get(preview_url(programme, batch)).content.decode()
    assert "Fix the file and upload it again" in page
    assert "Confirm and save" not in page
    response = client.post(preview_url(programme, batch))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Nothing was saved: fix the file and upload it again."
    ]
    assert programme.participants.count() == count_before
    batch.refresh_from_db()
    assert batch.applied_at is None


def test_import_unknown_country_is_an_error(client, programme):
    before = programme.participants.count()
    batch = staged(client, programme, [good_row(1), good_row(2, Country="Narnia")])
    assert row_errors(batch) == {
        3: {
            "country": "“Narnia” is not a member country of the Colombo Plan. Use its "
            "two-letter ISO code (for example VN) or its English name."
        }
    }
    page = client.get(preview_url(programme, batch)).content.decode()
    assert "“Narnia” is not a member country" in page
    assert_refused(client, programme, batch, before)


def test_import_inactive_member_country_is_an_error(client, programme):
    MemberCountry.objects.filter(country="US").update(is_active=False)
    batch = staged(client, programme, [good_row(1, Country="US")])
    assert row_errors(batch) == {
        2: {
            "country": "United States of America is no longer an active member country of "
            "the Colombo Plan."
        }
    }


def test_import_malformed_email_is_an_error(client, programme):
    before = programme.participants.count()
    batch = staged(client, programme, [good_row(1, **{"E-mail": "someone@@example"})])
    assert row_errors(batch) == {2: {"email": "“someone@@example” is not an e-mail address."}}
    assert_refused(client, programme, batch, before)


def test_import_duplicate_email_in_file_names_earlier_row(client, programme):
    rows = [good_row(1), good_row(2), good_row(3, **{"E-mail": "DELEGATE1@example.org"})]
    batch = staged(client, programme, rows)
    assert row_errors(batch) == {4: {"email": "Row 2 already has this e-mail address."}}


def test_import_duplicate_passport_in_file_is_an_error(client, programme):
    before = programme.participants.count()
    rows = [good_row(1), good_row(2, **{"Passport number": "c 0000001"})]
    batch = staged(client, programme, rows)
    assert row_errors(batch) == {3: {"passport_number": "Row 2 already has this passport number."}}
    assert_refused(client, programme, batch, before)


def test_import_passport_of_another_registered_participant_is_an_error(client, programme):
    ParticipantFactory(programme=programme, full_name="Kim Min-ji", passport_number="M1234567")
    batch = staged(client, programme, [good_row(1, **{"Passport number": "m1234567"})])
    assert row_errors(batch) == {
        2: {
            "passport_number": "Another participant of this programme (Kim Min-ji) has this "
            "passport number."
        }
    }


def test_import_passport_of_same_participant_on_update_is_fine(client, programme):
    ParticipantFactory(
        programme=programme, email="delegate1@example.org", passport_number="C0000001"
    )
    batch = staged(client, programme, [good_row(1)])
    assert [row["action"] for row in batch.rows] == ["update"]


def test_import_dates_outside_programme_are_errors(client, programme):
    before = programme.participants.count()
    rows = [
        good_row(1, **{"Arrival (YYYY-MM-DD HH:MM)": "2023-10-30 10:00"}),
        good_row(2, **{"Departure (YYYY-MM-DD HH:MM)": "2024-11-18 10:00"}),
        good_row(3, **{"Departure (YYYY-MM-DD HH:MM)": "2023-11-12 10:00"}),
        good_row(4, **{"Passport expiry (YYYY-MM-DD)": "2023-11-16"}),
        good_row(5, **{"Passport expiry (YYYY-MM-DD)": "16/11/2030"}),
        good_row(6, **{"Arrival (YYYY-MM-DD HH:MM)": "tomorrow"}),
    ]
    batch = staged(client, programme, rows)
    window = "Choose a day between Nov. 6, 2023 and Nov. 24, 2023."
    assert row_errors(batch) == {
        2: {"arrival_at": window},
        3: {"departure_at": window},
        4: {"departure_at": "The departure must come after the arrival."},
        5: {"passport_expiry": "The passport expires before the programme ends (Nov. 17, 2023)."},
        6: {
            "passport_expiry": "“16/11/2030” is not a date in the format YYYY-MM-DD (for "
            "example 2028-05-31)."
        },
        7: {
            "arrival_at": "“tomorrow” is not a date and time in the format YYYY-MM-DD HH:MM "
            "(for example 2023-11-12 14:30), in the programme's time zone."
        },
    }
    assert_refused(client, programme, batch, before)


def test_import_date_and_place_of_birth(client, programme):
    header = [*HEADER, "Date of birth (YYYY-MM-DD)", "Place of birth"]
    rows = [
        good_row(1, **{"Date of birth (YYYY-MM-DD)": "1984-07-09", "Place of birth": "Hue"}),
        good_row(2, **{"Date of birth (YYYY-MM-DD)": "2999-01-01"}),
        good_row(3, **{"Date of birth (YYYY-MM-DD)": "9 July 1984"}),
    ]
    batch = staged(client, programme, rows, header=header)
    assert row_errors(batch) == {
        3: {"date_of_birth": "A date of birth must be in the past."},
        4: {
            "date_of_birth": "“9 July 1984” is not a date in the format YYYY-MM-DD (for "
            "example 2028-05-31)."
        },
    }
    batch.delete()
    batch = staged(client, programme, rows[:1], header=header)
    client.post(preview_url(programme, batch))
    imported = programme.participants.get(email="delegate1@example.org")
    assert (imported.date_of_birth, imported.place_of_birth) == (date(1984, 7, 9), "Hue")


def test_import_origin_rules(client, programme):
    rows = [
        good_row(1, Country=""),
        good_row(2, Category="domestic", Country="", **{"Passport number": ""}),
        good_row(3, Category="domestic", Country="", Province="Bali", **{"Passport number": ""}),
        good_row(4, Category="speaker", Country=""),
        good_row(5, Category="visitor", Gender="x"),
    ]
    batch = staged(client, programme, rows)
    assert row_errors(batch) == {
        2: {"country": "An international delegate needs a country."},
        3: {"region": "A domestic representative needs a region of Indonesia."},
        6: {
            "category": "“visitor” is not one of: international, domestic, speaker, observer, "
            "organising_staff.",
            "gender": "“x” is not one of: female, male, other.",
        },
    }


def test_import_required_cells_and_lengths(client, programme):
    rows = [good_row(1, **{"Full name (as in passport)": ""}), good_row(2, Institution="x" * 201)]
    batch = staged(client, programme, rows)
    assert row_errors(batch) == {
        2: {"full_name": "This column is required."},
        3: {"institution": "At most 200 characters (this cell has 201)."},
    }


def test_import_missing_required_column_is_a_form_error(client, programme):
    response = upload(client, programme, csv_file([{"E-mail": "a@b.org"}], header=["E-mail"]))
    assert response.status_code == 200
    assert form_errors(response) == [
        "The header row (row 1) has no column “Category”, “Full name (as in passport)”. "
        "Start from the template."
    ]
    assert not ImportBatch.objects.exists()


def test_import_xlsx_that_is_not_a_spreadsheet_is_a_form_error(client, programme):
    document = io.BytesIO()
    with zipfile.ZipFile(document, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"
    for content in (pdf, b"PK\x03\x04 not really a zip", document.getvalue()):
        response = upload(client, programme, SimpleUploadedFile("list.xlsx", content))
        assert response.status_code == 200
        assert form_errors(response) == [
            "This file is not an Excel workbook, whatever its name says. Save it from your "
            "spreadsheet as “Excel Workbook (.xlsx)” or “CSV UTF-8” and upload it again."
        ]
    assert not ImportBatch.objects.exists()


def test_import_other_file_type_is_a_form_error(client, programme):
    response = upload(client, programme, SimpleUploadedFile("list.xls", b"\xd0\xcf\x11\xe0"))
    assert form_errors(response) == ["Upload a .csv or .xlsx file."]


def test_import_6_mb_file_is_refused_before_reading(client, programme):
    big = SimpleUploadedFile("big.csv", b"a" * (6 * 1024 * 1024), content_type="text/csv")
    response = upload(client, programme, big)
    assert response.status_code == 200
    assert form_errors(response) == [
        "The file is 6.0\xa0MB, over the 5 MB limit for participant lists."
    ]
    assert not ImportBatch.objects.exists()


def test_import_csv_in_another_encoding_names_the_line(client, programme):
    text = csv_bytes([good_row(1), good_row(2)]).decode() + "international,Zoé Martin,,,FR\n"
    file = SimpleUploadedFile("list.csv", text.encode("cp1252"))
    response = upload(client, programme, file)
    assert form_errors(response) == [
        "Line 4 of the file is not UTF-8 text, so names with accents or other scripts would be "
        "garbled. In Excel choose File → Save As → “CSV UTF-8 (Comma delimited) (*.csv)” and "
        "upload the new file."
    ]
    assert not ImportBatch.objects.exists()


def test_import_empty_file_is_a_form_error(client, programme):
    response = upload(client, programme, csv_file([]))
    assert form_errors(response) == ["The file has no participant rows under its header."]


def test_import_more_than_10000_rows_is_a_form_error(client, programme):
    header = ["Category", "Full name (as in passport)"]
    rows = [{"Category": "observer", "Full name (as in passport)": f"P{n}"} for n in range(10_001)]
    response = upload(client, programme, csv_file(rows, header=header))
    assert form_errors(response) == [
        "The file has more than 10,000 participant rows. Split it into smaller files."
    ]


def test_import_xlsx_of_more_than_10000_rows_is_a_form_error(client, programme):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Participants")
    sheet.append(["Category", "Full name (as in passport)"])
    for n in range(10_001):
        sheet.append(["observer", f"P{n}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(client, programme, SimpleUploadedFile("list.xlsx", buffer.getvalue()))
    assert form_errors(response) == [
        "The file has more than 10,000 participant rows. Split it into smaller files."
    ]
    assert not ImportBatch.objects.exists()


def test_import_one_bad_row_among_500_saves_nothing(client, programme):
    before = programme.participants.count()
    rows = [good_row(n) for n in range(500)]
    rows.insert(250, good_row(999, Country="Atlantis"))
    batch = staged(client, programme, rows)
    assert imports.summarise(batch) == imports.BatchSummary(new=500, update=0, error=1)

    page = client.get(preview_url(programme, batch)).content.decode()
    assert "1 row has a problem." in page
    assert "“Atlantis” is not a member country" in page
    # The first 200 good rows are listed, the rest counted.
    assert page.count('<span class="badge status-done">New</span>') == 200
    assert "And 300 more rows without problems." in page
    assert_refused(client, programme, batch, before)


def test_import_revalidates_at_confirm(client, programme):
    before = programme.participants.count()
    batch = staged(client, programme, [good_row(1), good_row(2)])
    # Someone registers the same passport while the organiser looks at the preview.
    ParticipantFactory(programme=programme, full_name="Quick Registrar", passport_number="C0000002")

    response = client.post(preview_url(programme, batch))

    assert response["Location"] == preview_url(programme, batch)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Nothing was saved: the participant list changed since the upload and some rows are "
        "no longer valid. Fix the file and upload it again."
    ]
    assert programme.participants.count() == before + 1
    batch.refresh_from_db()
    assert row_errors(batch) == {
        3: {
            "passport_number": "Another participant of this programme (Quick Registrar) has "
            "this passport number."
        }
    }
    assert batch.applied_at is None


def test_import_batch_cannot_be_applied_twice(client, programme):
    batch = staged(client, programme, [good_row(1), good_row(2)])
    client.post(preview_url(programme, batch))
    count = programme.participants.count()

    response = client.post(preview_url(programme, batch))

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        # From the first confirmation, not yet shown.
        "2 participants added, 0 updated, 0 unchanged.",
        "This list has already been saved.",
    ]
    assert programme.participants.count() == count
    page = client.get(preview_url(programme, batch)).content.decode()
    assert "This list was saved on" in page
    assert "Confirm and save" not in page


def test_import_preview_get_does_not_save(client, programme):
    batch = staged(client, programme, [good_row(1)])
    page = client.get(preview_url(programme, batch)).content.decode()
    assert "Confirm and save" in page
    assert "Every row is ready: 1 participant will be added and 0 updated." in page
    assert not programme.participants.filter(email="delegate1@example.org").exists()


# --- Templates ----------------------------------------------------------------------------


def test_import_template_csv_parses_back_with_zero_rows(client, programme):
    url = reverse("participants:import_template", args=[programme.slug, "csv"])
    response = client.get(url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    table = imports.read_upload(SimpleUploadedFile("template.csv", response.content))
    assert table.rows == []
    assert table.ignored_headers == []
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == [str(column.label) for column in columns.TEMPLATE_COLUMNS]
    assert imports.validate_rows(programme=programme, rows=table.rows) == []


def test_import_template_xlsx_parses_back_and_explains_columns(client, programme):
    url = reverse("participants:import_template", args=[programme.slug, "xlsx"])
    content = client.get(url).content
    table = imports.read_upload(SimpleUploadedFile("template.xlsx", content))
    assert (table.rows, table.ignored_headers) == ([], [])

    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Participants", "Instructions"]
    sheet = workbook["Participants"]
    assert [cell.value for cell in sheet[1]] == [
        str(column.label) for column in columns.TEMPLATE_COLUMNS
    ]
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    notes = [list(row) for row in workbook["Instructions"].iter_rows(values_only=True)]
    assert ["Full name (as in passport)", "yes", "Text, at most 200 characters."] in [
        row[:3] for row in notes
    ]
    first_column = [row[0] for row in notes]
    second_column = [row[1] for row in notes]
    assert {"Vietnam", "Japan"} <= set(first_column)
    assert set(MemberCountry.objects.values_list("country", flat=True)) <= set(second_column)
    assert set(Province.objects.values_list("name", flat=True)) <= set(first_column)


def test_import_template_xlsx_has_a_status_column_and_drop_down_lists(client, programme):
    url = reverse("participants:import_template", args=[programme.slug, "xlsx"])
    workbook = load_workbook(io.BytesIO(client.get(url).content))
    sheet = workbook["Participants"]
    header = [cell.value for cell in sheet[1]]
    assert "Status" in header
    letters = {
        label: sheet.cell(row=1, column=n).column_letter for n, label in enumerate(header, 1)
    }
    lists = {
        str(validation.sqref): validation.formula1
        for validation in sheet.data_validations.dataValidation
    }
    assert lists[f"{letters['Category']}2:{letters['Category']}10001"] == (
        '"international,domestic,speaker,observer,organising_staff"'
    )
    assert lists[f"{letters['Status']}2:{letters['Status']}10001"].startswith('"invited,')
    assert letters["Gender"] + "2:" + letters["Gender"] + "10001" in lists
    # Countries and provinces come from the lists on the instructions sheet.
    notes = workbook["Instructions"]
    countries = lists[f"{letters['Country']}2:{letters['Country']}10001"]
    first, last = countries.removeprefix("Instructions!").replace("$", "").split(":")
    codes = {row[0].value for row in notes[first:last]}
    assert codes == set(
        MemberCountry.objects.filter(is_active=True).values_list("country", flat=True)
    )
    provinces = lists[f"{letters['Province']}2:{letters['Province']}10001"]
    first, last = provinces.removeprefix("Instructions!").replace("$", "").split(":")
    names = {row[0].value for row in notes[first:last]}
    assert names == set(Province.objects.values_list("name", flat=True))


# --- Query counts -------------------------------------------------------------------------


@pytest.mark.parametrize("size", [10, 500])
def test_import_preview_query_count(client, programme, size, django_assert_max_num_queries):
    batch = staged(client, programme, [good_row(n) for n in range(size)])
    # Session, user, programme, membership (role), the batch with its rows, and the main
    # navigation's two (the user's programme memberships and participations).
    with django_assert_max_num_queries(7):
        response = client.get(preview_url(programme, batch))
    assert response.status_code == 200
    assert response.context["summary"].new == size


# --- The XLSX reader ----------------------------------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def excel_like_workbook(
    sheet_xml: str, *, date1904: bool = False, workbook_part: str = "xl/workbook.xml"
) -> bytes:
    """A workbook as Excel writes it: shared strings (with rich text and phonetic runs),
    number formats in styles, the participants sheet second."""
    shared = (
        f'<sst xmlns="{MAIN}" count="4" uniqueCount="4">'
        "<si><t>Category</t></si>"
        "<si><t>Full name (as in passport)</t></si>"
        '<si><r><rPr><b/></rPr><t>山田</t></r><r><t xml:space="preserve"> 花子</t></r>'
        '<rPh sb="0" eb="2"><t>ヤマダ</t></rPh></si>'
        "<si><t>International delegate</t></si>"
        "</sst>"
    )
    styles = (
        f'<styleSheet xmlns="{MAIN}"><numFmts count="1">'
        '<numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd\\ hh:mm"/></numFmts>'
        '<fonts count="1"><font/></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{workbook_part}" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="{workbook_part}"/>'
            "</Relationships>"
        ),
        workbook_part: (
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
            f'<workbookPr date1904="{"1" if date1904 else "0"}"/><sheets>'
            '<sheet name="Notes" sheetId="1" r:id="rId1"/>'
            '<sheet name="Participants" sheetId="2" r:id="rId2"/></sheets></workbook>'
        ),
        workbook_part.replace("xl/", "xl/_rels/") + ".rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{RELS}/worksheet" Target="/xl/worksheets/sheet2.xml"/>'
            f'<Relationship Id="rId3" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId4" Type="{RELS}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
            "<is><t>Not this sheet</t></is></c></row></sheetData></worksheet>"
        ),
        "xl/worksheets/sheet2.xml": sheet_xml,
        "xl/sharedStrings.xml": shared,
        "xl/styles.xml": styles,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


EXCEL_SHEET = (
    f'<worksheet xmlns="{MAIN}"><dimension ref="A1:F4"/><sheetData>'
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    '<c r="C1" t="inlineStr"><is><t>Passport expiry</t></is></c>'
    '<c r="D1" t="inlineStr"><is><t>Arrival</t></is></c>'
    '<c r="E1" t="inlineStr"><is><t>Passport number</t></is></c>'
    '<c r="F1" t="inlineStr"><is><t>Phone</t></is></c></row>'
    # Row 2 is empty and so absent, as Excel writes it; cells skip columns too.
    '<row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3" t="s"><v>2</v></c>'
    '<c r="C3" s="1"><v>47543</v></c><c r="D3" s="2"><v>45242.875</v></c>'
    '<c r="E3"><v>12345678</v></c><c r="F3" t="str"><f>"+62"&amp;"81"</f><v>+6281</v></c></row>'
    '<row r="4"><c r="A4" t="s"><v>3</v></c><c r="B4" t="inlineStr"><is><t>Ana</t></is></c>'
    '<c r="F4" t="b"><v>1</v></c></row>'
    "</sheetData></worksheet>"
)


def test_xlsx_reader_reads_excel_workbooks():
    content = excel_like_workbook(EXCEL_SHEET)
    rows = [(number, list(row)) for number, row in spreadsheets.xlsx_rows(content)]
    assert rows == [
        (
            1,
            [
                "Category",
                "Full name (as in passport)",
                "Passport expiry",
                "Arrival",
                "Passport number",
                "Phone",
            ],
        ),
        # Row 2 is absent from the file: an empty row, whatever the declared dimension.
        (2, []),
        (
            3,
            [
                "International delegate",
                "山田 花子",  # the phonetic guide (ヤマダ) is not part of the text
                datetime(2030, 3, 1),
                datetime(2023, 11, 12, 21, 0),
                12345678,
                "+6281",
            ],
        ),
        (4, ["International delegate", "Ana", None, None, None, True]),
    ]


def test_xlsx_reader_reads_1904_dates():
    content = excel_like_workbook(EXCEL_SHEET, date1904=True)
    assert dict(spreadsheets.xlsx_rows(content))[3][2] == datetime(2034, 3, 2)


def test_import_reads_a_workbook_whose_main_part_is_elsewhere(client, programme):
    # The workbook part is where the package relationships say, not where Excel puts it.
    content = excel_like_workbook(EXCEL_SHEET, workbook_part="xl/book.xml")
    upload(client, programme, SimpleUploadedFile("list.xlsx", content))
    batch = ImportBatch.objects.get()
    assert [(row["row"], row["values"]["full_name"]) for row in batch.rows] == [
        (3, "山田 花子"),
        (4, "Ana"),
    ]


def test_xlsx_reader_refuses_a_document_type_declaration(client, programme):
    bomb = EXCEL_SHEET.replace(
        "<worksheet", '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]><worksheet', 1
    )
    file = SimpleUploadedFile("list.xlsx", excel_like_workbook(bomb))
    response = upload(client, programme, file)
    assert form_errors(response) == [
        "This file is not an Excel workbook, whatever its name says. Save it from your "
        "spreadsheet as “Excel Workbook (.xlsx)” or “CSV UTF-8” and upload it again."
    ]


def test_import_excel_workbook_end_to_end(client, programme):
    file = SimpleUploadedFile("list.xlsx", excel_like_workbook(EXCEL_SHEET))
    upload(client, programme, file)
    batch = ImportBatch.objects.get()
    assert [(row["row"], row["values"].get("full_name")) for row in batch.rows] == [
        (3, "山田 花子"),
        (4, "Ana"),
    ]
    assert batch.rows[0]["values"]["passport_expiry"] == "2030-03-01"
    assert batch.rows[0]["values"]["arrival_at"] == "2023-11-12 21:00"


@pytest.mark.parametrize(
    "address",
    [
        "ana@example.org",
        "ana.b+tag@library.go.id",
        "ana@localhost",
        "ana@[127.0.0.1]",
        "ana@[IPv6:::1]",
        "ana@[999.1.1.1]",
        "ana@example",
        "ana@-example.org",
        "ana b@example.org",
        '"ana b"@example.org',
        "ana@example.org.",
        "@example.org",
        "ana@",
        "ana@@example.org",
        "ana@perpustakaan.perpusnas.go.id",
        "anä@example.org",
        "ana@exämple.org",
        "a" * 310 + "@example.org",
    ],
)
def test_email_check_is_djangos(programme, address):
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:
        validate_email(address)
    except ValidationError:
        expected = False
    else:
        expected = True
    validator = imports.RowValidator(programme)
    # Twice: the second time the domain's verdict comes from the cache.
    assert validator._is_email(address) is expected
    assert validator._is_email(address) is expected


def test_cycle_collection_is_paused_during_an_import_and_restored_after():
    import gc

    from django.core.exceptions import ValidationError

    seen = []
    paused = imports.without_cycle_collection(lambda: seen.append(gc.isenabled()))
    assert gc.isenabled()
    paused()
    assert seen == [False]
    assert gc.isenabled()
    # Also when the import fails, and never turned on where it was off.
    with pytest.raises(ValidationError):
        imports.read_upload(SimpleUploadedFile("list.xlsx", b"not a workbook"))
    assert gc.isenabled()
    gc.disable()
    try:
        paused()
        assert not gc.isenabled()
    finally:
        gc.enable()


# --- A programme hosted outside Indonesia --------------------------------------------------


@pytest.fixture
def colombo(db):
    return ColomboProgrammeFactory()


def test_import_for_a_programme_hosted_in_sri_lanka_takes_its_regions(colombo):
    client = client_for(MembershipFactory(programme=colombo).user)
    domestic = {"Category": "domestic", "Country": "", "Passport number": ""}
    rows = [
        good_row(1, Country="IN"),
        good_row(2, **domestic, Province="western province"),
        good_row(
            3, **domestic, Province="Central", **{"Region (province, regency or city)": "Kandy"}
        ),
        good_row(4, **domestic, Province="Jawa Barat"),
        good_row(5, **domestic, Province="", **{"Region (province, regency or city)": "Galle"}),
        good_row(6, **domestic),
    ]
    batch = staged(client, colombo, rows)
    assert row_errors(batch) == {
        5: {
            "province": "“Jawa Barat” is not a region of Sri Lanka (for example Central Province)."
        },
        7: {"region": "A domestic representative needs a region of Sri Lanka."},
    }
    assert [row["values"].get("province") for row in batch.rows[1:3]] == [
        "Western Province",
        "Central Province",
    ]
    # Without the refused rows the file goes through.
    batch = staged_again(client, colombo, [rows[n] for n in (0, 1, 2, 4)])
    client.post(preview_url(colombo, batch))
    imported = {
        p.email: (p.country.code, p.province_id, p.subdivision, p.region)
        for p in colombo.participants.select_related("country")
    }
    assert imported == {
        "delegate1@example.org": ("IN", None, "", ""),
        "delegate2@example.org": ("LK", None, "LK-1", ""),
        "delegate3@example.org": ("LK", None, "LK-2", "Kandy"),
        "delegate5@example.org": ("LK", None, "", "Galle"),
    }


def staged_again(client, programme, rows) -> ImportBatch:
    """The batch of a further upload: the newest one (ids are random, so by upload time)."""
    upload(client, programme, csv_file(rows))
    return ImportBatch.objects.filter(programme=programme).latest("created_at")


def test_import_template_for_a_programme_hosted_in_sri_lanka_lists_its_regions(colombo):
    client = client_for(MembershipFactory(programme=colombo).user)
    url = reverse("participants:import_template", args=[colombo.slug, "xlsx"])
    workbook = load_workbook(io.BytesIO(client.get(url).content))
    notes = [list(row) for row in workbook["Instructions"].iter_rows(values_only=True)]
    assert ["Regions of Sri Lanka", "Code"] in [row[:2] for row in notes]
    assert ["Western Province", "LK-1"] in [row[:2] for row in notes]
    assert "Jawa Barat" not in [row[0] for row in notes]
    province_help = next(row[2] for row in notes if row[0] == "Province")
    assert province_help == (
        "Name of a region of Sri Lanka (list below). Domestic representatives need a region "
        "or a locality."
    )
