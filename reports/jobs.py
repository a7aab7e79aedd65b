"""The one pipeline for generated files: single documents and batches, rendered by workers.

How a job runs
--------------
`start_job` saves a GenerationJob row (queued) and, after the transaction commits, sends the
`reports.run_job` task. When the broker cannot be reached the row simply stays queued with
`sent_at` None; `reports.sweep_queued_jobs` (run every minute by Celery beat) sends every such
job, whatever its kind, once the broker is back, so nothing is lost.

`run_job` lists the items to render (the kind's `items`: one for a single document) and sends
them to the workers in chunks (`reports.render_job_items`). A chunk skips the items that
already have a JobOutput row, renders the others, stores their files and writes their rows in
one transaction, then counts the job's rows into `done`. Counting what exists, rather than
adding one per render, keeps `done` exact when a chunk runs twice (a worker killed mid-chunk
leaves its message unacknowledged and the broker hands it out again: CELERY_TASK_ACKS_LATE).
The chunk that brings `done` to `total` writes the ZIP (one file per item, unless the kind is
a single document) and the PDF of every page, and marks the job done. An exception in an item
marks the job failed with the error; `retry_job` queues it again and only the items not yet
rendered are rendered.

Kinds are the JobKind objects of `reports.kinds.KINDS` (see `reports.jobkind`). Tasks are
sent by name through Celery's current app: `reports.tasks` imports this module, not the
reverse.
"""

import logging
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from datetime import timedelta
from functools import partial
from pathlib import Path

from celery import current_app
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest, Now
from django.utils import timezone, translation
from django.utils.text import get_valid_filename

from participants.models import FollowUpRound, Hotel, Participant
from programs.files import open_stored
from programs.models import Delegation, Programme
from visits.models import TransferRun, Vehicle

from .jobkind import JobKind, Output, Rendered, item_folder, job_folder, save_file
from .kinds import KINDS
from .models import GenerationJob, JobOutput, job_output_path
from .pdf import combine_pdf_files
from .webhook_events import announce_job_finished

logger = logging.getLogger(__name__)

Kind = GenerationJob.Kind
Status = GenerationJob.Status

PENDING = [Status.QUEUED, Status.RUNNING]
RUN_JOB_TASK = "reports.run_job"
RENDER_ITEMS_TASK = "reports.render_job_items"
# A queued job whose message has waited this long is sent again (a broker restarted without
# its data loses messages); a second message for the same job is harmless (see run_job).
RESEND_QUEUED_AFTER = timedelta(minutes=10)
# A running job that has not finished this long after its chunks were sent is resumed. Longer
# than the broker's visibility timeout, so that the broker's own redelivery comes first.
RESUME_RUNNING_AFTER = timedelta(hours=2)
# Publishing gives up quickly when the broker is down or hangs (two tries, each cut short by
# REDIS_TIMEOUT): the page must answer, the sweep retries.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}


def job_kind(kind: str) -> JobKind:
    """The JobKind of `kind`; LookupError when no module renders it."""
    if kind not in KINDS:
        raise LookupError(f"No job kind {kind!r} is registered")
    return KINDS[kind]


def _publish(task_name: str, **kwargs) -> None:
    current_app.tasks[task_name].apply_async(
        kwargs=kwargs,
        queue=settings.CELERY_TASK_DEFAULT_QUEUE,
        retry_policy=PUBLISH_RETRY_POLICY,
    )


# --- Starting, sending, retrying -------------------------------------------------------------


