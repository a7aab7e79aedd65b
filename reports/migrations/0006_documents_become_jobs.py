from django.db import migrations


# Kinds of the former documents table that the pipeline renders; personal agendas were
# rendered on request and never stored there.
DOCUMENT_KINDS = {
    "programme_overview": "programme_overview",
    "badges": "badges",
    "manifest": "manifest",
    "closing_report": "closing_report",
    "visa_letter": "visa_letters",
}


def _subject(document, prefix: str) -> int | None:
    name, _sep, value = document.subject.partition(":")
    return int(value) if name == prefix and value.isdigit() else None


def documents_to_jobs(apps, schema_editor):
    """Each stored document becomes a job of one file, under the same id (old links resolve).

    A document about a participant or a vehicle removed since is dropped, like the job would
    be. A queued document becomes a queued job not yet sent, which the sweep then sends.
    """
    Document = apps.get_model("reports", "Document")
    GenerationJob = apps.get_model("reports", "GenerationJob")
    Participant = apps.get_model("participants", "Participant")
    Vehicle = apps.get_model("visits", "Vehicle")
    for document in Document.objects.iterator():
        kind = DOCUMENT_KINDS.get(document.kind)
        if kind is None:
            continue
        participant_id = _subject(document, "participant")
        vehicle_id = _subject(document, "vehicle")
        if participant_id and not Participant.objects.filter(
            pk=participant_id, programme_id=document.programme_id
        ).exists():
            continue
        if vehicle_id and not Vehicle.objects.filter(
            pk=vehicle_id, session__programme_id=document.programme_id
        ).exists():
            continue
        if document.subject and not (participant_id or vehicle_id):
            continue
        done = document.status == "done"
        GenerationJob.objects.create(
            id=document.id,
            programme_id=document.programme_id,
            kind=kind,
            participant_id=participant_id,
            vehicle_id=vehicle_id,
            language=document.language,
            status=document.status,
            total=1 if done else 0,
            done=1 if done else 0,
            error=document.error,
            combined=document.file.name if done else "",
            started_by_id=document.requested_by_id,
            sent_at=None if document.status == "queued" else document.requested_at,
            started_at=document.started_at,
            finished_at=document.finished_at,
        )
        # created_at is set on insert; the request's own time is the truth.
        GenerationJob.objects.filter(pk=document.id).update(created_at=document.requested_at)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_one_pipeline_for_generated_files"),
    ]

    operations = [
        migrations.RunPython(documents_to_jobs, migrations.RunPython.noop),
    ]
