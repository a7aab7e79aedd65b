"""Batches against real Celery workers, Redis and PostgreSQL, and the faults they must survive:
a worker killed mid-batch, and a broker that is down when the job is started."""

import io
import os
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from participants.models import Participant
from reports.certificates import CERTIFICATES_PER_CHUNK
from reports.jobs import start_job, sweep_queued_jobs
from reports.models import Certificate, GenerationJob
from tests.conftest import client_for
from tests.factories import (
    AssignmentFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    UserFactory,
)
from tests.services import FileStorage, database_url, require_postgres_and_redis, wait_for
from tpbis.celery import app as celery_app
from visits.models import Assignment

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# A Redis database of its own: the short visibility timeout below makes a worker hand out
# again any message unacknowledged for 5 s, which must not touch other tests' queues.
FAULTS_REDIS_DB = 11
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"
# Workers of these tests give a dead worker's unacknowledged chunk to another after 5 s
# (production keeps the one-hour default, and the sweep resumes stalled jobs).
WORKER_BOOT = """
import os, sys, time
from celery.signals import worker_ready
from tpbis.celery import app
app.conf.broker_transport_options = {
    "visibility_timeout": 5, "unacked_restore_interval": 1, "unacked_restore_throttle": 1,
}
HOLD = float(os.environ.get("TPBIS_TEST_HOLD_AFTER_RENDER", "0"))

@worker_ready.connect(weak=False)
def hold_each_chunk_after_rendering(**kwargs):
    # A chunk renders in a fraction of a second on a fast machine: holding it between render
    # and store keeps the worker mid-chunk long enough for a test to see it and kill it.
    if HOLD:
        import reports.certificates as certificates
        split = certificates.split_onto
        def held(*args, **kwargs):
            time.sleep(HOLD)
            return split(*args, **kwargs)
        certificates.split_onto = held

app.worker_main(sys.argv[1:])
"""


def _faults_broker_url() -> str:
    parts = urlsplit(settings.REDIS_URL)
    return urlunsplit(parts._replace(path=f"/{FAULTS_REDIS_DB}"))


@contextmanager
def broker(url: str):
    """Publish from this process through `url` (the app's pools are rebuilt), then restore."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.broker_write_url)

    def reset_pools():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    reset_pools()
    conf.broker_url = conf.broker_write_url = url
    try:
        yield
    finally:
        reset_pools()
        conf.broker_url, conf.broker_write_url = saved


class Workers:
    """Starts `celery worker` processes on the test's own queue against the test database."""

    def __init__(self, queue: str, file_storage: FileStorage, logs: Path) -> None:
        self.queue, self.file_storage, self.logs = queue, file_storage, logs
        self.processes: list[subprocess.Popen] = []

    def start(self, *, hold_after_render: float = 0) -> tuple[subprocess.Popen, Path]:
        log = self.logs / f"worker-{len(self.processes) + 1}.log"
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_BROKER_URL": _faults_broker_url(),
            "CELERY_QUEUE": self.queue,
            **self.file_storage.environment,
            "TPBIS_TEST_HOLD_AFTER_RENDER": str(hold_after_render),
        }
        command = [sys.executable, "-c", WORKER_BOOT, "worker", "--pool", "solo"]
        command += ["--queues", self.queue, "--without-gossip", "--without-mingle"]
        command += ["--without-heartbeat", "--loglevel", "INFO"]
        command += ["--hostname", f"faults{len(self.processes) + 1}-{self.queue}@%h"]
        with open(log, "w") as log_file:
            process = subprocess.Popen(
                command, env=env, stdout=log_file, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR
            )
        self.processes.append(process)
        wait_for(lambda: "ready." in log.read_text(), 90, "the worker to start", log)
        return process, log

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        _close_other_sessions()


