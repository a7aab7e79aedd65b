"""A delegate's personal agenda: entries for their page and an iCalendar (RFC 5545) feed.

`personal_agenda` gathers a participant's items with place, group, vehicle, speakers and
materials in a fixed number of queries; `now_and_next` says which of them are on now and
next, and `build_feed` turns the same entries into a subscribable calendar.

Rendering hundreds of items (in HTML or iCalendar) costs far more than reading them, and both
are read again and again unchanged, so the views cache what they render under the agenda's
version (`visits.models.agenda_version`), which every change to what they show replaces.

The feed is written in English, the programme's working language, with the Indonesian title
and description added when the organisers gave them: calendar apps fetch feeds without telling
us the reader's language, and a delegate's calendar should not change language between
refreshes.
"""

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import groupby

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone, translation
from icalendar import Calendar, Event, Timezone

from participants.models import Participant
from programs.models import Programme

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
class Span:
    """A stretch of time from `start` (included) to `end` (excluded); None is no bound."""

    start: datetime | None
    end: datetime | None

    def __contains__(self, moment: datetime) -> bool:
        return (self.start is None or self.start <= moment) and (
            self.end is None or moment < self.end
        )


@dataclass(frozen=True)
class NowAndNext:
    """The entries under way at a moment, the next ones to start, and how long that holds:
    nothing changes between two consecutive starts or ends of items."""

    under_way: list[AgendaEntry]
    upcoming: list[AgendaEntry]
    holds: Span


def now_and_next(entries: list[AgendaEntry], *, now: datetime) -> NowAndNext:
    """The entries under way at `now`, and the next ones to start, in the entries' order.

    Cancelled items are never either. Several items may be "now" (parallel sessions) and
    several "next" when they start at the same time.
    """
    live = [entry for entry in entries if not entry.is_cancelled]
    next_start = min((e.session.starts_at for e in live if e.session.starts_at > now), default=None)
    moments = {moment for e in live for moment in (e.session.starts_at, e.session.ends_at)}
    return NowAndNext(
        under_way=[e for e in live if e.session.starts_at <= now < e.session.ends_at],
        upcoming=[e for e in live if e.session.starts_at == next_start],
        holds=Span(
            max((moment for moment in moments if moment <= now), default=None),
            min((moment for moment in moments if moment > now), default=None),
        ),
    )


def mark_now_and_next(entries: list[AgendaEntry], now_and_next: NowAndNext) -> None:
    """Side effects: sets `is_now` and `is_next` on the entries."""
    under_way = {id(entry) for entry in now_and_next.under_way}
    upcoming = {id(entry) for entry in now_and_next.upcoming}
    for entry in entries:
        entry.is_now = id(entry) in under_way
        entry.is_next = id(entry) in upcoming


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
