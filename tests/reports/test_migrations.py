"""The move of stored documents into the one pipeline's jobs."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from reports.models import GenerationJob
from tests.factories import ParticipantFactory, ProgrammeFactory, UserFactory, VehicleFactory

BEFORE = [("reports", "0004_quote_translation")]
AFTER = [("reports", "0008_job_items_in_order")]


@pytest.mark.django_db(transaction=True)
def test_stored_documents_become_jobs_of_one_file():
    programme = ProgrammeFactory()
    participant = ParticipantFactory(programme=programme)
    vehicle = VehicleFactory(session__programme=programme)
    admin = UserFactory(is_superuser=True)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    Document = executor.loader.project_state(BEFORE).apps.get_model("reports", "Document")
    requested = timezone.now() - timedelta(days=2)

    def document(kind: str, subject: str, status: str, file: str = ""):
        return Document.objects.create(
            programme_id=programme.pk,
            kind=kind,
            language="id",
            subject=subject,
            status=status,
            file=file,
            requested_by_id=admin.pk,
            requested_at=requested,
        ).pk

    overview = document("programme_overview", "", "done", "reports/x/overview-id.pdf")
    badge = document("badges", f"participant:{participant.pk}", "queued")
    manifest = document("manifest", f"vehicle:{vehicle.pk}", "failed")
    document("badges", "participant:999999", "done", "reports/x/gone.pdf")
    document("agenda", "", "done", "reports/x/agenda.pdf")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    # Back to the latest schema, which the models below and the tests after this one use.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    jobs = {
        job.pk: (job.kind, job.participant_id, job.vehicle_id, job.status, job.combined.name)
        for job in GenerationJob.objects.all()
    }
    assert jobs == {
        overview: ("programme_overview", None, None, "done", "reports/x/overview-id.pdf"),
        badge: ("badges", participant.pk, None, "queued", ""),
        manifest: ("manifest", None, vehicle.pk, "failed", ""),
    }
    queued = GenerationJob.objects.get(pk=badge)
    # Never sent, so the sweep sends it; asked for when the document was.
    assert (queued.sent_at, queued.created_at, queued.started_by_id) == (None, requested, admin.pk)
    assert GenerationJob.objects.get(pk=overview).done == 1
