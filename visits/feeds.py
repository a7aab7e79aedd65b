"""A delegate's personal agenda: entries for their page and an iCalendar (RFC 5545) feed.

`personal_agenda` gathers a participant's items with place, group, vehicle, speakers and
materials in a fixed number of queries; the page marks what is on now and next, and
`build_feed` turns the same entries into a subscribable calendar.

Rendering hundreds of items (in HTML or iCalendar) costs far more than reading them, and both
are read again and again unchanged, so the views cache what they render under
`agenda_digest`: a fingerprint of every value shown, computed by the database in one query.

The feed is written in English, the programme's working language, with the Indonesian title
and description added when the organisers gave them: calendar apps fetch feeds without telling
us the reader's language, and a delegate's calendar should not change language between
refreshes.
"""

import hashlib
import pickle
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import groupby

from django.db import connections, router
from django.db.models import Prefetch, Q, QuerySet, Subquery, prefetch_related_objects
from django.utils import timezone, translation
from icalendar import Calendar, Event, Timezone

from participants.models import Participant
from programs.models import Programme, in_current_language

from .models import Assignment, Session, SessionMaterial, Vehicle, VisitGroup

PRODID = "-//TPBIS//Personal agenda//EN"
# Subscribers are asked to refresh hourly; the response itself may be cached for five minutes.
REFRESH_INTERVAL = timedelta(hours=1)


@dataclass
class AgendaEntry:
    """One item of a delegate's agenda, with what is personal to them."""

    session: Session
    group: VisitGroup | None
    vehicle: Vehicle | None
    speaker_names: list[str] = field(default_factory=list)
    materials: list[SessionMaterial] = field(default_factory=list)
    is_now: bool = False
    is_next: bool = False

    @property
    def is_cancelled(self) -> bool:
        return self.session.cancelled_at is not None


def personal_agenda(participant: Participant, *, with_materials: bool = True) -> list[AgendaEntry]:
    """The participant's items, cancelled ones included, in order: three queries.

    Queries: the assignments with their item, site, group and vehicle; the speakers who are
    participants; the materials (skipped with `with_materials=False`).
    """
    assignments = list(
        Assignment.objects.filter(
            participant=participant, session__programme_id=participant.programme_id
        )
        .select_related("session", "session__site", "group", "vehicle")
        .order_by("session__starts_at", "session__title_en", "session_id")
    )
    sessions = [assignment.session for assignment in assignments]
    lookups: list[Prefetch] = [
        Prefetch(
            "speaker_participants",
            queryset=Participant.objects.only("id", "full_name", "full_name_latin"),
        )
    ]
    if with_materials:
        lookups.append(
            Prefetch(
                "materials", queryset=SessionMaterial.objects.only("id", "session_id", "title")
            )
        )
    prefetch_related_objects(sessions, *lookups)
    entries = []
    for assignment in assignments:
        session = assignment.session
        speakers = [session.speakers] if session.speakers else []
        speakers += [person.display_name for person in session.speaker_participants.all()]
        entries.append(
            AgendaEntry(
                session=session,
                group=assignment.group,
                vehicle=assignment.vehicle,
                speaker_names=speakers,
                materials=list(session.materials.all()) if with_materials else [],
            )
        )
    return entries


@dataclass(frozen=True)
class TimelineItem:
    """An item's times and title: enough to say what is on now and next."""

    session_id: int
    title_en: str
    title_id: str
    starts_at: datetime
    ends_at: datetime

    @property
    def title(self) -> str:
        return in_current_language(self.title_en, self.title_id)


@dataclass(frozen=True)
class NowAndNext:
    under_way: list[TimelineItem]
    upcoming: list[TimelineItem]

    @property
    def session_ids(self) -> tuple[list[int], list[int]]:
        return [i.session_id for i in self.under_way], [i.session_id for i in self.upcoming]


