import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from participants.models import Participant
from reports.jobs import start_job
from reports.models import GenerationJob
from reports.pdf import make_url_fetcher
from tests.conftest import client_for
from tests.factories import ParticipantFactory, SessionFactory, UserFactory


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def generate(programme, user, django_capture_on_commit_callbacks, language="en") -> GenerationJob:
    with django_capture_on_commit_callbacks(execute=True):
        document = start_job(
            programme=programme,
            kind=GenerationJob.Kind.PROGRAMME_OVERVIEW,
            language=language,
            by=user,
        )
    document.refresh_from_db()
    return document


@pytest.fixture
def admin(db):
    return UserFactory(is_superuser=True, is_staff=True)


def test_overview_pdf_states_programme_people_and_agenda(
    programme, admin, django_capture_on_commit_callbacks
):
    ParticipantFactory(programme=programme, full_name="Somphone Phommavong")
    ParticipantFactory(
        programme=programme,
        category=Participant.Category.DOMESTIC,
        country=None,
        region="Kota Bandung",
        full_name="Budi Santoso",
    )
    ParticipantFactory(programme=programme, status=Participant.Status.DECLINED)
    SessionFactory(programme=programme, title_en="Opening ceremony")
    document = generate(programme, admin, django_capture_on_commit_callbacks)
    assert document.status == GenerationJob.Status.DONE
    assert document.started_by == admin
    text = pdf_text(document.combined.read())
    assert programme.title_en in text
    assert "Somphone Phommavong" in text
    assert "Opening ceremony" in text
    assert "09:00–10:00" in text  # Asia/Jakarta wall-clock time
    # The declined delegate's country is no longer represented; the host is.
    assert "2 countries represented: the host, Indonesia, and 1 other country." in " ".join(
        text.split()
    )


def test_indonesian_pdf_uses_indonesian_titles(
    programme, admin, django_capture_on_commit_callbacks
):
    document = generate(programme, admin, django_capture_on_commit_callbacks, language="id")
    text = pdf_text(document.combined.read())
    assert programme.title_local in text
    assert "Peserta" in text


def test_regenerating_replaces_the_document(programme, admin, django_capture_on_commit_callbacks):
    first = generate(programme, admin, django_capture_on_commit_callbacks)
    second = generate(programme, admin, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    # The same stored name, overwritten; the earlier job keeps its history, not a file.
    assert (
        second.combined.name == f"jobs/{programme.pk}/programme_overview/programme_overview-en.pdf"
    )
    assert (first.combined.name, first.archive.name) == ("", "")
    assert second.archive.name == ""  # a single document is its PDF alone
    page = client_for(admin).get(reverse("reports:list", args=[programme.slug])).content.decode()
    assert reverse("reports:job_combined", args=[second.pk]) in page
    assert reverse("reports:job_combined", args=[first.pk]) not in page


def test_markup_in_participant_fields_is_printed_literally(
    programme, admin, django_capture_on_commit_callbacks
):
    ParticipantFactory(
        programme=programme,
        full_name='<img src="file:///etc/passwd">',
        institution='<link rel="attachment" href="file:///etc/passwd">',
    )
    document = generate(programme, admin, django_capture_on_commit_callbacks)
    data = document.combined.read()
    text = pdf_text(data)
    assert '<img src="file:///etc/passwd">' in text
    assert "root:x:0:0" not in text
    assert not PdfReader(io.BytesIO(data)).attachments


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "https://example.org/logo.png",
        "http://127.0.0.1:6379/",
        "https://document.tpbis.invalid/media/reports/other.pdf",
        "https://document.tpbis.invalid/static/../../etc/passwd",
    ],
)
def test_url_fetcher_refuses_everything_but_own_files(url):
    with pytest.raises(ValueError, match="Refused"):
        make_url_fetcher().fetch(url)


def test_url_fetcher_serves_app_static_files():
    response = make_url_fetcher().fetch("https://document.tpbis.invalid/static/css/pdf.css")
    assert b"@page" in response.read()


def test_failed_render_is_visible_and_retryable(
    programme, admin, django_capture_on_commit_callbacks, settings
):
    settings.STATICFILES_DIRS = []  # the PDF stylesheet cannot be found: rendering fails
    from reports import pdf

    pdf._stylesheet.cache_clear()
    try:
        document = generate(programme, admin, django_capture_on_commit_callbacks)
    finally:
        pdf._stylesheet.cache_clear()
    assert document.status == GenerationJob.Status.FAILED
    assert document.error
    page = client_for(admin).get(reverse("reports:list", args=[programme.slug]))
    assert "Failed" in page.content.decode()
    settings.STATICFILES_DIRS = [settings.BASE_DIR / "static"]
    retried = generate(programme, admin, django_capture_on_commit_callbacks)
    assert retried.status == GenerationJob.Status.DONE
    assert retried.error == ""


def test_domestic_participant_shows_region(programme, admin, django_capture_on_commit_callbacks):
    ParticipantFactory(
        programme=programme,
        category=Participant.Category.DOMESTIC,
        full_name="Siti Rahmawati",
        region="Provinsi Jawa Barat",
    )
    text = pdf_text(generate(programme, admin, django_capture_on_commit_callbacks).combined.read())
    assert "Provinsi Jawa Barat" in text