def start_job(
    *,
    programme: Programme,
    kind: str,
    language: str,
    by,
    participant: Participant | None = None,
    vehicle: Vehicle | None = None,
    delegation: Delegation | None = None,
    transfer_run: TransferRun | None = None,
    hotel: Hotel | None = None,
    follow_up_round: FollowUpRound | None = None,
) -> GenerationJob:
    """The queued or running job of this kind and subject for the programme, or a new one.

    Side effects: creates a GenerationJob row (queued) and, after the transaction commits,
    sends it to the workers; if the broker is unreachable the row stays queued for the sweep.
    """
    job_kind(kind)  # fail early on an unknown kind, before anything is saved
    with transaction.atomic():
        # Lock the programme so that two people asking for the same file get one job.
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        pending = programme.jobs.filter(
            kind=kind,
            participant=participant,
            vehicle=vehicle,
            delegation=delegation,
            transfer_run=transfer_run,
            hotel=hotel,
            follow_up_round=follow_up_round,
            status__in=PENDING,
        )
        job = pending.order_by("created_at").first()
        if job is not None:
            return job
        job = GenerationJob.objects.create(
            programme=programme,
            kind=kind,
            language=language,
            participant=participant,
            vehicle=vehicle,
            delegation=delegation,
            transfer_run=transfer_run,
            hotel=hotel,
            follow_up_round=follow_up_round,
            started_by=by,
        )
        transaction.on_commit(lambda: send_job(job_id=job.pk))
    return job


def send_job(*, job_id, resume: bool = False) -> bool:
    """Hand the job to the workers; False (and the row untouched) when the broker is down.

    Side effects: publishes the `reports.run_job` task; sets `sent_at`.
    """
    try:
        _publish(RUN_JOB_TASK, job_id=str(job_id), resume=resume)
    except Exception:
        if current_app.conf.task_always_eager:
            raise  # in-process tasks: an error here is a bug, not a broker outage
        # Broadly: kombu's OperationalError, redis' ConnectionError and TimeoutError, OSError.
        logger.warning("Broker unreachable: job %s stays queued", job_id, exc_info=True)
        return False
    GenerationJob.objects.filter(pk=job_id).update(sent_at=Now())
    return True


def retry_job(*, job: GenerationJob) -> bool:
    """Queue a failed job (or one that never reached the workers) again.

    Side effects: resets status, error and finish time, keeps the outputs already rendered so
    that they are not rendered again, and sends the job after commit. False when the job is
    running or done.
    """
    waiting = Q(status=Status.QUEUED, sent_at__isnull=True)
    updated = (
        GenerationJob.objects.filter(pk=job.pk)
        .filter(Q(status=Status.FAILED) | waiting)
        .update(status=Status.QUEUED, error="", finished_at=None, sent_at=None)
    )
    if updated:
        transaction.on_commit(lambda: send_job(job_id=job.pk))
    return bool(updated)


def sweep_queued_jobs() -> int:
    """Send the jobs of every kind that the workers never got, and resume those that stalled;
    how many were sent.

    Side effects: publishes `reports.run_job` for each such job (see send_job).
    """
    now = timezone.now()
    waiting = GenerationJob.objects.filter(
        Q(status=Status.QUEUED)
        & (Q(sent_at__isnull=True) | Q(sent_at__lt=now - RESEND_QUEUED_AFTER))
    )
    stalled = GenerationJob.objects.filter(
        status=Status.RUNNING, sent_at__lt=now - RESUME_RUNNING_AFTER
    )
    sent = 0
    for job_id in waiting.values_list("pk", flat=True):
        sent += send_job(job_id=job_id)
    for job_id in stalled.values_list("pk", flat=True):
        sent += send_job(job_id=job_id, resume=True)
    return sent


# --- Running ---------------------------------------------------------------------------------


def _load(job_id) -> GenerationJob | None:
    # A chunk needs not the list of every item: only the final step reads it.
    jobs = GenerationJob.objects.select_related("programme").defer("items")
    return jobs.filter(pk=job_id).first()


def _fail(job: GenerationJob, error: str) -> None:
    logger.error("Job %s failed: %s", job.pk, error)
    # Two chunks may fail at once: the first failure is the job's, and is announced once.
    failed = (
        GenerationJob.objects.filter(pk=job.pk)
        .exclude(status__in=(Status.DONE, Status.FAILED))
        .update(status=Status.FAILED, error=error[:2000], finished_at=Now())
    )
    if failed:
        announce_job_finished(job.pk)


def _describe(error: Exception) -> str:
    return str(error) or error.__class__.__name__


