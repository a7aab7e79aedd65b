"""Background generation jobs: batches of PDFs rendered by Celery workers.

How a job runs
--------------
`start_job` saves a GenerationJob row (queued) and, after the transaction commits, sends the
`reports.run_job` task. When the broker cannot be reached the row simply stays queued with
`sent_at` None; `reports.sweep_queued_jobs` (run every minute by Celery beat) sends it once the
broker is back, so nothing is lost.

`run_job` lists the items to render and sends them to the workers in chunks (the kind's
`chunk_size`, CHUNK_SIZE by default)
(`reports.render_job_items`). A chunk skips the items already rendered for this job, renders the
others, then counts the job's outputs to set `done`: counting what exists, rather than adding
one per render, keeps `done` exact when a chunk runs twice (a worker killed mid-chunk leaves
its message unacknowledged and the broker hands it out again: CELERY_TASK_ACKS_LATE). The chunk
that brings `done` to `total` writes the ZIP (one file per item) and the print-ready combined
PDF and marks the job done. An exception in an item marks the job failed with the error;
`retry_job` queues it again and only the items not yet rendered are rendered.

Registry
--------
KINDS maps a GenerationJob.Kind to the dotted path of a JobKind (imported on first use, so the
modules that render need not be imported by web processes that only list jobs):

    JobKind(
        items=items_of,    # (job) -> [int]: ids of what to render (participant ids, or
                           # [job.programme_id] for a single document)
        render=render_one, # (job, item_id) -> Rendered(file_name, content) | None
    )

`render` returns the PDF bytes and the file's name inside the ZIP, or None when the item no
longer exists. A kind that renders a chunk faster in one go (certificates: one document for the
chunk) passes `render_chunk=(job, item_ids) -> {item_id: result}` instead of `render`. The
framework stores each item's file once per job and kind (overwritten when an item is rendered
again) and removes the files of older jobs of the same kind and language. It runs with the
job's language active and in the programme's time zone; `job.programme` is loaded. A kind
that keeps its files elsewhere (certificates: one file per participant, `Certificate.file`)
also passes `outputs=(job, item_ids) -> [Output]`, which lists what was rendered since
`job.started_at` (of `item_ids` only, unless None), and has `render` (or `render_chunk`) store
the file itself (`save_file`), record it in the database and return an Output.
"""

import logging
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta
from functools import cache, partial
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest, Now
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.text import get_valid_filename

from programs.models import Programme

from .models import GenerationJob, job_output_path
from .pdf import combine_pdf_files

logger = logging.getLogger(__name__)

Kind = GenerationJob.Kind
Status = GenerationJob.Status

KINDS: dict[str, str] = {
    Kind.CERTIFICATES: "reports.certificates.CERTIFICATES_JOB",
    Kind.CLOSING_REPORT: "reports.closing.CLOSING_REPORT_JOB",
    Kind.VISA_LETTERS: "reports.visa.VISA_LETTERS_JOB",
}

# Items per task: big enough that the per-task cost (broker round trip, a few queries, the
# shared layout) is spread thin, small enough that two workers share a batch evenly and a
# killed worker loses little.
CHUNK_SIZE = 10
# A queued job whose message has waited this long is sent again (a broker restarted without
# its data loses messages); a second message for the same job is harmless (see run_job).
RESEND_QUEUED_AFTER = timedelta(minutes=10)
# A running job that has not finished this long after its chunks were sent is resumed. Longer
# than the broker's visibility timeout, so that the broker's own redelivery comes first.
RESUME_RUNNING_AFTER = timedelta(hours=2)
# Publishing gives up quickly when the broker is down: the page must answer, the sweep retries.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}


@dataclass(frozen=True)
class Rendered:
    """One rendered item: its file name inside the ZIP and the PDF bytes."""

    file_name: str
    content: bytes


@dataclass(frozen=True)
class Output:
    """One stored item of a job: which item, its name inside the ZIP, where it is stored."""

    item_id: int
    file_name: str
    storage_name: str


Result = Rendered | Output | None


