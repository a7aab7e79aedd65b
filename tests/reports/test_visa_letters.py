"""Visa support letters: organisers and admins only, one per international delegate."""

import io
import zipfile
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from participants.models import Participant
from reports.models import GenerationJob
from reports.visa import reference_number, render_visa_letter, visa_letter_rows
from tests.conftest import client_for
from tests.factories import (
    CertificateTemplateFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SignatoryFactory,
    member_country,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def _delegate(programme, **fields) -> Participant:
    values = {
        "full_name": "Nguyễn Thị Thu Hà",
        "full_name_latin": "Nguyen Thi Thu Ha",
        "nationality": "VN",
        "passport_number": "C1234567",
        "passport_expiry": date(2030, 5, 31),
        "position": "Librarian",
        "institution": "National Library of Vietnam",
        **fields,
    }
    return ParticipantFactory(programme=programme, **values)


def _ask_letter(client, programme, participant_id, capture, language="en"):
    """Ask for one delegate's letter as the page's button does (the job runs on commit)."""
    with capture(execute=True):
        return client.post(
            reverse("reports:visa_letters", args=[programme.slug]),
            {"participant": participant_id, "language": language},
        )


def _signature() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), "navy").save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="signature.jpg")


# --- The letter ------------------------------------------------------------------------------


def test_letter_states_the_delegate_passport_programme_and_signatory(programme):
    programme.host_address = "Jl. Medan Merdeka Selatan, Jakarta"
    programme.host_short_name = "Perpusnas"
    programme.save()
    template = CertificateTemplateFactory(programme=programme)
    SignatoryFactory(
        template=template,
        name="Ofy Sofiana",
        title="Principal Secretary",
        organisation="Perpustakaan Nasional Republik Indonesia",
        signature=_signature(),
        position=0,
    )
    SignatoryFactory(template=template, name="Second Signatory", title="X", position=1)
    delegate = _delegate(programme)

    data = render_visa_letter(delegate, language="en")
    text = pdf_text(data)

    assert "To the Embassy/Consulate of the Republic of Indonesia" in text
    assert "Nguyễn Thị Thu Hà" in text
    assert "Nguyen Thi Thu Ha" in text
    assert "Nationality Vietnam" in text
    assert "Passport number C1234567" in text
    assert "Passport expiry 31 May 2030" in text
    assert "Position Librarian" in text
    assert "Institution National Library of Vietnam" in text
    assert programme.title_en in text
    assert "13–17 November 2023" in text
    assert "Jl. Medan Merdeka Selatan, Jakarta" in text
    assert "local hospitality as arranged with the organisers" in text
    assert "Ofy Sofiana Principal Secretary Perpustakaan Nasional Republik Indonesia" in text
    assert "Second Signatory" not in text
    assert reference_number(programme, delegate) in text
    assert reference_number(programme, delegate) == f"PERPUSNAS/{programme.slug.upper()}/VL/" + (
        f"{delegate.pk:04d}"
    )
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) == 1
    assert len(pages[0].images) == 1  # the signature


def test_letter_without_signatories_is_signed_by_the_host(programme):
    text = pdf_text(render_visa_letter(_delegate(programme), language="en"))
    assert f"Yours faithfully, {programme.host_institution}" in text


def test_letter_in_indonesian_keeps_the_passport_details(programme):
    text = pdf_text(render_visa_letter(_delegate(programme), language="id"))
    assert "C1234567" in text
    assert "Nguyễn Thị Thu Hà" in text


def test_markup_in_participant_fields_prints_literally(programme):
    delegate = _delegate(
        programme,
        full_name='<img src="file:///etc/passwd">',
        institution='<link rel="attachment" href="file:///etc/passwd">',
    )
    data = render_visa_letter(delegate, language="en")
    text = pdf_text(data)
    assert '<img src="file:///etc/passwd">' in text
    assert '<link rel="attachment" href="file:///etc/passwd">' in text
    assert "root:x:0:0" not in text
    assert not PdfReader(io.BytesIO(data)).attachments


