"""The driver's manifest of an airport transfer run, rendered through the one pipeline."""

from datetime import timedelta

import pytest
from django.urls import reverse

from participants.models import Participant
from reports.jobs import start_job
from reports.models import GenerationJob
from tests.conftest import client_for
from tests.factories import ParticipantFactory, ProgrammeFactory, TransferRunFactory, member_country
from tests.visits.travel import ARRIVAL, fly
from visits.transfers import add_passenger

from .test_documents import pdf_text


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def run(programme):
    return TransferRunFactory(
        programme=programme,
        vehicle="Van 3, B 1234 TPB",
        seats=7,
        driver_name="Dedi Kurniawan",
        driver_phone="+62 812 1000 2003",
        pickup_at=programme.local_datetime(programme.start_date - timedelta(days=1), 16, 40),
        note="Meet at gate 2",
    )


def generate(programme, run, user, capture, language="en") -> GenerationJob:
    with capture(execute=True):
        job = start_job(
            programme=programme,
            kind=GenerationJob.Kind.TRANSFER_MANIFEST,
            language=language,
            by=user,
            transfer_run=run,
        )
    job.refresh_from_db()
    return job


def test_the_manifest_lists_the_passengers_in_the_order_they_land(
    programme, run, cast, django_capture_on_commit_callbacks
):
    later = ParticipantFactory(
        programme=programme,
        full_name="Nimal Perera",
        country=member_country("LK"),
        phone="+94 77 555 0101",
    )
    fly(later, ARRIVAL, "CGK", "2023-11-12 16:40", service=("UL", "364"), other_end="CMB")
    earlier = ParticipantFactory(
        programme=programme,
        full_name="ສົມພອນ ພົມມະວົງ",
        full_name_latin="Somphone Phommavong",
        country=member_country("LA"),
        phone="+856 20 5555 0101",
        accessibility_needs="Wheelchair",
    )
    fly(earlier, ARRIVAL, "CGK", "2023-11-12 16:05", service=("TG", "433"), other_end="BKK")
    no_flight = ParticipantFactory(programme=programme, full_name="Zed Unknown")
    for person in (later, earlier, no_flight):
        add_passenger(run=run, participant=person, by=None, notify=False)
    ParticipantFactory(programme=programme, full_name="Not Riding")

    job = generate(programme, run, cast["staff"], django_capture_on_commit_callbacks)

    assert (job.status, job.error) == (GenerationJob.Status.DONE, "")
    assert job.combined.name.endswith(f"transfer_manifest-transfer-{run.pk}-en.pdf")
    text = " ".join(pdf_text(job.combined.read()).split())
    for expected in [
        "Airport pick-up: CGK",
        "Sunday, 12 November 2023, 16:40 (Asia/Jakarta) · arrivals hall",
        "Soekarno-Hatta International Airport (CGK)",
        "Van 3, B 1234 TPB · 7 seats",
        "Dedi Kurniawan · +62 812 1000 2003",
        "Meet at gate 2",
        "TG 433",
        "from BKK",
        "16:05",
        "+856 20 5555 0101",
        "Access: Wheelchair",
        "UL 364",
        "+94 77 555 0101",
        "3 passengers for 7 seats · 4 seats free · 1 with accessibility needs",
    ]:
        assert expected in text
    assert "Not Riding" not in text
    positions = [text.index(name) for name in ("Somphone", "Nimal Perera", "Zed Unknown")]
    assert positions == sorted(positions)


def test_the_manifest_of_a_run_gone_from_the_programme_fails_visibly(
    programme, run, cast, django_capture_on_commit_callbacks
):
    run.programme = ProgrammeFactory()
    run.save()
    job = generate(programme, run, cast["admin"], django_capture_on_commit_callbacks)
    assert (job.status, job.error) == ("failed", "The transfer run no longer exists.")


def test_the_manifest_page_starts_the_job_and_lists_it(
    programme, run, cast, django_capture_on_commit_callbacks
):
    rider = ParticipantFactory(
        programme=programme, full_name="Ana Lima", category=Participant.Category.INTERNATIONAL
    )
    add_passenger(run=run, participant=rider, by=None, notify=False)
    client = client_for(cast["staff"])
    url = reverse("reports:transfer_manifest", args=[programme.slug, run.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"language": "en"})

    job = GenerationJob.objects.get()
    assert (job.kind, job.transfer_run, job.started_by) == (
        "transfer_manifest",
        run,
        cast["staff"],
    )
    response = client.get(url)
    assert response.context["documents"] == [job]
    page = response.content.decode()
    assert "1 passenger for 7 seats" in page
    # A working paper of the whole team, as the vehicles' manifests are.
    assert reverse("reports:job_combined", args=[job.pk]) in page
    jobs = client_for(cast["organiser"]).get(reverse("reports:jobs", args=[programme.slug]))
    assert "Transfer manifest: CGK · Van 3, B 1234 TPB" in jobs.content.decode()
    status = client_for(cast["organiser"]).get(reverse("reports:job_status", args=[job.pk]))
    assert status.status_code == 200
    assert reverse("reports:transfer_manifest", args=[programme.slug, run.pk]) in (
        status.content.decode()
    )
