"""Benchmark the closing report: a programme of N participants rendered to PDF, as the job does.

Usage: python benchmarks/closing_report.py [--n 1000] [--renders 5] [--languages en,id]
       [--photos 12] [--keep] [--profile] [--out DIR]

Runs against the configured database after `manage.py migrate` and `manage.py loaddemo`. It
copies the demo programme into one of its own: the agenda (sessions and site visits), the
closing report's texts and quotes and the evaluation questions, with N participants whose
names (in their own scripts), categories, genders, countries, provinces, regions and
institutions cycle through the demo's. Everyone is booked on every item with attendance
recorded (a few absent, a few not recorded), nine in ten have an account and two thirds of
those answered the evaluation, and the report has its photos with credits: the report is as
full as a real one. Photos are made in memory and stored in a temporary media folder.

It then renders the closing report exactly as the background job does,
`reports.closing.render_closing_report(programme, language=...)` (the context read from the
database included), once per language to warm the process (fonts loaded, stylesheet parsed),
then --renders times per language, alternating languages so that other load on the machine
weighs on both alike. For each language it prints the wall and CPU seconds per render (median
and best), the page count and the file size. CPU time is this process's own: on a machine
shared with other work, wall time measures that work as much as ours.

With --profile it prints a cProfile summary of one more render; with --out the last PDF of
each language is written to DIR. The programme, its accounts and the media folder are
deleted afterwards unless --keep.
"""

import argparse
import cProfile
import io
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "tpbis.settings"
# The photos go to a folder of their own, deleted afterwards.
MEDIA = os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="tpbis-bench-media-")

import django  # noqa: E402

django.setup()

import pikepdf  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Model  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from participants.models import (  # noqa: E402
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    Participant,
)
from programs.models import Programme  # noqa: E402
from reports.closing import render_closing_report  # noqa: E402
from reports.models import ClosingReport  # noqa: E402
from visits.models import Assignment, SessionPhoto  # noqa: E402

DEMO_SLUG = "tpbis-2023"
# What participants write in the free-text question, in either language.
TEXT_ANSWERS = [
    "Start a reading corner with the village council.",
    "Train our librarians in community facilitation.",
    "Share the action plan with the provincial office.",
    "Mengadakan pelatihan literasi digital untuk warga desa.",
    "Bring the idea of library-based livelihood programmes home.",
    "Membuka perpustakaan untuk kegiatan kelompok perempuan.",
    "Measure the impact of our programmes, as shown in Bogor.",
    "Work with schools and mosques to reach more readers.",
]
# The ratings given, in turn: most of them good, a few poor.
RATINGS = [5, 4, 5, 4, 3, 5, 4, 5, 2, 4]
PHOTO_CAPTIONS = [
    "Delegates at the opening ceremony",
    "Panel on TPBIS strategies",
    "Children's corner at Rawa Binong",
    "Workshop on community-based programmes",
    "Presentation of country action plans",
    "Group photo at the closing ceremony",
]
OTHER_PHOTOGRAPHERS = ["Dimas Haryo", "Lina Kusuma"]


def _copies(rows: Iterable[Model], **changes) -> list[Model]:
    """`rows` saved again as new rows, with `changes`, in one query: the instances become the
    copies (in order), the originals stay in the database."""
    copies = list(rows)
    for row in copies:
        row.pk = None
        for name, value in changes.items():
            setattr(row, name, value)
    return type(copies[0]).objects.bulk_create(copies) if copies else []


def _photo(number: int) -> ContentFile:
    """A JPEG of 1600 × 1067 pixels that is not a flat colour: about 60 KB."""
    image = Image.merge(
        "RGB",
        [
            Image.linear_gradient("L").resize((1600, 1067)),
            Image.radial_gradient("L").resize((1600, 1067)),
            Image.linear_gradient("L").rotate(90 + 30 * number).resize((1600, 1067)),
        ],
    )
    draw = ImageDraw.Draw(image)
    for step in range(12):
        left = (number * 97 + step * 131) % 1400
        draw.ellipse((left, 80 * step, left + 200, 80 * step + 160), fill=(200, 120, 40 + step))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name="photo.jpg")


