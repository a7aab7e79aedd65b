"""A real Celery worker, in its own process, consuming from Redis and writing to PostgreSQL."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from participants.models import Participant
from reports.jobs import start_job
from reports.models import GenerationJob
from tests.conftest import client_for
from tests.factories import (
    AssignmentFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    UserFactory,
)
from tests.services import celery_worker, wait_for

from .test_documents import pdf_text

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_queue(settings, tmp_path, file_storage):
    """Start `celery worker` on a queue of its own against the test database, keeping files
    where the test does (on disk, then in a bucket)."""
    with celery_worker(settings, tmp_path / "worker.log", file_storage.environment) as queue:
        yield queue


def test_real_worker_renders_the_overview_pdf(worker_queue, file_storage, tmp_path):
    programme = SessionFactory(title_en="Site visit: Perpustakaan Mutiara Rawa Binong").programme
    ParticipantFactory(programme=programme, full_name="Nguyễn Thị Thu Hà")
    admin = UserFactory(is_superuser=True, is_staff=True)

    document = start_job(
        programme=programme, kind=GenerationJob.Kind.PROGRAMME_OVERVIEW, language="en", by=admin
    )

    def finished() -> bool:
        document.refresh_from_db()
        return document.status in {GenerationJob.Status.DONE, GenerationJob.Status.FAILED}

    wait_for(finished, 60, "the document", tmp_path / "worker.log")
    assert document.status == GenerationJob.Status.DONE, document.error
    log = (tmp_path / "worker.log").read_text()
    assert "reports.render_job_items[" in log and "succeeded" in log

    response = client_for(admin).get(reverse("reports:job_combined", args=[document.pk]))
    content = b"".join(response.streaming_content)
    text = pdf_text(content)
    assert programme.title_en in text
    assert "Nguyễn Thị Thu Hà" in text
    assert "Site visit: Perpustakaan Mutiara Rawa Binong" in text
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{programme.slug}-programme-overview-en.pdf"'
    )
    assert response["Content-Length"] == str(len(content))
    assert response["Cache-Control"] == "private, no-store"
    file_storage.assert_only_in_bucket()


def test_real_worker_embeds_the_logo_read_through_the_storage(worker_queue, file_storage, tmp_path):
    """The worker reads the logo the web process stored (from the bucket, not a local path)."""
    programme = ProgrammeFactory()
    session = SessionFactory(programme=programme)
    graduate = ParticipantFactory(
        programme=programme,
        category=Participant.Category.INTERNATIONAL,
        status=Participant.Status.COMPLETED,
        full_name="Graduate With Logo",
    )
    AssignmentFactory(session=session, participant=graduate, attended=True)
    logo = io.BytesIO()
    Image.new("RGB", (300, 120), (10, 80, 120)).save(logo, "JPEG")
    programme.logo.save("logo.jpg", ContentFile(logo.getvalue()))
    admin = UserFactory(is_superuser=True, is_staff=True)

    job = start_job(
        programme=programme, kind=GenerationJob.Kind.CERTIFICATES, language="en", by=admin
    )

    def finished() -> bool:
        job.refresh_from_db()
        return job.status in {GenerationJob.Status.DONE, GenerationJob.Status.FAILED}

    wait_for(finished, 60, "the certificates", tmp_path / "worker.log")
    assert job.status == GenerationJob.Status.DONE, job.error
    response = client_for(admin).get(reverse("reports:job_combined", args=[job.pk]))
    [page] = PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages
    assert "Graduate With Logo" in page.extract_text()
    # The programme's logo and the verification QR code.
    assert sorted(image.image.size for image in page.images)[-1] == (300, 120)
    assert len(page.images) == 2
    file_storage.assert_only_in_bucket()
