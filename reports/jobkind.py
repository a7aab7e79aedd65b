"""What a kind of generated file tells the pipeline (`reports.jobs`), and the helpers its
module uses to store what it renders.

Each kind is one module (`reports.certificates`, `reports.closing`, `reports.visa`,
`reports.badges`, `reports.manifest`, `reports.overview`) that defines one JobKind; they are
listed in `reports.kinds.KINDS`. A kind renders items:

    JobKind(
        render=render_one,  # (job, item_id) -> Rendered(file_name, content)
        items=items_of,     # (job) -> [int]: ids of what to render; by default one item,
                            # the programme's id, for a kind that makes one PDF
    )

`render` may return None when the item no longer exists (the job then no longer awaits it),
and raises to fail the job with the error (SubjectGone when what a single document is about
has gone). A kind that renders a chunk faster in one go (certificates) passes
`render_chunk=(job, item_ids) -> {item_id: Rendered | Output | None}` instead; a kind that
keeps its files elsewhere stores them itself (`save_file`) and returns an Output. Renders run
with the job's language active, in the programme's time zone, with `job.programme` loaded.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile, File

from programs.files import write_stored

from .models import GenerationJob

# Items per task: big enough that the per-task cost (broker round trip, a few queries, the
# shared layout) is spread thin, small enough that two workers share a batch evenly and a
# killed worker loses little.
CHUNK_SIZE = 10


class SubjectGone(Exception):
    """What a document is about (a participant, a vehicle) is no longer in its programme."""


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


def one_item(job: GenerationJob) -> list[int]:
    """The items of a kind that makes one PDF: one, named by the programme's id."""
    return [job.programme_id]


@dataclass(frozen=True)
class JobKind:
    render: Callable[[GenerationJob, int], Result] | None = None
    items: Callable[[GenerationJob], list[int]] = one_item
    render_chunk: Callable[[GenerationJob, list[int]], dict[int, Result]] | None = None
    # What every chunk of a job shares, made once before its chunks are sent (`job -> None`).
    prepare: Callable[[GenerationJob], None] | None = None
    chunk_size: int = CHUNK_SIZE
    # Whether the job's files include a ZIP of the items; a single document is its PDF alone.
    archive: bool = True
    # The combined PDF written by the kind from what its chunks left in `job_folder(job)`
    # (`(job, outputs, folder) -> path`), or None to merge the single files instead.
    combine: Callable[[GenerationJob, list[Output], Path], Path | None] | None = None
    # The XLSX stored beside the PDF (`job -> bytes`), made once every item is rendered.
    spreadsheet: Callable[[GenerationJob], bytes] | None = None

    def render_all(self, job: GenerationJob, item_ids: list[int]) -> Iterator[tuple[int, Result]]:
        """(item id, result) of each item, in order, by chunk or one by one."""
        if self.render_chunk is not None:
            results = self.render_chunk(job, item_ids)
            for item_id in item_ids:
                yield item_id, results.get(item_id)
            return
        for item_id in item_ids:
            yield item_id, self.render(job, item_id)


def save_file(name: str, content: bytes | File) -> str:
    """Store `content` under exactly `name`, replacing what was there (one file per name, also
    when two workers write it at once: `programs.files.write_stored`)."""
    if not isinstance(content, File):
        content = ContentFile(content)
    return write_stored(name, content)


def item_folder(programme_id: int, kind: str, job_id) -> str:
    return f"jobs/{programme_id}/{kind}/{job_id}"


def job_folder(job: GenerationJob) -> str:
    """Where a job's chunks leave their files (removed when a later job of its kind finishes)."""
    return item_folder(job.programme_id, job.kind, job.pk)