def _in_context(job: GenerationJob) -> ExitStack:
    """The job's language and the programme's time zone, for everything a kind renders."""
    stack = ExitStack()
    stack.enter_context(translation.override(job.language))
    stack.enter_context(timezone.override(job.programme.time_zone))
    return stack


def _rendered_ids(job: GenerationJob, item_ids: list[int] | None = None) -> set[int]:
    outputs = job.outputs.all() if item_ids is None else job.outputs.filter(item_id__in=item_ids)
    return set(outputs.values_list("item_id", flat=True))


def run_job(*, job_id, resume: bool = False) -> None:
    """List the job's items and send the ones not yet rendered to the workers in chunks.

    Side effects: moves the job to running (keeping `started_at` on a retry), sets total and
    done, publishes `reports.render_job_items` tasks; with nothing left to render, finishes
    the job. A second message for a job that is already running is ignored unless `resume`.
    """
    job = _load(job_id)
    if job is None:
        logger.info("Job %s is gone; nothing to run", job_id)
        return
    if resume:
        if job.status != Status.RUNNING:
            return
        GenerationJob.objects.filter(pk=job.pk).update(finished_at=None)
    else:
        claimed = GenerationJob.objects.filter(pk=job.pk, status=Status.QUEUED).update(
            status=Status.RUNNING,
            started_at=Coalesce("started_at", Now()),
            finished_at=None,
            error="",
        )
        if not claimed:
            return
    job.refresh_from_db()
    kind = job_kind(job.kind)
    try:
        with _in_context(job):
            ids = list(dict.fromkeys(kind.items(job)))
            rendered = _rendered_ids(job)
            remaining = [item for item in ids if item not in rendered]
            if remaining and kind.prepare is not None:
                kind.prepare(job)
    except Exception as error:
        logger.exception("Preparing job %s failed", job.pk)
        _fail(job, _describe(error))
        return
    GenerationJob.objects.filter(pk=job.pk).update(
        items=ids, total=len(ids), done=min(len(rendered), len(ids))
    )
    job.items = ids
    if not remaining:
        _finish_if_complete(job)
        return
    try:
        size = kind.chunk_size
        for start in range(0, len(remaining), size):
            _publish(
                RENDER_ITEMS_TASK, job_id=str(job.pk), item_ids=remaining[start : start + size]
            )
    except Exception:
        if current_app.conf.task_always_eager:
            raise
        # The broker went away mid-way: back to the queue, for the sweep to send again.
        logger.warning("Broker unreachable while sending job %s", job.pk, exc_info=True)
        GenerationJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(
            status=Status.QUEUED, sent_at=None
        )
        return
    GenerationJob.objects.filter(pk=job.pk).update(sent_at=Now())


def render_items(*, job_id, item_ids: Iterable[int]) -> None:
    """Render one chunk of a job's items, then update its progress (and finish it if last).

    Side effects: stores each item's file and its JobOutput row, updates `done`; on an
    exception marks the job failed with the error.
    """
    job = _load(job_id)
    if job is None or job.status != Status.RUNNING:
        return
    kind = job_kind(job.kind)
    item_ids = list(item_ids)
    # One transaction per chunk: one commit (a disk flush) per chunk instead of one per item.
    # A worker killed mid-chunk loses the chunk's rows, not its files: the chunk is handed out
    # again and overwrites them.
    with _in_context(job), transaction.atomic():
        rendered = _rendered_ids(job, item_ids)
        todo = [item_id for item_id in item_ids if item_id not in rendered]
        outputs: list[Output] = []
        gone = 0
        try:
            # A failure keeps what was stored before it (savepoint), for the retry to skip.
            with transaction.atomic():
                for item_id, result in kind.render_all(job, todo):
                    if isinstance(result, Rendered):
                        result = _store_item(job, item_id, result)
                    if result is None:
                        gone += 1
                    else:
                        outputs.append(result)
                _record(job, outputs)
        except Exception as error:
            logger.exception("Job %s: chunk %s failed", job.pk, todo)
            _record(job, outputs)
            _fail(job, _describe(error))
            return
        if gone:
            # Items gone meanwhile (a participant deleted): the job no longer awaits them.
            GenerationJob.objects.filter(pk=job.pk).update(total=Greatest(F("total") - gone, 0))
    _finish_if_complete(job)


