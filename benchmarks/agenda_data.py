"""Benchmark data for the delegate's agenda and calendar feed, loaded in bulk.

A programme of 300 items over five days (six parallel tracks of ten slots a day, one track
of site visits with group and vehicle), 2,000 participants booked on their track (50 items
each) and one delegate account booked on BENCH_DELEGATE_ITEMS items (default: all 300, the
worst case). Running it again reuses the data when it is complete.

Prints shell assignments for the load test: a fresh signed-in session for the delegate and
their calendar feed token.
"""

import os
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from importlib import import_module
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tpbis.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.db import transaction  # noqa: E402

from participants.models import Participant  # noqa: E402
from programs.models import MemberCountry, Programme  # noqa: E402
from visits.feeds import issue_feed_token  # noqa: E402
from visits.models import (  # noqa: E402
    Assignment,
    Session,
    SessionMaterial,
    Site,
    Vehicle,
    VisitGroup,
)

SLUG = "bench-agenda"
DAYS = 5
TRACKS = 6
SLOTS = 10
ITEMS = DAYS * TRACKS * SLOTS
PARTICIPANTS = 2000
DELEGATE_EMAIL = "bench-delegate@example.org"
DELEGATE_ITEMS = int(os.environ.get("BENCH_DELEGATE_ITEMS", ITEMS))
START = date(2025, 11, 10)
TZ = ZoneInfo("Asia/Jakarta")
VISIT_TRACK = TRACKS - 1


def is_complete(programme: Programme) -> bool:
    return (
        programme.sessions.count() == ITEMS
        and programme.participants.exclude(user__email=DELEGATE_EMAIL).count() == PARTICIPANTS
    )


def sites() -> list[Site]:
    return [
        Site.objects.update_or_create(
            name=f"Benchmark library {n}",
            city="Jakarta Pusat",
            defaults={
                "kind": Site.Kind.CITY_LIBRARY,
                "address": f"Jl. Medan Merdeka Selatan No. {n + 1}",
                "district": "Gambir",
                "latitude": Decimal("-6.181300") + Decimal(n) / 1000,
                "longitude": Decimal("106.827200"),
            },
        )[0]
        for n in range(TRACKS)
    ]