@dataclass(frozen=True)
class JobKind:
    items: Callable[[GenerationJob], list[int]]
    # What every chunk of a job shares, made once before its chunks are sent (`job -> None`).
    prepare: Callable[[GenerationJob], None] | None = None
    render: Callable[[GenerationJob, int], Result] | None = None
    render_chunk: Callable[[GenerationJob, list[int]], dict[int, Result]] | None = None
    outputs: Callable[[GenerationJob, list[int] | None], list[Output]] | None = None
    # How many outputs exist, for kinds whose `outputs` would list them just to count them.
    count: Callable[[GenerationJob], int] | None = None
    chunk_size: int = CHUNK_SIZE
    # The combined PDF written by the kind from what its chunks left in `job_folder(job)`
    # (`(job, outputs, folder) -> path`), or None to merge the single files instead.
    combine: Callable[[GenerationJob, list[Output], Path], Path | None] | None = None

    def render_all(self, job: GenerationJob, item_ids: list[int]) -> Iterator[tuple[int, Result]]:
        """(item id, result) of each item, in order, by chunk or one by one."""
        if self.render_chunk is not None:
            results = self.render_chunk(job, item_ids)
            for item_id in item_ids:
                yield item_id, results.get(item_id)
            return
        for item_id in item_ids:
            yield item_id, self.render(job, item_id)


@cache
def job_kind(kind: str) -> JobKind:
    """The registered JobKind of `kind`; LookupError when no module renders it."""
    if kind not in KINDS:
        raise LookupError(f"No job kind {kind!r} is registered")
    return import_string(KINDS[kind])


def available_kinds() -> list[tuple[str, str]]:
    """(value, label) of the kinds that can be started, in the model's order."""
    return [(value, label) for value, label in Kind.choices if value in KINDS]


def save_file(name: str, content: bytes | File) -> str:
    """Store `content` under exactly `name`, replacing what was there.

    Storages give a clashing name a suffix instead of overwriting; deleting first keeps one file
    per name. If another worker wrote the same name in between, its copy wins and ours (under
    the suffixed name) is removed, so there is still one file.
    """
    if not isinstance(content, File):
        content = ContentFile(content)
    default_storage.delete(name)
    saved = default_storage.save(name, content)
    if saved != name:
        default_storage.delete(saved)
    return name


# --- Starting, sending, retrying -------------------------------------------------------------


def start_job(*, programme: Programme, kind: str, language: str, by) -> GenerationJob:
    """The queued or running job of this kind for the programme, or a new one.

    Side effects: creates a GenerationJob row (queued) and, after the transaction commits,
    sends it to the workers; if the broker is unreachable the row stays queued for the sweep.
    """
    job_kind(kind)  # fail early on an unknown kind, before anything is saved
    with transaction.atomic():
        # Lock the programme so that two admins starting the same batch get one job.
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        existing = programme.jobs.filter(kind=kind, status__in=[Status.QUEUED, Status.RUNNING])
        job = existing.order_by("created_at").first()
        if job is not None:
            return job
        job = GenerationJob.objects.create(
            programme=programme, kind=kind, language=language, started_by=by
        )
        transaction.on_commit(lambda: send_job(job_id=job.pk))
    return job


def send_job(*, job_id, resume: bool = False) -> bool:
    """Hand the job to the workers; False (and the row untouched) when the broker is down.

    Side effects: publishes the `reports.run_job` task; sets `sent_at`.
    """
    from tpbis.celery import app

    from .tasks import run_job_task

    try:
        run_job_task.apply_async(
            kwargs={"job_id": str(job_id), "resume": resume},
            queue=settings.CELERY_TASK_DEFAULT_QUEUE,
            retry_policy=PUBLISH_RETRY_POLICY,
        )
    except Exception:
        if app.conf.task_always_eager:
            raise  # in-process tasks: an error here is a bug, not a broker outage
        # Broadly: kombu's OperationalError, redis' ConnectionError and TimeoutError, OSError.
        logger.warning("Broker unreachable: job %s stays queued", job_id, exc_info=True)
        return False
    GenerationJob.objects.filter(pk=job_id).update(sent_at=Now())
    return True


def retry_job(*, job: GenerationJob) -> bool:
    """Queue a failed job (or one that never reached the workers) again.

    Side effects: resets status, error and finish time, keeps `started_at` so that the items
    already rendered are not rendered again, and sends the job after commit. False when the job
    is running or done.
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
    """Send the jobs the workers never got, and resume those that stalled; how many were sent.

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
    return GenerationJob.objects.select_related("programme").filter(pk=job_id).first()


def _fail(job: GenerationJob, error: str) -> None:
    logger.error("Job %s failed: %s", job.pk, error)
    GenerationJob.objects.filter(pk=job.pk).exclude(status=Status.DONE).update(
        status=Status.FAILED, error=error[:2000], finished_at=Now()
    )


