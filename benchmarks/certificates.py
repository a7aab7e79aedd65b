"""Benchmark certificates: the pure render (the floor) against the real batch path.

Usage: python benchmarks/certificates.py [--n 200] [--workers W] [--rounds 4] [--keep]
       [--profile] [--whole]

Runs against the configured database after `manage.py migrate` and `manage.py loaddemo`. It
copies the demo programme (its certificate template and signatories) into programmes of its
own with N completed participants in all, whose names cycle through the demo's (Lao, Myanmar,
Sinhala, Tamil, Devanagari, Vietnamese, Malay…), then measures:

(a) pure WeasyPrint in this warm process: the certificates' HTML is built first, then only
    `HTML(string).write_pdf()` is timed, with the same stylesheet and FontConfiguration, for
    the documents the batch renders: the layer every certificate shares, once, and the
    participants' own layers, one document per chunk (see reports.certificates);
(b) the real path: `start_job` → `reports.run_job` → chunks of `reports.render_job_items`
    (context from the database, QR code, render, storage, job row updated) → ZIP and combined
    PDF, timed until the job row says done.

With --whole it also times each certificate rendered whole, one document each, as a batch
would without the layers.

(a) and (b) alternate in --rounds rounds (one programme each), so that other load on the
machine weighs on both alike. Without a broker (no REDIS_URL) the tasks run in this process
(eager). With REDIS_URL set, the script starts W `celery worker` processes (default 2) on a
queue of its own, against the same database and a temporary media folder, and reports their
peak memory; (b) per certificate is then worker time, wall × W / N.

Both are printed as wall and CPU milliseconds per certificate (CPU: this process and its
children, or the workers and theirs). The last line, `ratio <b/a>`, divides CPU times: on a
machine shared with other work, wall time measures that work as much as ours, while CPU time
is what each path costs (on an idle machine the two agree; the wall ratio is printed above).
Files go to a temporary media folder; the programmes are deleted afterwards unless --keep.
"""

import argparse
import cProfile
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "tpbis.settings"
MEDIA = tempfile.mkdtemp(prefix="tpbis-bench-media-")
os.environ["MEDIA_ROOT"] = MEDIA

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Model  # noqa: E402
from django.utils import translation  # noqa: E402

from participants.models import Participant  # noqa: E402
from programs.models import Programme  # noqa: E402
from reports import pdf  # noqa: E402
from reports.certificates import (  # noqa: E402
    CERTIFICATE_STYLESHEET,
    CERTIFICATES_PER_CHUNK,
    CertificateLayout,
    CertificatePage,
    certificate_html,
    layout_for,
    new_certificate_code,
    template_for,
)
from reports.jobs import start_job  # noqa: E402
from reports.models import GenerationJob, Signatory  # noqa: E402
from tpbis.celery import app as celery_app  # noqa: E402
from visits.models import Assignment, Session  # noqa: E402

DEMO_SLUG = "tpbis-2023"


def _copy(instance: Model, **changes) -> Model:
    fields = {
        field.name: getattr(instance, field.name)
        for field in instance._meta.concrete_fields
        if not field.primary_key
    }
    fields.update(changes)
    return type(instance).objects.create(**fields)


def make_programme(n: int) -> tuple[Programme, object]:
    demo = Programme.objects.filter(slug=DEMO_SLUG).first()
    if demo is None:
        sys.exit("No demo programme: run `manage.py migrate` and `manage.py loaddemo` first.")
    tag = uuid.uuid4().hex[:8]
    programme = _copy(demo, slug=f"bench-certificates-{tag}", short_name_en=f"Bench {tag}")
    demo_template = template_for(demo)
    template = _copy(demo_template, programme=programme)
    for signatory in demo_template.signatories.all():
        _copy(signatory, template=template)
    names = list(
        demo.participants.values_list("full_name", "full_name_latin", "institution", "category")
    )
    participants = Participant.objects.bulk_create(
        [
            Participant(
                programme=programme,
                category=category,
                status=Participant.Status.COMPLETED,
                full_name=full_name,
                full_name_latin=latin,
                institution=institution,
                email=f"bench-{number}@example.org",
                badge_code=uuid.uuid4().hex,
            )
            for number, (full_name, latin, institution, category) in (
                (number, names[number % len(names)]) for number in range(n)
            )
        ]
    )
    start = demo.sessions.order_by("starts_at").first()
    session = Session.objects.create(
        programme=programme,
        kind=Session.Kind.OPENING,
        title_en="Opening",
        starts_at=start.starts_at,
        ends_at=start.ends_at,
    )
    Assignment.objects.bulk_create(
        [Assignment(session=session, participant=p, attended=True) for p in participants]
    )
    admin, _created = get_user_model().objects.get_or_create(
        email="bench-certificates@example.org", defaults={"is_superuser": True}
    )
    return programme, admin