@transaction.atomic
def load() -> Programme:
    Programme.objects.filter(slug=SLUG).delete()
    programme = Programme.objects.create(
        slug=SLUG,
        title_en="Benchmark programme on inclusive libraries",
        title_local="Program tolok ukur perpustakaan inklusif",
        short_name_en="Benchmark",
        start_date=START,
        end_date=START + timedelta(days=DAYS - 1),
        time_zone="Asia/Jakarta",
        host_institution="National Library of the Republic of Indonesia",
        venue_city="Jakarta",
    )
    places = sites()
    sessions: list[tuple[int, Session]] = []
    for day in range(DAYS):
        for slot in range(SLOTS):
            starts = datetime.combine(START + timedelta(days=day), datetime.min.time(), TZ)
            starts += timedelta(hours=8, minutes=60 * slot)
            for track in range(TRACKS):
                visit = track == VISIT_TRACK
                sessions.append(
                    (
                        track,
                        Session(
                            programme=programme,
                            kind=Session.Kind.SITE_VISIT if visit else Session.Kind.LECTURE,
                            title_en=f"Day {day + 1}, track {track + 1}, slot {slot + 1}: "
                            "inclusive library services",
                            title_local=f"Hari {day + 1}, jalur {track + 1}, sesi {slot + 1}",
                            description_en="How community libraries reach people who never "
                            "came to a library before: outreach, partnerships and measuring "
                            "what changes in their lives.",
                            starts_at=starts,
                            ends_at=starts + timedelta(minutes=50),
                            site=places[track],
                            room=f"Room {track + 1}",
                            speakers="Resource person, Perpusnas",
                            departure_point="Main lobby" if visit else "",
                            departs_at=starts - timedelta(minutes=30) if visit else None,
                            returns_at=starts + timedelta(minutes=80) if visit else None,
                            revision=slot % 3,
                        ),
                    )
                )
    Session.objects.bulk_create([session for _track, session in sessions])
    visits = [session for track, session in sessions if track == VISIT_TRACK]
    groups = {
        g.session_id: g
        for g in VisitGroup.objects.bulk_create(
            VisitGroup(session=s, name="Group A", capacity=40, guide_name="Guide A") for s in visits
        )
    }
    vehicles = {
        v.session_id: v
        for v in Vehicle.objects.bulk_create(
            Vehicle(session=s, name="Bus 1", seats=40, plate="B 7123 TPB") for s in visits
        )
    }
    SessionMaterial.objects.bulk_create(
        SessionMaterial(session=s, title="Slides", url="https://example.org/slides.pdf")
        for _track, s in sessions
    )

    country = MemberCountry.objects.get_or_create(country="ID")[0]
    people = Participant.objects.bulk_create(
        Participant(
            programme=programme,
            category=Participant.Category.INTERNATIONAL,
            status=Participant.Status.CONFIRMED,
            full_name=f"Participant {n:04d}",
            country=country,
            email=f"bench-{n:04d}@example.org",
        )
        for n in range(PARTICIPANTS)
    )
    speakers = people[:12]
    Session.speaker_participants.through.objects.bulk_create(
        Session.speaker_participants.through(session=s, participant=speakers[n % 12])
        for n, (_track, s) in enumerate(sessions)
    )
    by_track: dict[int, list[Session]] = {}
    for track, session in sessions:
        by_track.setdefault(track, []).append(session)
    Assignment.objects.bulk_create(
        (
            Assignment(
                participant=person,
                session=session,
                group=groups.get(session.pk),
                vehicle=vehicles.get(session.pk),
            )
            for n, person in enumerate(people)
            for session in by_track[n % TRACKS]
        ),
        batch_size=5000,
    )
    return programme


@transaction.atomic
def book_delegate(programme: Programme) -> Participant:
    """The delegate account, booked on the first DELEGATE_ITEMS items (every track in turn)."""
    user, _created = get_user_model().objects.get_or_create(email=DELEGATE_EMAIL)
    delegate, _created = Participant.objects.get_or_create(
        programme=programme,
        user=user,
        defaults={
            "category": Participant.Category.INTERNATIONAL,
            "status": Participant.Status.CONFIRMED,
            "full_name": "Benchmark Delegate",
            "country": MemberCountry.objects.get_or_create(country="ID")[0],
            "email": DELEGATE_EMAIL,
        },
    )
    if delegate.assignments.count() != DELEGATE_ITEMS:
        delegate.assignments.all().delete()
        chosen = programme.sessions.order_by("starts_at", "pk")[:DELEGATE_ITEMS]
        Assignment.objects.bulk_create(
            Assignment(
                participant=delegate,
                session=session,
                group=next(iter(session.groups.all()), None),
                vehicle=next(iter(session.vehicles.all()), None),
            )
            for session in chosen.prefetch_related("groups", "vehicles")
        )
    return delegate


def signed_in_session(user) -> str:
    # The configured engine: in production, sessions are kept in the cache as well.
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def main() -> None:
    programme = Programme.objects.filter(slug=SLUG).first()
    if programme is None or not is_complete(programme):
        print("Loading benchmark data…", file=sys.stderr)
        programme = load()
    delegate = book_delegate(programme)
    token = delegate.feed_token or issue_feed_token(participant=delegate)
    items = delegate.assignments.count()
    print(f"SESSION_COOKIE='{settings.SESSION_COOKIE_NAME}={signed_in_session(delegate.user)}'")
    print(f"FEED_TOKEN='{token}'")
    print(f"DELEGATE_ITEMS='{items}'")


if __name__ == "__main__":
    main()
