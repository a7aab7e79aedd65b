"""The batch job framework: starting, progress, failures and retries, files, the sweep."""

import io
import shutil
import zipfile
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from participants.models import Participant
from reports import kinds
from reports.jobkind import JobKind, Rendered
from reports.jobs import render_items, retry_job, start_job, sweep_queued_jobs
from reports.models import Certificate, GenerationJob, JobOutput
from reports.pdf import combine_pdf_files
from reports.views import say_started
from tests.conftest import client_for
from tests.factories import (
    AssignmentFactory,
    NominationFactory,
    ParticipantFactory,
    SessionFactory,
    UserFactory,
    VehicleFactory,
)
from tpbis.celery import app as celery_app

from .test_documents import pdf_text

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin(db):
    return UserFactory(is_superuser=True, is_staff=True)


# --- A kind whose files the framework keeps, registered like any other ---------------------

RENDERED: list[int] = []


def _one_page_pdf(width: int = 200) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=width, height=100)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _letters_items(job) -> list[int]:
    return list(job.programme.participants.order_by("full_name", "pk").values_list("pk", flat=True))


def _letters_render(job, participant_id: int) -> Rendered | None:
    participant = job.programme.participants.filter(pk=participant_id).first()
    if participant is None:
        return None
    if participant.full_name == "Fails To Render":
        raise ValueError(f"No letterhead for {participant.full_name}")
    RENDERED.append(participant_id)
    return Rendered(f"letter {participant.full_name}.pdf", _one_page_pdf())


LETTERS_JOB = JobKind(render=_letters_render, items=_letters_items)
# Lists one participant that no longer exists by the time it is rendered.
GONE_JOB = JobKind(render=_letters_render, items=lambda job: [*_letters_items(job), 999_999])


@pytest.fixture
def letters(monkeypatch):
    """Register the test kind as the visa letters, in the table of kinds."""
    monkeypatch.setitem(kinds.KINDS, GenerationJob.Kind.VISA_LETTERS, LETTERS_JOB)
    RENDERED.clear()
    return GenerationJob.Kind.VISA_LETTERS


def run(programme, kind, user, capture, language="en") -> GenerationJob:
    with capture(execute=True):
        job = start_job(programme=programme, kind=kind, language=language, by=user)
    job.refresh_from_db()
    return job


def eligible(programme, **fields) -> Participant:
    participant = ParticipantFactory(
        programme=programme, status=Participant.Status.COMPLETED, **fields
    )
    AssignmentFactory(
        session=SessionFactory(programme=programme), participant=participant, attended=True
    )
    return participant