def floor_pages(programme: Programme) -> tuple[CertificateLayout, list[tuple[str, dict]]]:
    """The HTML the batch renders, built before (a) is timed: (a) times WeasyPrint alone.

    The shared layer once, then the participants' layers in documents of one chunk each.
    """
    layout = layout_for(programme)
    pages = [
        CertificatePage.of(participant, code=new_certificate_code())
        for participant in programme.participants.order_by("pk")
    ]
    with translation.override("en"):
        documents = [certificate_html(layout, [], shared=True)]
        documents += [
            certificate_html(layout, pages[start : start + CERTIFICATES_PER_CHUNK], shared=False)
            for start in range(0, len(pages), CERTIFICATES_PER_CHUNK)
        ]
    return layout, documents


def whole_documents(layout: CertificateLayout) -> list[tuple[str, dict]]:
    """For comparison: each certificate as one document holding both layers."""
    with translation.override("en"):
        return [
            certificate_html(
                layout, [CertificatePage.of(participant, code=new_certificate_code())], shared=True
            )
            for participant in layout.programme.participants.order_by("pk")
        ]


def floor(layout: CertificateLayout, documents: list[tuple[str, dict]]) -> None:
    """Render each document with WeasyPrint: same stylesheet, same FontConfiguration."""
    from weasyprint import HTML

    stylesheet, fonts = pdf._stylesheet(CERTIFICATE_STYLESHEET), pdf._font_config()
    for html, generated in documents:
        document = HTML(
            string=html,
            base_url=pdf.DOCUMENT_ORIGIN,
            url_fetcher=pdf.make_url_fetcher(layout.media, generated),
        )
        document.write_pdf(stylesheets=[stylesheet], font_config=fonts)