def _now_and_next_query(participant_id: int, programme_id: int, now: datetime) -> QuerySet:
    booked = Session.objects.filter(
        assignments__participant_id=participant_id,
        programme_id=programme_id,
        cancelled_at__isnull=True,
    )
    next_start = booked.filter(starts_at__gt=now).order_by("starts_at").values("starts_at")[:1]
    return (
        booked.filter(Q(starts_at__lte=now, ends_at__gt=now) | Q(starts_at=Subquery(next_start)))
        .order_by("starts_at", "title_en", "pk")
        .values_list("pk", "title_en", "title_id", "starts_at", "ends_at")
    )


def now_and_next(participant: Participant, *, now: datetime) -> NowAndNext:
    """The participant's items under way at `now`, and the next ones to start: one query.

    Cancelled items are never either. Several items may be "now" (parallel sessions) and
    several "next" when they start at the same time.
    """
    connection = connections[router.db_for_read(Session)]
    if connection.vendor == "postgresql":
        statement, slots = _now_and_next_statement(connection.alias)
        with connection.cursor() as cursor:
            cursor.execute(statement, _bind(slots, participant, now=now))
            rows = cursor.fetchall()
    else:
        rows = list(_now_and_next_query(participant.pk, participant.programme_id, now))
    items = [TimelineItem(*row) for row in rows]
    return NowAndNext(
        under_way=[item for item in items if item.starts_at <= now],
        upcoming=[item for item in items if item.starts_at > now],
    )


def mark_now_and_next(entries: list[AgendaEntry], now_and_next: NowAndNext) -> None:
    """Side effects: sets `is_now` and `is_next` on the entries."""
    under_way, upcoming = now_and_next.session_ids
    for entry in entries:
        entry.is_now = entry.session.pk in under_way
        entry.is_next = entry.session.pk in upcoming


# Every value the agenda page or the feed shows about an item booked for the delegate. The
# rendered page and feed are cached under a digest of these values, so that a change to any
# of them shows at once: whatever the page or the feed starts to show must be listed here.
SHOWN_COLUMNS = (
    "id",
    "group_id",
    "vehicle_id",
    "session_id",
    "session__title_en",
    "session__title_id",
    "session__starts_at",
    "session__ends_at",
    "session__cancelled_at",
    "session__kind",
    "session__description_en",
    "session__description_id",
    "session__room",
    "session__speakers",
    "session__departure_point",
    "session__departs_at",
    "session__returns_at",
    "session__updated_at",
    "session__revision",
    "session__site_id",
    "session__site__name",
    "session__site__address",
    "session__site__district",
    "session__site__city",
    "session__site__latitude",
    "session__site__longitude",
    "group__name",
    "group__guide_name",
    "group__guide_phone",
    "vehicle__name",
    "vehicle__plate",
)


def _shown_querysets(participant_id: int, programme_id: int) -> list[QuerySet]:
    """The values the agenda shows: booked items, speakers' names, materials' titles."""
    assignments = Assignment.objects.filter(
        participant_id=participant_id, session__programme_id=programme_id
    )
    session_ids = assignments.values("session_id")
    return [
        assignments.order_by().values_list(*SHOWN_COLUMNS),
        Session.speaker_participants.through.objects.filter(session_id__in=session_ids)
        .order_by()
        .values_list("session_id", "participant__full_name", "participant__full_name_latin"),
        SessionMaterial.objects.filter(session_id__in=session_ids)
        .order_by()
        .values_list("session_id", "pk", "title"),
    ]


def agenda_digest(participant: Participant) -> str:
    """A fingerprint of everything the participant's agenda page and feed show: one query.

    It changes whenever an item is booked or unbooked or anything shown about one changes,
    even through bulk updates that leave `updated_at` alone. PostgreSQL computes it without
    sending the rows; other databases send them and Python hashes them (three queries).
    """
    programme = participant.programme
    connection = connections[router.db_for_read(Assignment)]
    if connection.vendor == "postgresql":
        statement, slots = _digest_statement(connection.alias)
        with connection.cursor() as cursor:
            cursor.execute(statement, _bind(slots, participant))
            digest = cursor.fetchone()[0]
    else:
        shown = _shown_querysets(participant.pk, participant.programme_id)
        rows = [sorted(queryset, key=repr) for queryset in shown]
        digest = hashlib.blake2b(pickle.dumps(rows, protocol=5), digest_size=16).hexdigest()
    setting = (programme.pk, programme.slug, programme.time_zone, programme.short_name_en)
    return hashlib.blake2b(f"{setting}|{digest}".encode(), digest_size=16).hexdigest()


