"""Export of the participant list as CSV and XLSX."""

import csv
import io
from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from participants import columns, imports
from participants.models import Participant
from participants.transfer_views import CONTENT_TYPES
from programs.models import Province

from ..conftest import client_for
from ..factories import ParticipantFactory, member_country

HEADER = [str(column.label) for column in columns.EXPORT_COLUMNS]


def export(client, programme, file_format: str, query: str = ""):
    url = reverse("participants:export", args=[programme.slug, file_format])
    return client.get(f"{url}{query}")


def csv_rows(response) -> list[dict]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_rows(response) -> list[dict]:
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def read(response, file_format: str) -> list[dict]:
    return csv_rows(response) if file_format == "csv" else xlsx_rows(response)


@pytest.fixture
def client(cast):
    return client_for(cast["organiser"])


@pytest.mark.parametrize("role", ["organiser", "admin"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_lists_the_participants(cast, programme, role, file_format):
    response = export(client_for(cast[role]), programme, file_format)
    emails = sorted(row["E-mail"] for row in read(response, file_format))
    assert emails == ["delegate.a@example.org", "delegate.b@example.org"]


def test_export_unknown_format_is_404(client, programme):
    response = export(client, programme, "pdf")
    assert response.status_code == 404
    assert not response.has_header("Content-Disposition")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_file_name_and_type(client, programme, file_format):
    response = export(client, programme, file_format)
    today = timezone.localdate(timezone=programme.tzinfo).strftime("%Y%m%d")
    assert response["Content-Disposition"] == (
        f'attachment; filename="{programme.slug}-participants-{today}.{file_format}"'
    )
    assert response["Content-Type"] == CONTENT_TYPES[file_format]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_values(client, programme, file_format):
    ParticipantFactory(
        programme=programme,
        email="hanako@example.jp",
        full_name="山田 花子",
        full_name_latin="Yamada Hanako",
        country=member_country("JP"),
        nationality="JP",
        passport_number="TK1234567",
        passport_expiry=date(2031, 3, 1),
        date_of_birth=date(1979, 2, 28),
        place_of_birth="Osaka",
        arrival_at=programme.local_datetime(date(2023, 11, 12), 21, 5),
        phone="+81 3 1234",
        status=Participant.Status.CONFIRMED,
    )
    ParticipantFactory(
        programme=programme,
        email="budi@example.id",
        category=Participant.Category.DOMESTIC,
        country=None,
        province=Province.objects.get(name="Jawa Barat"),
        region="Kota Bandung",
    )
    rows = {row["E-mail"]: row for row in read(export(client, programme, file_format), file_format)}
    blank = "" if file_format == "csv" else None
    hanako = rows["hanako@example.jp"]
    assert list(hanako) == HEADER
    assert (
        hanako["Category"],
        hanako["Status"],
        hanako["Full name (as in passport)"],
        hanako["Full name in Latin script"],
        hanako["Country"],
        hanako["Nationality"],
        hanako["Passport number"],
        hanako["Passport expiry (YYYY-MM-DD)"],
        hanako["Date of birth (YYYY-MM-DD)"],
        hanako["Place of birth"],
        hanako["Arrival (YYYY-MM-DD HH:MM)"],
        hanako["Departure (YYYY-MM-DD HH:MM)"],
        hanako["Phone"],
    ) == (
        "international",
        "confirmed",
        "山田 花子",
        "Yamada Hanako",
        "JP",
        "JP",
        "TK1234567",
        "2031-03-01",
        "1979-02-28",
        "Osaka",
        "2023-11-12 21:05",  # in the programme's time zone, not UTC
        blank,
        # CSV needs the apostrophe against formulas; an XLSX text cell shows the number as is.
        "'+81 3 1234" if file_format == "csv" else "+81 3 1234",
    )
    budi = rows["budi@example.id"]
    # A domestic representative comes from the host country.
    assert (budi["Category"], budi["Country"], budi["Province"]) == (
        "domestic",
        "ID",
        "Jawa Barat",
    )
    assert budi["Region (province, regency or city)"] == "Kota Bandung"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_neutralises_formulas(client, programme, file_format):
    ParticipantFactory(
        programme=programme,
        email="mallory@example.org",
        full_name="+1-2",
        institution='=HYPERLINK("http://x")',
        position="@SUM(A1)",
        dietary_needs="-1",
        accommodation="\tTab",
    )
    response = export(client, programme, file_format)
    row = next(r for r in read(response, file_format) if r["E-mail"] == "mallory@example.org")
    assert (
        row["Full name (as in passport)"],
        row["Institution"],
        row["Position"],
        row["Dietary needs"],
        row["Accommodation"],
    ) == (
        ("'+1-2", '\'=HYPERLINK("http://x")', "'@SUM(A1)", "'-1", "'\tTab")
        if file_format == "csv"
        else ("+1-2", '=HYPERLINK("http://x")', "@SUM(A1)", "-1", "\tTab")
    )
    if file_format == "xlsx":
        # Read back cell by cell: nothing is stored as a formula, and what looks like one is
        # a text cell with Excel's quote prefix (kept as text when edited, no apostrophe shown).
        workbook = load_workbook(io.BytesIO(response.content))
        cells = [cell for row in workbook.active.iter_rows() for cell in row]
        assert "f" not in {cell.data_type for cell in cells}
        institution = next(cell for cell in cells if cell.value == '=HYPERLINK("http://x")')
        assert (institution.data_type, institution.quotePrefix) == ("s", True)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_honours_list_filters(client, programme, file_format):
    ParticipantFactory(
        programme=programme,
        email="observer@example.org",
        category=Participant.Category.OBSERVER,
        institution="Perpustakaan Nasional",
    )
    ParticipantFactory(
        programme=programme,
        email="speaker@example.org",
        category=Participant.Category.SPEAKER,
        institution="Perpustakaan Nasional",
    )
    response = export(client, programme, file_format, "?category=observer")
    assert [row["E-mail"] for row in read(response, file_format)] == ["observer@example.org"]
    response = export(client, programme, file_format, "?q=perpustakaan&sort=-name")
    assert sorted(row["E-mail"] for row in read(response, file_format)) == [
        "observer@example.org",
        "speaker@example.org",
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_imports_back_as_updates(client, programme, file_format):
    ParticipantFactory(
        programme=programme,
        email="ana@example.org",
        phone="+63 2 555",
        institution="=cmd",
        passport_number="P9876543",
        passport_expiry=date(2030, 1, 1),
        arrival_at=programme.local_datetime(date(2023, 11, 12), 9),
        departure_at=programme.local_datetime(date(2023, 11, 18), 9),
    )
    content = export(client, programme, file_format).content
    table = imports.read_upload(SimpleUploadedFile(f"export.{file_format}", content))
    results = imports.validate_rows(programme=programme, rows=table.rows)
    assert {result.action for result in results} == {"update"}
    assert [result.errors for result in results if result.errors] == []
    ana = next(result for result in results if result.values["email"] == "ana@example.org")
    assert (ana.values["phone"], ana.values["institution"]) == ("+63 2 555", "=cmd")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_unchanged_export_imports_back_as_unchanged(client, programme, file_format):
    ParticipantFactory(
        programme=programme,
        email="ana@example.org",
        phone="+63 2 555",
        institution="=cmd",
        country=member_country("PH"),
        nationality="PH",
        passport_number="P9876543",
        passport_expiry=date(2030, 1, 1),
        arrival_at=programme.local_datetime(date(2023, 11, 12), 9),
    )
    ParticipantFactory(programme=programme, email="budi@example.org", institution="Before")
    content = export(client, programme, file_format).content
    Participant.objects.filter(email="budi@example.org").update(institution="Changed since")
    ana = Participant.objects.get(email="ana@example.org")
    before = (ana.updated_at, ana.status_changes.count())
    batch = imports.stage_import(
        programme=programme,
        table=imports.read_upload(SimpleUploadedFile(f"export.{file_format}", content)),
        file_name=f"export.{file_format}",
        by=None,
    )
    url = reverse("participants:import_preview", args=[programme.slug, batch.pk])
    others = programme.participants.count() - 1
    # The preview already tells the rows that would change nothing from the one that would.
    summary = imports.summarise(batch)
    assert (summary.new, summary.update, summary.unchanged) == (0, 1, others)
    page = client.get(url).content.decode()
    assert f"{others}</span> registered participants already up to date" in page
    assert "Unchanged</span>" in page

    response = client.post(url)

    # Only the participant edited since the export is updated (back to the file's value).
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        f"0 participants added, 1 updated, {others} unchanged."
    ]
    ana = Participant.objects.get(email="ana@example.org")
    assert (ana.updated_at, ana.status_changes.count()) == before
    assert Participant.objects.get(email="budi@example.org").institution == "Before"