def _record(job: GenerationJob, outputs: list[Output]) -> None:
    # A chunk delivered twice at once (a resumed job) may race its twin: the first row wins.
    JobOutput.objects.bulk_create(
        [
            JobOutput(
                job=job,
                item_id=output.item_id,
                file_name=output.file_name,
                storage_name=output.storage_name,
            )
            for output in outputs
        ],
        ignore_conflicts=True,
    )
    outputs.clear()


def _store_item(job: GenerationJob, item_id: int, rendered: Rendered) -> Output:
    file_name = get_valid_filename(rendered.file_name) or "document.pdf"
    stored = save_file(f"{job_folder(job)}/{item_id}-{file_name}", rendered.content)
    return Output(item_id, file_name, stored)


def _finish_if_complete(job: GenerationJob) -> None:
    """Count the outputs into `done`; the chunk that completes the job builds its files."""
    count = job.outputs.count()
    with transaction.atomic():
        # The progress columns only: the list of every item is not needed here.
        row = (
            GenerationJob.objects.select_for_update()
            .filter(pk=job.pk)
            .values("status", "done", "total", "finished_at")
            .first()
        )
        if row is None or row["status"] != Status.RUNNING:
            return
        done = min(max(row["done"], count), row["total"])
        # finished_at marks that one chunk has taken on the final step (the row lock makes
        # that chunk the only one); a resumed job clears it.
        claim = done >= row["total"] and row["finished_at"] is None
        GenerationJob.objects.filter(pk=job.pk).update(
            done=done, **({"finished_at": Now()} if claim else {})
        )
    if claim:
        finish_job(job=job)


def job_outputs(job: GenerationJob) -> list[Output]:
    """The job's outputs in the order of its items (list order), for the ZIP and the PDF."""
    rows = list(job.outputs.values_list("item_id", "file_name", "storage_name"))
    items = GenerationJob.objects.filter(pk=job.pk).values_list("items", flat=True).first()
    order = {item_id: index for index, item_id in enumerate(items or [])}
    rows.sort(key=lambda row: (order.get(row[0], len(order)), row[1]))
    return [Output(*row) for row in rows]


def finish_job(*, job: GenerationJob) -> None:
    """Write the job's ZIP and its PDF of every page, and mark it done.

    Side effects: stores the files under fixed names per kind, subject and language
    (overwriting an earlier job's), clears the file fields of earlier such jobs, removes their
    item files and outputs, and sets the job done; the programme's webhooks hear that it
    finished (done or failed).
    """
    kind = job_kind(job.kind)
    try:
        outputs = job_outputs(job)
        stem = f"{job.kind}{job.subject_slug}-{job.language}"
        # Built on disk, not in memory: a thousand certificates make two files of 30 MB each.
        with tempfile.TemporaryDirectory(prefix="tpbis-job-") as folder:
            combine = partial(kind.combine, job) if kind.combine else None
            archive, combined = build_files(
                outputs, Path(folder), combine=combine, archive=_with_archive(job, kind)
            )
            archive_name = combined_name = ""
            if archive:
                with archive.open("rb") as archive_file:
                    archive_name = save_file(
                        job_output_path(job, f"{stem}.zip"), File(archive_file)
                    )
            if combined:
                with combined.open("rb") as combined_file:
                    combined_name = save_file(
                        job_output_path(job, f"{stem}.pdf"), File(combined_file)
                    )
            spreadsheet_name = ""
            if kind.spreadsheet is not None:
                with _in_context(job):
                    content = kind.spreadsheet(job)
                spreadsheet_name = save_file(job_output_path(job, f"{stem}.xlsx"), content)
    except Exception as error:
        logger.exception("Finishing job %s failed", job.pk)
        _fail(job, _describe(error))
        return
    GenerationJob.objects.filter(pk=job.pk).update(
        status=Status.DONE,
        archive=archive_name,
        combined=combined_name,
        spreadsheet=spreadsheet_name,
        done=len(outputs),
        total=len(outputs),
        error="",
        finished_at=Now(),
    )
    announce_job_finished(job.pk)
    earlier = (
        job.programme.jobs.filter(
            kind=job.kind,
            language=job.language,
            participant_id=job.participant_id,
            vehicle_id=job.vehicle_id,
            delegation_id=job.delegation_id,
            transfer_run_id=job.transfer_run_id,
            hotel_id=job.hotel_id,
            follow_up_round_id=job.follow_up_round_id,
        )
        .exclude(pk=job.pk)
        .exclude(status__in=PENDING)
    )
    earlier_ids = list(earlier.values_list("pk", flat=True))
    for earlier_id in earlier_ids:
        _delete_item_files(job.programme_id, job.kind, earlier_id)
    JobOutput.objects.filter(job_id__in=earlier_ids).delete()
    own_folder = job_folder(job) + "/"
    if not all(output.storage_name.startswith(own_folder) for output in outputs):
        # The kind keeps its files elsewhere: what its chunks left here was only for finishing.
        _delete_item_files(job.programme_id, job.kind, job.pk)
    earlier.update(archive="", combined="", spreadsheet="")