# Stand-ins for the values of the statements below while they are compiled: the agenda page
# runs them on every request, and compiling them costs more than running them.
_PARTICIPANT, _PROGRAMME = -730_100_001, -730_100_002
_NOW = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)


def _bind(slots: tuple, participant: Participant, now: datetime | None = None) -> list:
    values = {_PARTICIPANT: participant.pk, _PROGRAMME: participant.programme_id, _NOW: now}
    return [values[slot] for slot in slots]


def _compile(alias: str, queryset: QuerySet) -> tuple[str, list]:
    sql, params = queryset.query.get_compiler(using=alias).as_sql()
    if any(param not in (_PARTICIPANT, _PROGRAMME, _NOW) for param in params):
        raise ValueError(f"A statement compiled once has other parameters: {params}")
    return sql, list(params)


@lru_cache(maxsize=4)
def _now_and_next_statement(alias: str) -> tuple[str, tuple]:
    """`_now_and_next_query` for PostgreSQL, with the stand-in behind each parameter."""
    sql, slots = _compile(alias, _now_and_next_query(_PARTICIPANT, _PROGRAMME, _NOW))
    return sql, tuple(slots)


@lru_cache(maxsize=4)
def _digest_statement(alias: str) -> tuple[str, tuple]:
    """The agenda's digest for PostgreSQL, with the stand-in behind each parameter.

    Each row the agenda shows is hashed as text (NULLs included), in a fixed order so that
    the digest does not depend on the rows' order. Only SQL built by the ORM goes into the
    statement; values travel as parameters.
    """
    parts, slots = [], []
    for queryset in _shown_querysets(_PARTICIPANT, _PROGRAMME):
        sql, params = _compile(alias, queryset)
        rows = f"SELECT string_agg(r::text, ',' ORDER BY r::text COLLATE \"C\") FROM ({sql}) AS r"  # noqa: S608
        parts.append(f"coalesce(({rows}), '')")
        slots.extend(params)
    return "SELECT md5(" + " || '|' || ".join(parts) + ")", tuple(slots)


def entries_by_day(
    programme: Programme, entries: list[AgendaEntry]
) -> list[tuple[date, list[AgendaEntry]]]:
    """Entries grouped by their calendar day in the programme's time zone."""
    tz = programme.tzinfo
    return [
        (day, list(items))
        for day, items in groupby(
            entries, key=lambda entry: timezone.localtime(entry.session.starts_at, tz).date()
        )
    ]


def issue_feed_token(*, participant: Participant) -> str:
    """Give the participant a new secret calendar feed address.

    Side effects: replaces and saves `participant.feed_token`, so the previous address stops
    working at once.
    """
    participant.feed_token = secrets.token_urlsafe(32)
    participant.save(update_fields=["feed_token", "updated_at"])
    return participant.feed_token


@lru_cache(maxsize=64)
def _vtimezone(tz_name: str, first_year: int, last_year: int) -> Timezone:
    # Computing transitions is slow: once per zone and span, per process.
    return Timezone.from_tzid(
        tz_name, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    )


def _location(session: Session) -> str:
    site = session.site
    parts = [site.name] if site else []
    if session.room:
        parts.append(session.room)
    if site:
        parts += [part for part in (site.address, site.district, site.city) if part]
    return ", ".join(parts)