@transaction.atomic
def make_programme(n: int, photos: int) -> tuple[Programme, str]:
    """The demo copied with `n` participants; returns it and the e-mail prefix of its accounts."""
    demo = Programme.objects.filter(slug=DEMO_SLUG).first()
    if demo is None:
        sys.exit("No demo programme: run `manage.py migrate` and `manage.py loaddemo` first.")
    tag = uuid.uuid4().hex[:8]
    people = list(
        demo.participants.order_by("pk").values(
            "category",
            "status",
            "full_name",
            "full_name_latin",
            "gender",
            "country_id",
            "province_id",
            "region",
            "position",
            "institution",
        )
    )
    demo_report = ClosingReport.objects.get(programme=demo)
    demo_quotes = list(demo_report.quotes.all())
    questions = list(demo.evaluation_questions.order_by("position", "pk"))
    sessions = list(demo.sessions.order_by("starts_at"))
    [programme] = _copies([demo], slug=f"bench-closing-{tag}", short_name_en=f"Bench {tag}")
    [report] = _copies([demo_report], programme=programme)
    _copies(demo_quotes, report=report)
    questions = _copies(questions, programme=programme)
    sessions = _copies(sessions, programme=programme)

    prefix = f"bench-closing-{tag}-"
    unusable = make_password(None)  # no one signs in with these accounts
    # Most delegates have an account: they are the ones asked to evaluate the programme.
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(email=f"{prefix}{number}@example.org", password=unusable)
            for number in range(n)
            if number % 10
        ]
    )
    accounts = iter(users)
    participants = Participant.objects.bulk_create(
        [
            Participant(
                programme=programme,
                email=f"{prefix}{number}@example.org",
                badge_code=uuid.uuid4().hex,
                user=next(accounts) if number % 10 else None,
                **people[number % len(people)],
            )
            for number in range(n)
        ]
    )
    # Everyone is booked on every item; a few were absent, a few were not recorded.
    Assignment.objects.bulk_create(
        [
            Assignment(
                session=session,
                participant=person,
                attended=None if (number + index) % 41 == 0 else (number + index) % 17 != 0,
                attendance_recorded_at=None if (number + index) % 41 == 0 else session.ends_at,
            )
            for index, session in enumerate(sessions)
            for number, person in enumerate(participants)
        ],
        batch_size=2000,
    )
    # Two thirds of those asked answered the evaluation; one in four wrote a free-text answer.
    responses = EvaluationResponse.objects.bulk_create(
        [
            EvaluationResponse(participant=person)
            for number, person in enumerate(participants)
            if person.user_id and number % 10 < 7
        ]
    )
    answers = []
    for number, response in enumerate(responses):
        for question in questions:
            if question.kind == EvaluationQuestion.Kind.RATING:
                rating = RATINGS[number % len(RATINGS)]
                answers.append(
                    EvaluationAnswer(response=response, question=question, rating=rating)
                )
            elif question.kind == EvaluationQuestion.Kind.CHOICE:
                options = question.choice_list
                text = options[number * number % len(options)]
                answers.append(EvaluationAnswer(response=response, question=question, text=text))
            elif number % 4 == 0:
                text = f"{TEXT_ANSWERS[number // 4 % len(TEXT_ANSWERS)]} ({number // 4})"
                answers.append(EvaluationAnswer(response=response, question=question, text=text))
    EvaluationAnswer.objects.bulk_create(answers, batch_size=2000)

    for number in range(photos):
        session = sessions[number * len(sessions) // max(photos, 1)]
        SessionPhoto.objects.create(
            session=session,
            image=_photo(number),
            caption=PHOTO_CAPTIONS[number % len(PHOTO_CAPTIONS)],
            photographer=(
                OTHER_PHOTOGRAPHERS[number % 2] if number % 4 == 3 else report.photographer
            ),
            taken_at=session.starts_at,
            consent_to_publish=True,
        )
    return programme, prefix


def page_count(data: bytes) -> int:
    with pikepdf.open(io.BytesIO(data)) as document:
        return len(document.pages)


def timed_render(programme: Programme, language: str) -> tuple[float, float, bytes]:
    """Wall and CPU seconds of one render as the job does it, and the PDF."""
    wall, cpu = time.perf_counter(), time.process_time()
    data = render_closing_report(programme, language=language)
    return time.perf_counter() - wall, time.process_time() - cpu, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="participants (default 1000)")
    parser.add_argument("--renders", type=int, default=5, help="timed renders per language")
    parser.add_argument("--languages", default="en,id", help="comma-separated (default en,id)")
    parser.add_argument("--photos", type=int, default=12, help="published photos (default 12)")
    parser.add_argument("--keep", action="store_true", help="keep the programme afterwards")
    parser.add_argument("--profile", action="store_true", help="profile one more render")
    parser.add_argument("--out", type=Path, help="write the last PDF of each language here")
    args = parser.parse_args()
    # As in production: with DEBUG on, Django also formats and keeps every SQL statement.
    settings.DEBUG = False
    languages = [code.strip() for code in args.languages.split(",") if code.strip()]

    programme = None
    try:
        programme, prefix = make_programme(args.n, args.photos)
        print(
            f"Database: {connection.vendor}; {args.n} participants, "
            f"{programme.sessions.count()} agenda items, {args.photos} photos; "
            f"{args.renders} renders per language after one each to warm up"
        )
        for code in languages:
            timed_render(programme, code)
        walls: dict[str, list[float]] = {code: [] for code in languages}
        cpus: dict[str, list[float]] = {code: [] for code in languages}
        last: dict[str, bytes] = {}
        for _round in range(args.renders):
            for code in languages:
                wall, cpu, last[code] = timed_render(programme, code)
                walls[code].append(wall)
                cpus[code].append(cpu)
        for code in languages:
            print(
                f"{code}: median {statistics.median(walls[code]):.2f} s wall "
                f"({statistics.median(cpus[code]):.2f} s CPU), best {min(walls[code]):.2f} s "
                f"({min(cpus[code]):.2f} s CPU); {page_count(last[code])} pages, "
                f"{len(last[code]) / 1024:.0f} KB"
            )
            if args.out:
                args.out.mkdir(parents=True, exist_ok=True)
                (args.out / f"closing-report-{args.n}-{code}.pdf").write_bytes(last[code])
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            render_closing_report(programme, language=languages[0])
            profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(40)
            stats.sort_stats("tottime").print_stats(30)
    finally:
        if args.keep and programme:
            print(f"Kept programme {programme.slug}; its photos are in {MEDIA}")
        else:
            if programme:
                programme.delete()
                get_user_model().objects.filter(email__startswith=prefix).delete()
            shutil.rmtree(MEDIA, ignore_errors=True)


if __name__ == "__main__":
    main()