# --- The page and the single letter ----------------------------------------------------------


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_visa_page_shows_passport_numbers(cast, programme, role):
    _delegate(programme)
    response = client_for(cast[role]).get(reverse("reports:visa_letters", args=[programme.slug]))
    assert "C1234567" in response.content.decode()


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_single_letter_is_a_private_pdf(cast, programme, role, django_capture_on_commit_callbacks):
    delegate = _delegate(programme)
    client = client_for(cast[role])
    response = _ask_letter(client, programme, delegate.pk, django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("reports:visa_letters", args=[programme.slug])
    job = GenerationJob.objects.get()
    assert (job.kind, job.participant, job.status, job.total) == (
        "visa_letters",
        delegate,
        "done",
        1,
    )
    page = client.get(response["Location"]).content.decode()
    download = reverse("reports:job_combined", args=[job.pk])
    assert download in page
    response = client.get(download)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{programme.slug}-visa-letters-participant-{delegate.pk}-en.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert "Passport number C1234567" in pdf_text(b"".join(response.streaming_content))
    assert not job.archive  # one letter is its PDF alone


def test_single_letter_refused_to_staff_shows_no_passport(
    cast, programme, django_capture_on_commit_callbacks
):
    delegate = _delegate(programme)
    client = client_for(cast["staff"])
    response = _ask_letter(client, programme, delegate.pk, django_capture_on_commit_callbacks)
    assert response.status_code == 403
    assert b"C1234567" not in response.content
    assert not GenerationJob.objects.exists()


def test_letter_of_a_delegate_of_another_programme_is_404(
    cast, programme, django_capture_on_commit_callbacks
):
    other = _delegate(ProgrammeFactory(), passport_number="X9999999")
    client = client_for(cast["organiser"])
    response = _ask_letter(client, programme, other.pk, django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert b"X9999999" not in response.content
    assert not GenerationJob.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"category": Participant.Category.DOMESTIC},
        {"status": Participant.Status.WITHDRAWN},
    ],
)
def test_no_letter_for_domestic_or_withdrawn_participants(
    cast, programme, fields, django_capture_on_commit_callbacks
):
    participant = _delegate(programme, **fields)
    client = client_for(cast["organiser"])
    response = _ask_letter(client, programme, participant.pk, django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert not GenerationJob.objects.exists()


@pytest.mark.parametrize("value", ["abc", "", "-1", "1.5"])
def test_malformed_participant_is_404(cast, programme, value, django_capture_on_commit_callbacks):
    client = client_for(cast["organiser"])
    response = _ask_letter(client, programme, value, django_capture_on_commit_callbacks)
    assert response.status_code == 404


def test_incomplete_passport_details_give_a_clear_message(
    cast, programme, django_capture_on_commit_callbacks
):
    delegate = _delegate(programme, passport_number="", passport_expiry=None)
    client = client_for(cast["organiser"])
    response = _ask_letter(client, programme, delegate.pk, django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("reports:visa_letters", args=[programme.slug])
    messages = [str(message) for message in client.get(response["Location"]).context["messages"]]
    assert messages == [
        "The letter of Nguyen Thi Thu Ha (Nguyễn Thị Thu Hà) needs: passport number, "
        "passport expiry."
    ]
    assert not GenerationJob.objects.exists()


def test_unknown_language_asks_for_a_language(cast, programme, django_capture_on_commit_callbacks):
    delegate = _delegate(programme)
    client = client_for(cast["organiser"])
    response = _ask_letter(
        client, programme, delegate.pk, django_capture_on_commit_callbacks, language="xx"
    )
    messages = [str(message) for message in client.get(response["Location"]).context["messages"]]
    assert messages == ["Choose a language."]
    assert not GenerationJob.objects.exists()


def test_rows_flag_missing_details_and_passports_expiring_too_soon(programme):
    complete = _delegate(programme, full_name_latin="A Complete")
    soon = _delegate(
        programme,
        full_name_latin="B Soon",
        passport_number="S1",
        passport_expiry=date(2024, 2, 1),
    )
    missing = _delegate(
        programme, full_name_latin="C Missing", passport_number="", passport_expiry=None
    )
    _delegate(programme, category=Participant.Category.DOMESTIC, passport_number="D1")
    rows = visa_letter_rows(programme)
    assert [(row.participant, row.missing, row.expires_too_soon) for row in rows] == [
        (complete, [], False),
        (soon, [], True),
        (missing, ["passport number", "passport expiry"], False),
    ]


@pytest.mark.parametrize("size", [10, 500])
def test_visa_page_queries_do_not_grow_with_delegates(
    cast, programme, size, django_assert_max_num_queries
):
    country = member_country("LK")
    Participant.objects.bulk_create(
        [
            ParticipantFactory.build(
                programme=programme,
                category=Participant.Category.INTERNATIONAL,
                full_name=f"Delegate {number}",
                country=country,
                email=f"visa{number}@example.org",
                passport_number=f"N{number:07d}",
                passport_expiry=date(2030, 1, 1),
                badge_code=f"visa-{number}",
            )
            for number in range(size)
        ]
    )
    client = client_for(cast["organiser"])
    # Queries: session and user; the programme and the organiser's membership; the delegates
    # with their countries; the access-log entry (one INSERT, whatever the number of
    # delegates); the latest job of all letters; the latest letter of each delegate; the
    # navigation's memberships and participations.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("reports:visa_letters", args=[programme.slug]))
    assert response.status_code == 200
    assert len(response.context["rows"]) == size + 2  # the cast's two delegates as well


# --- All letters -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_all_letters_job_started_by_managers(
    cast, programme, role, django_capture_on_commit_callbacks
):
    _delegate(programme)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast[role]).post(
            reverse("reports:visa_letters", args=[programme.slug]), {"language": "en"}
        )
    assert response["Location"] == reverse("reports:visa_letters", args=[programme.slug])
    job = GenerationJob.objects.get(programme=programme, kind="visa_letters")
    assert (job.started_by, job.language) == (cast[role], "en")