def _description(entry: AgendaEntry, programme: Programme, agenda_url: str) -> str:
    session = entry.session
    tz = programme.tzinfo
    lines = [str(session.get_kind_display())]
    if entry.is_cancelled:
        lines.append("This item has been cancelled.")
    if session.title_id:
        lines.append(f"Bahasa Indonesia: {session.title_id}")
    if session.description_en:
        lines += ["", session.description_en]
    if session.description_id:
        lines += ["", session.description_id]
    details = []
    if entry.speaker_names:
        details.append("Speakers: " + "; ".join(entry.speaker_names))
    if entry.group:
        guide = f" (guide: {entry.group.guide_name})" if entry.group.guide_name else ""
        details.append(f"Group: {entry.group.name}{guide}")
    if entry.vehicle:
        plate = f" ({entry.vehicle.plate})" if entry.vehicle.plate else ""
        details.append(f"Vehicle: {entry.vehicle.name}{plate}")
    if session.departure_point or session.departs_at:
        departure = session.departure_point
        if session.departs_at:
            at = timezone.localtime(session.departs_at, tz).strftime("%H:%M")
            departure = f"{departure} at {at}" if departure else at
        details.append(f"Departure: {departure}")
    if session.returns_at:
        details.append(f"Return: {timezone.localtime(session.returns_at, tz).strftime('%H:%M')}")
    if details:
        lines += ["", *details]
    lines += ["", f"My agenda: {agenda_url}"]
    return "\n".join(lines)


def _event(
    entry: AgendaEntry, programme: Programme, *, uid_domain: str, agenda_url: str, now: datetime
) -> Event:
    session = entry.session
    tz = programme.tzinfo
    event = Event()
    # The UID never changes for an item, so an edit updates the subscriber's copy in place;
    # SEQUENCE (the item's revision) tells the calendar which copy is newer.
    event.add("uid", f"session-{session.pk}@{uid_domain}")
    event.add("dtstamp", now)
    event.add("dtstart", timezone.localtime(session.starts_at, tz))
    event.add("dtend", timezone.localtime(session.ends_at, tz))
    title = session.title_en
    # Many calendar apps ignore STATUS on subscribed feeds: say it in the title too.
    event.add("summary", f"Cancelled: {title}" if entry.is_cancelled else title)
    location = _location(session)
    if location:
        event.add("location", location)
    event.add("description", _description(entry, programme, agenda_url))
    site = session.site
    if site and site.latitude is not None and site.longitude is not None:
        event.add("geo", (float(site.latitude), float(site.longitude)))
    event.add("categories", [str(session.get_kind_display())])
    event.add("sequence", session.revision)
    event.add("last-modified", session.updated_at)
    event.add("status", "CANCELLED" if entry.is_cancelled else "CONFIRMED")
    event.add("url", agenda_url)
    return event


def build_feed(
    participant: Participant,
    entries: list[AgendaEntry],
    *,
    uid_domain: str,
    agenda_url: str,
    now: datetime,
) -> bytes:
    """The participant's agenda as an iCalendar document.

    Cancelled items stay in the feed with STATUS:CANCELLED so that subscribers remove them.
    """
    programme = participant.programme
    with translation.override("en"):
        calendar = Calendar.new(
            prodid=PRODID,
            method="PUBLISH",
            calscale="GREGORIAN",
            name=f"{programme.short_name_en} – my agenda",
            uid=f"agenda-{participant.pk}@{uid_domain}",
            refresh_interval=REFRESH_INTERVAL,
        )
        calendar.add("x-wr-timezone", programme.time_zone)
        # Outlook's name for REFRESH-INTERVAL.
        calendar.add("x-published-ttl", "PT1H")
        years = [programme.start_date.year, programme.end_date.year]
        years += [entry.session.starts_at.year for entry in entries[:1] + entries[-1:]]
        calendar.add_component(_vtimezone(programme.time_zone, min(years) - 1, max(years) + 1))
        for entry in entries:
            calendar.add_component(
                _event(entry, programme, uid_domain=uid_domain, agenda_url=agenda_url, now=now)
            )
    return calendar.to_ical()