@contextmanager
def broker(url: str):
    """Publish through `url` with a real (not in-process) broker connection, then restore."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.broker_write_url, conf.task_always_eager)

    def reset_pools():
        # Forget the app's pools; kombu keeps one per broker URL and hands it out again.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    reset_pools()
    conf.broker_url, conf.broker_write_url, conf.task_always_eager = url, url, False
    try:
        yield
    finally:
        reset_pools()
        conf.broker_url, conf.broker_write_url, conf.task_always_eager = saved


# --- Starting and running -------------------------------------------------------------------


def test_generic_kind_stores_one_file_per_item_zip_and_combined_pdf(
    programme, admin, letters, django_capture_on_commit_callbacks
):
    for name in ("Aung Kyaw Moe", "Nimal Perera", "Sita Shrestha"):
        ParticipantFactory(programme=programme, full_name=name)

    job = run(programme, letters, admin, django_capture_on_commit_callbacks)

    assert (job.status, job.total, job.done, job.error) == (GenerationJob.Status.DONE, 3, 3, "")
    assert job.started_at is not None and job.finished_at >= job.started_at
    with zipfile.ZipFile(job.archive.open("rb")) as archive:
        assert archive.namelist() == [
            "letter_Aung_Kyaw_Moe.pdf",
            "letter_Nimal_Perera.pdf",
            "letter_Sita_Shrestha.pdf",
        ]
    assert len(PdfReader(job.combined.open("rb")).pages) == 3


def test_running_a_kind_again_replaces_its_files(
    programme, admin, letters, settings, django_capture_on_commit_callbacks
):
    ParticipantFactory(programme=programme, full_name="Nimal Perera")
    first = run(programme, letters, admin, django_capture_on_commit_callbacks)
    second = run(programme, letters, admin, django_capture_on_commit_callbacks)

    assert second.pk != first.pk
    folder = Path(settings.MEDIA_ROOT) / "jobs" / str(programme.pk) / letters
    stored = sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())
    participant = programme.participants.get()
    assert stored == [
        f"{second.pk}/{participant.pk}-letter_Nimal_Perera.pdf",
        "visa_letters-en.pdf",
        "visa_letters-en.zip",
    ]
    first.refresh_from_db()
    assert (first.archive.name, first.combined.name) == ("", "")


def test_starting_a_kind_already_waiting_returns_that_job(programme, admin):
    first = start_job(programme=programme, kind="certificates", language="en", by=admin)
    again = start_job(programme=programme, kind="certificates", language="id", by=admin)
    assert again.pk == first.pk
    assert GenerationJob.objects.count() == 1


def test_item_failure_marks_the_job_failed_and_retry_renders_only_the_rest(
    programme, admin, letters, django_capture_on_commit_callbacks
):
    ParticipantFactory(programme=programme, full_name="Aung Kyaw Moe")
    failing = ParticipantFactory(programme=programme, full_name="Fails To Render")
    ParticipantFactory(programme=programme, full_name="Sita Shrestha")

    job = run(programme, letters, admin, django_capture_on_commit_callbacks)

    assert job.status == GenerationJob.Status.FAILED
    assert job.error == "No letterhead for Fails To Render"
    page = client_for(admin).get(reverse("reports:jobs", args=[programme.slug]))
    assert "No letterhead for Fails To Render" in page.content.decode()
    assert reverse("reports:job_retry", args=[job.pk]) in page.content.decode()
    rendered_before = list(RENDERED)

    failing.full_name = "Fixed Name"
    failing.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin).post(reverse("reports:job_retry", args=[job.pk]))
    assert response.status_code == 302

    job.refresh_from_db()
    assert (job.status, job.total, job.done, job.error) == (GenerationJob.Status.DONE, 3, 3, "")
    # The chunk stopped at the failure; the retry rendered the rest and nothing twice.
    assert len(rendered_before) == 1
    assert sorted(RENDERED) == sorted(programme.participants.values_list("pk", flat=True))


def test_an_item_that_is_gone_is_dropped_from_the_job(
    programme, admin, monkeypatch, django_capture_on_commit_callbacks
):
    ParticipantFactory(programme=programme, full_name="Nimal Perera")
    monkeypatch.setitem(kinds.KINDS, GenerationJob.Kind.VISA_LETTERS, GONE_JOB)
    job = run(programme, GenerationJob.Kind.VISA_LETTERS, admin, django_capture_on_commit_callbacks)
    assert (job.status, job.total, job.done) == (GenerationJob.Status.DONE, 1, 1)


def test_retry_of_a_failed_certificate_job_keeps_what_was_rendered(
    programme, admin, django_capture_on_commit_callbacks
):
    eligible(programme)
    job = run(programme, "certificates", admin, django_capture_on_commit_callbacks)
    rendered_at = Certificate.objects.get().rendered_at
    GenerationJob.objects.filter(pk=job.pk).update(status=GenerationJob.Status.FAILED, error="x")

    with django_capture_on_commit_callbacks(execute=True):
        assert retry_job(job=job)

    job.refresh_from_db()
    assert (job.status, job.done, job.error) == (GenerationJob.Status.DONE, 1, "")
    assert Certificate.objects.get().rendered_at == rendered_at


def test_a_chunk_delivered_again_renders_nothing_twice(
    programme, admin, letters, django_capture_on_commit_callbacks
):
    ParticipantFactory(programme=programme, full_name="Nimal Perera")
    job = run(programme, letters, admin, django_capture_on_commit_callbacks)
    participant = programme.participants.get()
    GenerationJob.objects.filter(pk=job.pk).update(status=GenerationJob.Status.RUNNING)

    # The broker hands the chunk out again (its worker died before acknowledging it).
    render_items(job_id=job.pk, item_ids=[participant.pk])

    assert [participant.pk] == RENDERED
    assert list(JobOutput.objects.filter(job=job).values_list("item_id", "file_name")) == [
        (participant.pk, "letter_Nimal_Perera.pdf")
    ]


def test_a_running_or_done_job_is_not_retried(programme, admin):
    job = GenerationJob.objects.create(
        programme=programme, kind="certificates", status=GenerationJob.Status.DONE
    )
    assert not retry_job(job=job)


def test_empty_batch_is_done_with_an_empty_zip(
    programme, admin, django_capture_on_commit_callbacks
):
    job = run(programme, "certificates", admin, django_capture_on_commit_callbacks)
    assert (job.status, job.total, job.done, job.combined.name) == ("done", 0, 0, "")
    with zipfile.ZipFile(job.archive.open("rb")) as archive:
        assert archive.namelist() == []


# --- Broker down, and the sweep -------------------------------------------------------------


def test_broker_down_keeps_the_job_queued_and_the_page_explains(
    programme, admin, django_capture_on_commit_callbacks
):
    eligible(programme)
    client = client_for(admin)
    with broker(UNREACHABLE_BROKER), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:job_start", args=[programme.slug]),
            {"kind": "certificates", "language": "en"},
            follow=True,
        )
    assert response.status_code == 200
    assert "queued, waiting for the workers" in response.content.decode()
    job = GenerationJob.objects.get()
    assert (job.status, job.sent_at, job.started_by) == ("queued", None, admin)
    page = client.get(reverse("reports:jobs", args=[programme.slug])).content.decode()
    assert "Queued: waiting for the workers." in page

    with broker(UNREACHABLE_BROKER):
        assert sweep_queued_jobs() == 0
    job.refresh_from_db()
    assert (job.status, job.sent_at) == ("queued", None)

    # The broker is back (tasks run in-process here): the sweep sends the job.
    assert sweep_queued_jobs() == 1
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", 1, 1)
    assert job.sent_at is not None


@pytest.mark.parametrize(
    "kind",
    [
        "programme_overview",
        "badges",
        "manifest",
        "visa_letters",
        "nomination_list",
        "selection_record",
    ],
)
def test_broker_down_a_single_document_is_sent_later_by_the_sweep(
    programme, admin, kind, django_capture_on_commit_callbacks
):
    delegate = ParticipantFactory(
        programme=programme,
        full_name="Nimal Perera",
        passport_number="N1234567",
        passport_expiry=programme.end_date + timedelta(days=400),
    )
    # A candidate in the programme's call, for the nomination documents.
    nomination = NominationFactory(call__programme=programme, full_name="Nimal Perera")
    subject = {
        "programme_overview": {},
        "badges": {"participant": delegate},
        "manifest": {"vehicle": VehicleFactory(session__programme=programme, name="Bus 7")},
        "visa_letters": {"participant": delegate},
        "nomination_list": {"delegation": nomination.delegation},
        "selection_record": {},
    }[kind]
    with broker(UNREACHABLE_BROKER), django_capture_on_commit_callbacks(execute=True):
        job = start_job(programme=programme, kind=kind, language="en", by=admin, **subject)
    job.refresh_from_db()
    assert (job.status, job.sent_at) == ("queued", None)

    # The broker is back (tasks run in-process here): the one sweep sends every kind.
    assert sweep_queued_jobs() == 1

    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.archive.name) == ("done", 1, 1, "")
    assert job.sent_at is not None
    response = client_for(admin).get(reverse("reports:job_combined", args=[job.pk]))
    text = pdf_text(b"".join(response.streaming_content))
    assert ("Bus 7" if kind == "manifest" else "Nimal Perera") in text
    assert response["Content-Disposition"] == (f'attachment; filename="{job.download_name("pdf")}"')


def test_sweep_leaves_recently_sent_jobs_and_resumes_stalled_ones(programme, admin):
    now = timezone.now()
    waiting = GenerationJob.objects.create(
        programme=programme, kind="closing_report", sent_at=now - timedelta(minutes=1)
    )
    stalled = GenerationJob.objects.create(
        programme=programme,
        kind="certificates",
        status=GenerationJob.Status.RUNNING,
        started_at=now - timedelta(hours=3),
        sent_at=now - timedelta(hours=3),
    )
    assert sweep_queued_jobs() == 1
    waiting.refresh_from_db()
    stalled.refresh_from_db()
    assert (waiting.status, waiting.sent_at) == ("queued", now - timedelta(minutes=1))
    assert (stalled.status, stalled.total) == ("done", 0)


# --- Views ----------------------------------------------------------------------------------


@pytest.fixture
def done_job(cast, programme, django_capture_on_commit_callbacks):
    eligible(programme, full_name="Nimal Perera")
    return run(programme, "certificates", cast["admin"], django_capture_on_commit_callbacks)


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_jobs_page_offers_starting_to_admins_only(cast, programme, done_job, role):
    response = client_for(cast[role]).get(reverse("reports:jobs", args=[programme.slug]))
    html = response.content.decode()
    assert "All certificates" in html
    assert '<progress max="1" value="1"' in html
    # One certificate: its PDF is offered, and no ZIP of a single file.
    assert reverse("reports:job_combined", args=[done_job.pk]) in html
    assert "Download PDF" in html
    assert reverse("reports:job_archive", args=[done_job.pk]) not in html
    assert "Download ZIP" not in html
    assert (reverse("reports:job_start", args=[programme.slug]) in html) == (role == "admin")


def test_job_start_runs_the_job(cast, programme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast["admin"]).post(
            reverse("reports:job_start", args=[programme.slug]),
            {"kind": "certificates", "language": "en"},
        )
    assert response["Location"] == reverse("reports:jobs", args=[programme.slug])
    job = GenerationJob.objects.get()
    assert (job.kind, job.language, job.status, job.started_by) == (
        "certificates",
        "en",
        GenerationJob.Status.DONE,
        cast["admin"],
    )


def test_job_start_refuses_an_unknown_kind(programme, admin):
    response = client_for(admin).post(
        reverse("reports:job_start", args=[programme.slug]), {"kind": "passwords", "language": "en"}
    )
    assert response.status_code == 302
    assert not GenerationJob.objects.exists()


def test_job_status_is_a_partial_for_htmx_and_a_page_otherwise(programme, admin):
    job = GenerationJob.objects.create(
        programme=programme,
        kind="certificates",
        status=GenerationJob.Status.RUNNING,
        total=30,
        done=12,
        sent_at=timezone.now(),
    )
    url = reverse("reports:job_status", args=[job.pk])
    partial = client_for(admin).get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div class="job-status"')
    assert f'hx-get="{url}" hx-trigger="every 2s"' in partial
    assert '<progress max="30" value="12"' in partial
    assert "12 of 30 (40%)" in partial
    page = client_for(admin).get(url).content.decode()
    assert "<!DOCTYPE html>" in page and "12 of 30 (40%)" in page


@pytest.mark.parametrize("view", ["reports:job_archive", "reports:job_combined"])
def test_job_files_hold_the_certificates(cast, done_job, view):
    response = client_for(cast["organiser"]).get(reverse(view, args=[done_job.pk]))
    data = b"".join(response.streaming_content)
    if view == "reports:job_archive":
        assert zipfile.ZipFile(io.BytesIO(data)).namelist()[0].endswith("-nimal-perera.pdf")
    else:
        assert len(PdfReader(io.BytesIO(data)).pages) == 1


def test_files_of_an_unfinished_job_are_not_found(programme, admin):
    job = GenerationJob.objects.create(programme=programme, kind="certificates")
    response = client_for(admin).get(reverse("reports:job_archive", args=[job.pk]))
    assert response.status_code == 404
    assert not response.has_header("Content-Disposition")


def test_job_retry_runs_a_failed_job_again(cast, programme, django_capture_on_commit_callbacks):
    job = GenerationJob.objects.create(
        programme=programme, kind="certificates", status=GenerationJob.Status.FAILED, error="x"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast["admin"]).post(reverse("reports:job_retry", args=[job.pk]))
    assert response["Location"] == reverse("reports:jobs", args=[programme.slug])
    job.refresh_from_db()
    assert job.status == GenerationJob.Status.DONE


@pytest.mark.parametrize("size", [10, 500])
def test_jobs_page_queries_do_not_grow_with_jobs(
    programme, admin, size, django_assert_max_num_queries
):
    GenerationJob.objects.bulk_create(
        [
            GenerationJob(
                programme=programme,
                kind="certificates",
                status=GenerationJob.Status.DONE,
                started_by=admin,
                total=3,
                done=3,
            )
            for _ in range(size)
        ]
    )
    client = client_for(admin)
    # session, user, programme, jobs with who started them, the navigation's participations.
    with django_assert_max_num_queries(5):
        response = client.get(reverse("reports:jobs", args=[programme.slug]))
    assert response.content.decode().count('class="job-status"') == min(size, jobs_shown())


def jobs_shown() -> int:
    from reports.views import JOBS_SHOWN

    return JOBS_SHOWN


def _pages(count: int) -> list[bytes]:
    return [_one_page_pdf(width=200 + number) for number in range(count)]


@pytest.mark.parametrize("poppler", [True, False])
def test_combined_pdf_keeps_every_page_in_order(poppler, tmp_path, monkeypatch):
    if not poppler:
        monkeypatch.setenv("PATH", "")  # no pdfunite: pikepdf merges
    elif not shutil.which("pdfunite"):
        pytest.skip("Poppler's pdfunite is not installed")
    paths = []
    for number, content in enumerate(_pages(3)):
        paths.append(tmp_path / f"{number}.pdf")
        paths[-1].write_bytes(content)
    combined = PdfReader(combine_pdf_files(paths, tmp_path / "combined.pdf"))
    assert [round(float(page.mediabox.width)) for page in combined.pages] == [200, 201, 202]
    single = combine_pdf_files(paths[:1], tmp_path / "single.pdf")
    assert single.read_bytes() == paths[0].read_bytes()


def test_tasks_are_registered_under_the_names_beat_and_workers_use():
    celery_app.loader.import_default_modules()
    assert {
        "reports.run_job",
        "reports.render_job_items",
        "reports.sweep_queued_jobs",
    } <= set(celery_app.tasks)


@pytest.mark.parametrize(
    ("status", "said"),
    [
        ("running", "Certificates: started."),
        ("done", "Certificates: done."),
    ],
)
def test_starting_a_job_says_where_it_stands_truthfully(programme, admin, status, said, rf):
    job = GenerationJob.objects.create(
        programme=programme, kind="certificates", status=status, sent_at=timezone.now()
    )
    request = rf.post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    say_started(request, job, "Certificates")
    # Never "is being generated": the page that shows the message may show the job done.
    assert [str(message) for message in get_messages(request)] == [said]


def test_a_one_file_job_offers_its_pdf_and_no_zip():
    assert GenerationJob(archive="a.zip", combined="a.pdf", total=1).offers_archive is False
    assert GenerationJob(archive="a.zip", combined="a.pdf", total=2).offers_archive is True
    assert GenerationJob(archive="", combined="a.pdf", total=2).offers_archive is False