class Clock:
    """Wall and CPU seconds of this process and its children (pdfunite), or of workers."""

    def __init__(self, workers: list[subprocess.Popen]) -> None:
        self.workers = workers
        self.wall = self.cpu = 0.0

    def _cpu(self) -> float:
        if not self.workers:
            times = os.times()
            return times.user + times.system + times.children_user + times.children_system
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for worker in self.workers:
            fields = Path(f"/proc/{worker.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
        return total / ticks

    def __enter__(self) -> "Clock":
        self._wall, self._cpu_start = time.perf_counter(), self._cpu()
        return self

    def __exit__(self, *exc) -> None:
        self.wall += time.perf_counter() - self._wall
        self.cpu += self._cpu() - self._cpu_start


def start_workers(count: int, queue: str) -> list[subprocess.Popen]:
    # Same database (DATABASE_URL is inherited) and broker; this run's queue and media folder.
    env = {**os.environ, "CELERY_QUEUE": queue, "MEDIA_ROOT": MEDIA}
    workers, logs = [], []
    for number in range(count):
        log = Path(MEDIA) / f"worker-{number}.log"
        logs.append(log)
        command = [sys.executable, "-m", "celery", "-A", "tpbis", "worker", "--pool", "solo"]
        command += ["--queues", queue, "--hostname", f"bench{number}-{queue}@%h"]
        command += ["--without-gossip", "--without-mingle", "--loglevel", "WARNING"]
        with open(log, "w") as log_file:
            workers.append(
                subprocess.Popen(
                    command, env=env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT
                )
            )
    # Ready when each has imported the app and connected (its first log line is written
    # only on errors at WARNING, so ask the broker who is listening).
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        replies = celery_app.control.ping(timeout=1.0) or []
        if sum(1 for reply in replies for name in reply if queue in name) >= count:
            return workers
    for worker in workers:
        worker.terminate()
    sys.exit("Workers did not start:\n" + "\n".join(log.read_text() for log in logs))


def peak_rss_mib(process: subprocess.Popen) -> float:
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def real_path(programme: Programme, admin, n: int, profile: bool) -> float:
    """(b) Wall seconds from start_job to the job row saying done."""
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    job = start_job(
        programme=programme, kind=GenerationJob.Kind.CERTIFICATES, language="en", by=admin
    )
    while True:
        job.refresh_from_db()
        if job.status in {GenerationJob.Status.DONE, GenerationJob.Status.FAILED}:
            break
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    if profiler:
        profiler.disable()
        # The project's own functions and the libraries around the render (WeasyPrint's own
        # share is (a)).
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(r"reports|pikepdf|zxingcpp|PIL|django/template|storage", 45)
    if job.status != GenerationJob.Status.DONE or job.done != n:
        sys.exit(f"The job did not complete: {job.status} {job.done}/{job.total} {job.error}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="certificates (default 200)")
    parser.add_argument(
        "--workers", type=int, default=None, help="Celery workers (default 2 with a broker)"
    )
    parser.add_argument("--rounds", type=int, default=4, help="alternations of (a) and (b)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark programmes")
    parser.add_argument("--profile", action="store_true", help="profile (b) when in-process")
    parser.add_argument(
        "--whole",
        action="store_true",
        help="also time each certificate rendered whole, one document each, for comparison",
    )
    args = parser.parse_args()

    eager = bool(celery_app.conf.task_always_eager)
    workers = 0 if eager else (2 if args.workers is None else args.workers)
    rounds = max(1, min(args.rounds, args.n))
    sizes = [args.n // rounds + (1 if number < args.n % rounds else 0) for number in range(rounds)]
    print(
        f"Database: {connection.vendor}; broker: {'none (in-process)' if eager else 'Redis'}; "
        f"{args.n} certificates in {rounds} round(s) of (a) then (b)"
    )
    programmes = []
    processes: list[subprocess.Popen] = []
    try:
        for size in sizes:
            programmes.append(make_programme(size))
        admin = programmes[0][1]
        if workers:
            queue = f"bench-{uuid.uuid4().hex[:8]}"
            settings.CELERY_TASK_DEFAULT_QUEUE = queue
            processes = start_workers(workers, queue)
        # Warm both paths, as long-lived workers are: fonts loaded, stylesheet parsed.
        warm_up, _admin = make_programme(20 * max(workers, 1))
        try:
            layout, documents = floor_pages(warm_up)
            floor(layout, documents)
            real_path(warm_up, admin, warm_up.participants.count(), profile=False)
        finally:
            warm_up.delete()
        a, b, whole = Clock([]), Clock(processes), Clock([])
        for (programme, _admin), size in zip(programmes, sizes, strict=True):
            # Alternating keeps the two measurements under the same load of the machine.
            layout, documents = floor_pages(programme)
            with a:
                floor(layout, documents)
            with b:
                real_path(programme, admin, size, args.profile and not workers)
            if args.whole:
                singles = whole_documents(layout)
                with whole:
                    floor(layout, singles)
        n, scale = args.n, max(workers, 1)
        if args.whole:
            print(
                "(whole) pure WeasyPrint, one document per certificate: "
                f"{whole.wall / n * 1000:.1f} ms per certificate "
                f"({whole.cpu / n * 1000:.1f} ms CPU)"
            )
        print(
            f"(a) pure WeasyPrint, one warm process: {a.wall / n * 1000:.1f} ms per certificate "
            f"({a.cpu / n * 1000:.1f} ms CPU)"
        )
        if workers:
            rss = [peak_rss_mib(process) for process in processes]
            print(
                f"(b) real path, {workers} workers: {n} certificates in {b.wall:.1f} s wall; "
                f"{b.wall * scale / n * 1000:.1f} ms of worker time per certificate "
                f"({b.cpu / n * 1000:.1f} ms CPU); peak worker memory {max(rss):.0f} MiB ("
                + ", ".join(f"{value:.0f}" for value in rss)
                + " MiB)"
            )
        else:
            print(
                f"(b) real path, in-process: {b.wall / n * 1000:.1f} ms per certificate "
                f"({b.cpu / n * 1000:.1f} ms CPU; {n} in {b.wall:.1f} s, ZIP and combined PDF "
                "included)"
            )
        print(f"wall ratio {(b.wall * scale) / a.wall:.2f}")
        print(f"ratio {b.cpu / a.cpu:.2f}")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        if not args.keep:
            for programme, _admin in programmes:
                Signatory.objects.filter(template__programme=programme).delete()
                programme.delete()
            shutil.rmtree(MEDIA, ignore_errors=True)


if __name__ == "__main__":
    main()