def _with_archive(job: GenerationJob, kind: JobKind) -> bool:
    # A job about one participant, vehicle, delegation, transfer run, hotel or round makes one
    # document: its PDF is all there is.
    subject = (
        job.participant_id
        or job.vehicle_id
        or job.delegation_id
        or job.transfer_run_id
        or job.hotel_id
        or job.follow_up_round_id
    )
    return kind.archive and not subject


def build_files(
    outputs: list[Output],
    folder: Path,
    combine: Callable[[list[Output], Path], Path | None] | None = None,
    *,
    archive: bool = True,
) -> tuple[Path | None, Path | None]:
    """A ZIP of the outputs (unless not `archive`) and one PDF of all their pages, in order
    (None when there are none), written in `folder`. `combine` may write the PDF from other
    files (it returns None when it cannot); otherwise the outputs are copied and merged."""
    zip_path = folder / "archive.zip" if archive else None
    if zip_path is not None:
        _write_zip(outputs, zip_path)
    if not outputs:
        return zip_path, None
    combined = combine(outputs, folder) if combine else None
    if combined is None:
        copies = _copies(outputs, folder)
        # One file is its own PDF of every page.
        combined = copies[0] if len(copies) == 1 else None
        combined = combined or combine_pdf_files(copies, folder / "combined.pdf")
    return zip_path, combined


def _write_zip(outputs: list[Output], target: Path) -> None:
    names: set[str] = set()
    written = time.localtime()[:6]
    # PDFs are compressed already: storing them is as small as deflating, and much faster.
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as zip_file:
        for output in outputs:
            entry = zipfile.ZipInfo(_unique(output.file_name, names), date_time=written)
            entry.external_attr = 0o644 << 16  # readable files once unpacked
            with (
                open_stored(output.storage_name)[0] as stored,
                zip_file.open(entry, "w") as packed,
            ):
                shutil.copyfileobj(stored, packed)


def _copies(outputs: list[Output], folder: Path) -> list[Path]:
    """A copy of each output in `folder`, in order, for merging by path."""
    copies = []
    for number, output in enumerate(outputs):
        copy = folder / f"{number:06d}.pdf"
        with open_stored(output.storage_name)[0] as stored, copy.open("wb") as out:
            shutil.copyfileobj(stored, out)
        copies.append(copy)
    return copies


def _unique(name: str, taken: set[str]) -> str:
    stem, dot, extension = name.rpartition(".")
    candidate, number = name, 2
    while candidate in taken:
        candidate = f"{stem}-{number}{dot}{extension}" if dot else f"{name}-{number}"
        number += 1
    taken.add(candidate)
    return candidate


def _delete_item_files(programme_id: int, kind: str, job_id) -> None:
    folder = item_folder(programme_id, kind, job_id)
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for stored in files:
        default_storage.delete(f"{folder}/{stored}")