def _in_context(job: GenerationJob) -> ExitStack:
    """The job's language and the programme's time zone, for everything a kind renders."""
    stack = ExitStack()
    stack.enter_context(translation.override(job.language))
    stack.enter_context(timezone.override(job.programme.time_zone))
    return stack


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
            rendered = _rendered_ids(job, kind)
            remaining = [item for item in ids if item not in rendered]
            if remaining and kind.prepare is not None:
                kind.prepare(job)
    except Exception as error:
        logger.exception("Preparing job %s failed", job.pk)
        _fail(job, _describe(error))
        return
    GenerationJob.objects.filter(pk=job.pk).update(
        total=len(ids), done=min(len(rendered), len(ids))
    )
    if not remaining:
        _finish_if_complete(job, kind)
        return
    from .tasks import render_job_items_task

    try:
        size = kind.chunk_size
        for start in range(0, len(remaining), size):
            render_job_items_task.apply_async(
                kwargs={"job_id": str(job.pk), "item_ids": remaining[start : start + size]},
                queue=settings.CELERY_TASK_DEFAULT_QUEUE,
                retry_policy=PUBLISH_RETRY_POLICY,
            )
    except Exception:
        from tpbis.celery import app

        if app.conf.task_always_eager:
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

    Side effects: stores each item's file (see the registry above), updates `done`; on an
    exception marks the job failed with the error.
    """
    job = _load(job_id)
    if job is None or job.status != Status.RUNNING:
        return
    kind = job_kind(job.kind)
    item_ids = list(item_ids)
    # One transaction per chunk: one commit (a disk flush) per chunk instead of one per item.
    # A worker killed mid-chunk loses the chunk's records, not its files: the chunk is
    # handed out again and overwrites them.
    with _in_context(job), transaction.atomic():
        rendered = _rendered_ids(job, kind, item_ids)
        todo = [item_id for item_id in item_ids if item_id not in rendered]
        gone = 0
        try:
            # A failure keeps what was stored before it (savepoint), for the retry to skip.
            with transaction.atomic():
                for item_id, result in kind.render_all(job, todo):
                    if isinstance(result, Rendered):
                        _store_item(job, item_id, result)
                    elif result is None:
                        gone += 1
        except Exception as error:
            logger.exception("Job %s: chunk %s failed", job.pk, todo)
            _fail(job, _describe(error))
            return
        if gone:
            # Items gone meanwhile (a participant deleted): the job no longer awaits them.
            GenerationJob.objects.filter(pk=job.pk).update(total=Greatest(F("total") - gone, 0))
    _finish_if_complete(job, kind)


def _describe(error: Exception) -> str:
    return str(error) or error.__class__.__name__


def _finish_if_complete(job: GenerationJob, kind: JobKind) -> None:
    """Count the outputs into `done`; the chunk that completes the job builds its files."""
    # Every chunk counts: a query, not a listing, or a batch would cost the square of its size.
    count = kind.count(job) if kind.count is not None else len(_outputs(job, kind))
    with transaction.atomic():
        row = GenerationJob.objects.select_for_update().filter(pk=job.pk).first()
        if row is None or row.status != Status.RUNNING:
            return
        done = min(max(row.done, count), row.total)
        # finished_at marks that one chunk has taken on the final step (the row lock makes
        # that chunk the only one); a resumed job clears it.
        claim = done >= row.total and row.finished_at is None
        GenerationJob.objects.filter(pk=job.pk).update(
            done=done, **({"finished_at": Now()} if claim else {})
        )
    if claim:
        finish_job(job=job, kind=kind)


def finish_job(*, job: GenerationJob, kind: JobKind | None = None) -> None:
    """Write the job's ZIP and combined PDF and mark it done.

    Side effects: stores the two files under their fixed names per kind and language
    (overwriting an earlier job's), clears the file fields of earlier jobs of the same kind and
    language, removes their item files, and sets the job done.
    """
    kind = kind or job_kind(job.kind)
    try:
        outputs = _outputs(job, kind)
        stem = f"{job.kind}-{job.language}"
        # Built on disk, not in memory: a thousand certificates make two files of 30 MB each.
        with tempfile.TemporaryDirectory(prefix="tpbis-job-") as folder:
            combine = partial(kind.combine, job) if kind.combine else None
            archive, combined = build_files(outputs, Path(folder), combine=combine)
            with archive.open("rb") as archive_file:
                archive_name = save_file(job_output_path(job, f"{stem}.zip"), File(archive_file))
            combined_name = ""
            if combined:
                with combined.open("rb") as combined_file:
                    combined_name = save_file(
                        job_output_path(job, f"{stem}.pdf"), File(combined_file)
                    )
    except Exception as error:
        logger.exception("Finishing job %s failed", job.pk)
        _fail(job, _describe(error))
        return
    GenerationJob.objects.filter(pk=job.pk).update(
        status=Status.DONE,
        archive=archive_name,
        combined=combined_name,
        done=len(outputs),
        total=len(outputs),
        error="",
        finished_at=Now(),
    )
    earlier = job.programme.jobs.filter(kind=job.kind, language=job.language).exclude(pk=job.pk)
    earlier = earlier.exclude(status__in=[Status.QUEUED, Status.RUNNING])
    for earlier_id in earlier.values_list("pk", flat=True):
        _delete_item_files(job.programme_id, job.kind, earlier_id)
    if kind.outputs is not None:
        # The kind's files are kept elsewhere: what its chunks left here was only for finishing.
        _delete_item_files(job.programme_id, job.kind, job.pk)
    earlier.update(archive="", combined="")


def build_files(
    outputs: list[Output],
    folder: Path,
    combine: Callable[[list[Output], Path], Path | None] | None = None,
) -> tuple[Path, Path | None]:
    """A ZIP of the outputs and one PDF of all their pages, in order (None when there are
    none), written in `folder`. `combine` may write the PDF from other files (it returns None
    when it cannot); otherwise the outputs are copied into `folder` and merged."""
    archive = folder / "archive.zip"
    names: set[str] = set()
    written = time.localtime()[:6]
    # PDFs are compressed already: storing them is as small as deflating, and much faster.
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zip_file:
        for output in outputs:
            entry = zipfile.ZipInfo(_unique(output.file_name, names), date_time=written)
            entry.external_attr = 0o644 << 16  # readable files once unpacked
            with (
                default_storage.open(output.storage_name, "rb") as stored,
                zip_file.open(entry, "w") as packed,
            ):
                shutil.copyfileobj(stored, packed)
    if not outputs:
        return archive, None
    combined = combine(outputs, folder) if combine else None
    return archive, combined or combine_pdf_files(_copies(outputs, folder), folder / "combined.pdf")


def _copies(outputs: list[Output], folder: Path) -> list[Path]:
    """A copy of each output in `folder`, in order, for merging by path."""
    copies = []
    for number, output in enumerate(outputs):
        copy = folder / f"{number:06d}.pdf"
        with default_storage.open(output.storage_name, "rb") as stored, copy.open("wb") as out:
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


# --- Outputs of kinds whose files the framework keeps ----------------------------------------


def job_folder(job: GenerationJob) -> str:
    """Where a job's chunks leave their files (removed when a later job of its kind finishes)."""
    return _item_folder(job.programme_id, job.kind, job.pk)


def _item_folder(programme_id: int, kind: str, job_id) -> str:
    return f"jobs/{programme_id}/{kind}/{job_id}"


def _store_item(job: GenerationJob, item_id: int, rendered: Rendered) -> None:
    # "<item id>--<file name>": the folder listing alone says which items are done.
    file_name = get_valid_filename(rendered.file_name) or "document.pdf"
    folder = _item_folder(job.programme_id, job.kind, job.pk)
    save_file(f"{folder}/{item_id}--{file_name}", rendered.content)


def _stored_items(job: GenerationJob) -> list[Output]:
    folder = _item_folder(job.programme_id, job.kind, job.pk)
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    outputs: dict[int, Output] = {}
    for stored in sorted(files):
        item, separator, file_name = stored.partition("--")
        if separator and item.isdigit():
            outputs[int(item)] = Output(int(item), file_name, f"{folder}/{stored}")
    return sorted(outputs.values(), key=lambda output: (output.file_name, output.item_id))


def _delete_item_files(programme_id: int, kind: str, job_id) -> None:
    folder = _item_folder(programme_id, kind, job_id)
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for stored in files:
        default_storage.delete(f"{folder}/{stored}")


def _outputs(job: GenerationJob, kind: JobKind, item_ids: list[int] | None = None) -> list[Output]:
    if kind.outputs is not None:
        return kind.outputs(job, item_ids)
    outputs = _stored_items(job)
    if item_ids is None:
        return outputs
    wanted = set(item_ids)
    return [output for output in outputs if output.item_id in wanted]


def _rendered_ids(job: GenerationJob, kind: JobKind, item_ids: list[int] | None = None) -> set[int]:
    return {output.item_id for output in _outputs(job, kind, item_ids)}