def test_all_letters_job_renders_one_letter_per_complete_delegate(
    cast, programme, django_capture_on_commit_callbacks
):
    _delegate(programme)
    _delegate(
        programme,
        full_name="සුනිල් පෙරේරා",
        full_name_latin="Sunil Perera",
        nationality="LK",
        passport_number="N7654321",
    )
    _delegate(programme, full_name_latin="No Passport", passport_number="")
    client = client_for(cast["organiser"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:visa_letters", args=[programme.slug]), {"language": "en"})
    job = GenerationJob.objects.get(programme=programme, kind="visa_letters")
    assert (job.status, job.total, job.done, job.started_by) == ("done", 2, 2, cast["organiser"])

    archive = client.get(reverse("reports:job_archive", args=[job.pk]))
    with zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))) as files:
        names = sorted(files.namelist())
    delegates = {p.full_name_latin: p.pk for p in programme.participants.all()}
    assert names == [
        f"visa-letter-{delegates['Nguyen Thi Thu Ha']}-nguyen-thi-thu-ha.pdf",
        f"visa-letter-{delegates['Sunil Perera']}-sunil-perera.pdf",
    ]
    combined = client.get(reverse("reports:job_combined", args=[job.pk]))
    text = pdf_text(b"".join(combined.streaming_content))
    assert "C1234567" in text and "N7654321" in text
    assert "No Passport" not in text
    # Staff never get the letters, not even through the job's files.
    assert (
        client_for(cast["staff"]).get(reverse("reports:job_combined", args=[job.pk])).status_code
        == 404
    )


def test_invalid_language_for_all_letters_starts_nothing(cast, programme):
    response = client_for(cast["organiser"]).post(
        reverse("reports:visa_letters", args=[programme.slug]), {"language": "xx"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["Choose a language."]
    assert GenerationJob.objects.count() == 0