def _close_other_sessions() -> None:
    """End the workers' database sessions, so the test database can be dropped.

    A worker killed mid-chunk leaves a session that PostgreSQL ends only once it notices the
    client is gone; give it a few seconds, then end what is left.
    """
    others = (
        "SELECT pid FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    with connection.cursor() as cursor:
        deadline = time.monotonic() + 5
        while True:
            cursor.execute(others)
            pids = [pid for (pid,) in cursor.fetchall()]
            if not pids or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        for pid in pids:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.fixture
def workers(settings, tmp_path, file_storage):
    """Workers that keep files where the test does: on disk, then in a bucket."""
    require_postgres_and_redis()
    queue = f"faults-{uuid.uuid4().hex[:12]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    pool = Workers(queue, file_storage, tmp_path)
    with broker(_faults_broker_url()):
        try:
            yield pool
        finally:
            pool.stop()


def _programme_with_graduates(count: int):
    programme = ProgrammeFactory()
    session = SessionFactory(programme=programme)
    participants = Participant.objects.bulk_create(
        [
            ParticipantFactory.build(
                programme=programme,
                category=Participant.Category.INTERNATIONAL,
                status=Participant.Status.COMPLETED,
                full_name=f"Graduate {number:02d}",
                email=f"graduate{number}@example.org",
                badge_code=uuid.uuid4().hex,
            )
            for number in range(count)
        ]
    )
    Assignment.objects.bulk_create(
        [
            AssignmentFactory.build(session=session, participant=p, attended=True)
            for p in participants
        ]
    )
    return programme, participants


def _finished(job: GenerationJob):
    def check() -> bool:
        job.refresh_from_db()
        return job.status in {GenerationJob.Status.DONE, GenerationJob.Status.FAILED}

    return check


def _assert_exactly_one_certificate_each(programme, participants, job, storage) -> None:
    certificates = list(Certificate.objects.filter(participant__programme=programme))
    assert sorted(c.participant_id for c in certificates) == sorted(p.pk for p in participants)
    _folders, stored = default_storage.listdir(f"certificates/{programme.pk}")
    assert sorted(stored) == sorted(f"{c.code}.pdf" for c in certificates)
    assert all(c.rendered_at and c.file.name for c in certificates)
    with zipfile.ZipFile(job.archive.open("rb")) as archive:
        names = archive.namelist()
    assert len(names) == len(set(names)) == len(participants)
    assert sorted(name[:18] for name in names) == sorted(c.code for c in certificates)
    assert len(PdfReader(io.BytesIO(job.combined.read())).pages) == len(participants)
    storage.assert_only_in_bucket()


def test_batch_of_30_certificates_completes_once_each(workers):
    programme, participants = _programme_with_graduates(30)
    admin = UserFactory(is_superuser=True, is_staff=True)
    _process, log = workers.start()

    job = start_job(programme=programme, kind="certificates", language="en", by=admin)

    wait_for(_finished(job), 240, "the batch", log)
    assert (job.status, job.total, job.done, job.error) == ("done", 30, 30, "")
    _assert_exactly_one_certificate_each(programme, participants, job, workers.file_storage)
    assert "reports.render_job_items[" in log.read_text()


def test_worker_killed_mid_batch_then_replaced_completes_every_certificate_once(workers):
    count = 2 * CERTIFICATES_PER_CHUNK + 10  # three chunks
    programme, participants = _programme_with_graduates(count)
    admin = UserFactory(is_superuser=True, is_staff=True)
    first, first_log = workers.start(hold_after_render=3)

    job = start_job(programme=programme, kind="certificates", language="en", by=admin)

    def mid_chunk() -> bool:
        # The first chunk is counted and the worker has taken the second, which it renders
        # and then holds for three seconds before it stores and commits anything.
        job.refresh_from_db()
        lines = first_log.read_text().splitlines()
        taken = sum("reports.render_job_items[" in line and "received" in line for line in lines)
        return job.done == CERTIFICATES_PER_CHUNK and taken == 2

    wait_for(mid_chunk, 240, "the middle of the second chunk", first_log)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    job.refresh_from_db()
    assert job.status == GenerationJob.Status.RUNNING and job.done < job.total
    # The chunk it was rendering is still unacknowledged at the broker.
    assert redis.Redis.from_url(_faults_broker_url()).hlen("unacked") >= 1
    codes_before = dict(
        Certificate.objects.filter(participant__programme=programme).values_list(
            "participant_id", "code"
        )
    )
    assert len(codes_before) == count  # every code is issued before rendering starts

    _second, second_log = workers.start()
    wait_for(_finished(job), 240, "the batch to complete after the restart", second_log)

    assert (job.status, job.total, job.done, job.error) == ("done", count, count, "")
    codes_after = dict(
        Certificate.objects.filter(participant__programme=programme).values_list(
            "participant_id", "code"
        )
    )
    assert codes_after == codes_before
    _assert_exactly_one_certificate_each(programme, participants, job, workers.file_storage)


def test_broker_down_then_back_the_sweep_sends_the_job(workers):
    programme, participants = _programme_with_graduates(3)
    admin = UserFactory(is_superuser=True, is_staff=True)
    client = client_for(admin)

    with broker(UNREACHABLE_BROKER):
        response = client.post(
            reverse("reports:job_start", args=[programme.slug]),
            {"kind": "certificates", "language": "en"},
            follow=True,
        )
    assert response.status_code == 200
    assert "Queued: waiting for the workers." in response.content.decode()
    job = GenerationJob.objects.get(programme=programme)
    assert (job.status, job.sent_at, job.started_by) == ("queued", None, admin)

    _process, log = workers.start()
    assert sweep_queued_jobs() == 1

    wait_for(_finished(job), 240, "the swept job", log)
    assert (job.status, job.done) == ("done", 3)
    _assert_exactly_one_certificate_each(programme, participants, job, workers.file_storage)
