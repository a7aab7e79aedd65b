"""A real Celery worker, in its own process, consuming from Redis and writing to PostgreSQL."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.urls import reverse

from reports.jobs import start_job
from reports.models import GenerationJob
from tests.conftest import client_for
from tests.factories import ParticipantFactory, SessionFactory, UserFactory
from tests.services import database_url, require_postgres_and_redis

from .test_documents import pdf_text

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_queue(settings, tmp_path):
    """Start `celery worker` on a queue of its own against the test database."""
    require_postgres_and_redis()
    queue = f"test-{uuid.uuid4().hex[:12]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    settings.MEDIA_ROOT = tmp_path
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": queue,
        "MEDIA_ROOT": str(tmp_path),
    }
    command = [sys.executable, "-m", "celery", "-A", "tpbis", "worker", "--pool", "solo"]
    command += ["--queues", queue, "--without-gossip", "--without-mingle", "--loglevel", "INFO"]
    with open(log, "w") as log_file:
        worker = subprocess.Popen(
            command, env=env, stdout=log_file, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR
        )
    try:
        _wait_for(lambda: "ready." in log.read_text(), 60, "the worker to start", log)
        yield queue
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def _wait_for(condition, seconds: float, what: str, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"Timed out waiting for {what}. Worker log:\n{log.read_text()}")


def test_real_worker_renders_the_overview_pdf(worker_queue, settings, tmp_path):
    programme = SessionFactory(title_en="Site visit: Perpustakaan Mutiara Rawa Binong").programme
    ParticipantFactory(programme=programme, full_name="Nguyễn Thị Thu Hà")
    admin = UserFactory(is_superuser=True, is_staff=True)

    document = start_job(
        programme=programme, kind=GenerationJob.Kind.PROGRAMME_OVERVIEW, language="en", by=admin
    )

    def finished() -> bool:
        document.refresh_from_db()
        return document.status in {GenerationJob.Status.DONE, GenerationJob.Status.FAILED}

    _wait_for(finished, 60, "the document", tmp_path / "worker.log")
    assert document.status == GenerationJob.Status.DONE, document.error
    log = (tmp_path / "worker.log").read_text()
    assert "reports.render_job_items[" in log and "succeeded" in log

    response = client_for(admin).get(reverse("reports:job_combined", args=[document.pk]))
    text = pdf_text(b"".join(response.streaming_content))
    assert programme.title_en in text
    assert "Nguyễn Thị Thu Hà" in text
    assert "Site visit: Perpustakaan Mutiara Rawa Binong" in text
