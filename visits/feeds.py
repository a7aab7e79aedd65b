"""A delegate's personal agenda: entries for their page and an iCalendar (RFC 5545) feed.

`personal_agenda` gathers a participant's items with place, group, vehicle, speakers and
materials in a fixed number of queries; `now_and_next` says which of them are on now and
next, and `build_feed` turns the same entries into a subscribable calendar.

Nothing is cached: the feed is built directly, and calendar apps that poll it get "not
modified" from `feed_validator`, one aggregate query over the rows the feed shows.

The feed is written in English, the programme's working language, with the Indonesian title
and description added when the organisers gave them: calendar apps fetch feeds without telling
us the reader's language, and a delegate's calendar should not change language between
refreshes.
"""

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from itertools import groupby

from django.db import connections, models, router
from django.db.models import Count, F, Max
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone, translation
from icalendar import (
    Calendar,
    Event,
    Timezone,
    vCategory,
    vDDDTypes,
    vGeo,
    vInt,
    vText,
    vUri,
)

from participants.models import Participant
from programs.models import Programme

from .models import Assignment, Session, SessionMaterial, Site, Vehicle, VisitGroup

PRODID = "-//TPBIS//Personal agenda//EN"
# Subscribers are asked to refresh hourly; the response itself may be cached for five minutes.
REFRESH_INTERVAL = timedelta(hours=1)


# What the agenda page, the feed and the agenda PDF show of each row, by the lookup from a
# booking: reading only these columns spares parsing a dozen timestamps per row.
AGENDA_FIELDS: dict[str, tuple[type[models.Model], set[str]]] = {
    "": (Assignment, {"id", "session_id", "group_id", "vehicle_id"}),
    "session__": (
        Session,
        {
            "id",
            "programme_id",
            "kind",
            "title_en",
            "title_id",
            "description_en",
            "description_id",
            "starts_at",
            "ends_at",
            "site_id",
            "room",
            "speakers",
            "departure_point",
            "departs_at",
            "returns_at",
            "cancelled_at",
            "updated_at",
            "revision",
        },
    ),
    "session__site__": (
        Site,
        {"id", "name", "address", "district", "city", "latitude", "longitude"},
    ),
    "group__": (VisitGroup, {"id", "name", "guide_name", "guide_phone"}),
    "vehicle__": (Vehicle, {"id", "name", "plate"}),
}
# Each model's columns in the order of its fields, which `Model.from_db` expects.
_AGENDA_COLUMNS = [
    (prefix, model, [f.attname for f in model._meta.concrete_fields if f.attname in names])
    for prefix, (model, names) in AGENDA_FIELDS.items()
]


@dataclass
class AgendaEntry:
    """One item of a delegate's agenda, with what is personal to them."""

    session: Session
    group: VisitGroup | None
    vehicle: Vehicle | None
    speaker_names: list[str] = field(default_factory=list)
    materials: list[SessionMaterial] = field(default_factory=list)

    @property
    def is_cancelled(self) -> bool:
        return self.session.cancelled_at is not None


# Values no row has, standing for the one parameter of a query compiled once.
_STAND_IN_ID = -7203519
_STAND_IN_TOKEN = "stands-for-the-feed-token"  # noqa: S105 - not a credential

# The queries of every agenda page and feed, whose SQL costs more to compile than to run:
# each is compiled once per process and database (see `_compiled`). The participant's
# bookings in their programme with what `AGENDA_FIELDS` lists; the speakers who are
# participants, in name order, and the materials, in title order, of their items (gathered
# by hand rather than with `prefetch_related`, which builds a queryset per item).
_ONCE_COMPILED = {
    "speakers": lambda: Participant.objects.filter(
        sessions_as_speaker__in=Assignment.objects.filter(participant_id=_STAND_IN_ID).values(
            "session_id"
        )
    ).values_list("sessions_as_speaker", "full_name", "full_name_latin"),
    "bookings": lambda: (
        Assignment.objects.filter(participant_id=_STAND_IN_ID)
        .filter(session__programme=F("participant__programme"))
        .values_list(
            *(prefix + name for prefix, _model, names in _AGENDA_COLUMNS for name in names)
        )
        .order_by("session__starts_at", "session__title_en", "session_id")
    ),
    "materials": lambda: SessionMaterial.objects.filter(
        session__in=Assignment.objects.filter(participant_id=_STAND_IN_ID).values("session_id")
    ).values_list("id", "session_id", "title"),
    # The owner of a feed with its validator, each column named (see `feed_version`).
    "feed": lambda: (
        Participant.objects.filter(feed_token=_STAND_IN_TOKEN)
        .values(
            owner=F("pk"),
            **_FEED_VALIDATOR,
            **{f"programme_{name}": F(f"programme__{name}") for name in FEED_PROGRAMME_FIELDS},
        )
        .order_by()
    ),
}


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple
    stand_in_at: int
    compiler: SQLCompiler
    # The database's conversions of the values read (dates on SQLite, for instance).
    converters: dict
    # The names of the columns given one (`values(name=...)`).
    names: list[str | None]


@lru_cache(maxsize=16)
def _compiled(name: str, alias: str) -> _Statement:
    """The query `name` as the ORM compiles it for the database `alias`."""
    compiler = _ONCE_COMPILED[name]().query.get_compiler(alias)
    sql, params = compiler.as_sql()
    stand_in_at = next(
        at
        for at, param in enumerate(params)
        if type(param) in (int, str) and param in (_STAND_IN_ID, _STAND_IN_TOKEN)
    )
    columns = [column for column, _sql, _alias in compiler.select]
    return _Statement(
        sql=sql,
        params=tuple(params),
        stand_in_at=stand_in_at,
        compiler=compiler,
        converters=compiler.get_converters(columns),
        names=[alias for _column, _sql, alias in compiler.select],
    )


def _run_compiled(name: str, value: int | str) -> list[tuple]:
    """The rows of the query `name` for `value`, as its `values_list` gives them."""
    alias = router.db_for_read(Participant)
    statement = _compiled(name, alias)
    at = statement.stand_in_at
    with connections[alias].cursor() as cursor:
        cursor.execute(statement.sql, [*statement.params[:at], value, *statement.params[at + 1 :]])
        rows = cursor.fetchall()
    if statement.converters:
        rows = list(statement.compiler.apply_converters(rows, statement.converters))
    return rows


def _bookings(participant: Participant) -> list[Assignment]:
    """The participant's bookings in their programme, in order, with their item, its site,
    their group and vehicle: what `select_related` would give, from one query compiled once."""
    bookings = []
    for row in _run_compiled("bookings", participant.pk):
        objects: dict[str, models.Model | None] = {}
        start = 0
        for prefix, model, names in _AGENDA_COLUMNS:
            values = row[start : start + len(names)]
            start += len(names)
            # A booking without a group, or an item without a site: the columns are null.
            objects[prefix] = None if values[0] is None else model.from_db(None, names, values)
        booking, session = objects[""], objects["session__"]
        session.site = objects["session__site__"]
        booking.session, booking.group, booking.vehicle = (
            session,
            objects["group__"],
            objects["vehicle__"],
        )
        bookings.append(booking)
    return bookings


def personal_agenda(participant: Participant, *, with_materials: bool = True) -> list[AgendaEntry]:
    """The participant's items, cancelled ones included, in order: three queries.

    Queries: the assignments with their item, site, group and vehicle; the speakers who are
    participants; the materials (skipped with `with_materials=False`).
    """
    assignments = _bookings(participant)
    speakers: dict[int, list[str]] = defaultdict(list)
    materials: dict[int, list[SessionMaterial]] = defaultdict(list)
    if assignments:
        for item_id, full_name, full_name_latin in _run_compiled("speakers", participant.pk):
            person = Participant.from_db(
                None, ["full_name", "full_name_latin"], [full_name, full_name_latin]
            )
            speakers[item_id].append(person.display_name)
        if with_materials:
            for row in _run_compiled("materials", participant.pk):
                # `from_db` takes the values in the order of the model's fields.
                material = SessionMaterial.from_db(None, ["id", "session_id", "title"], row)
                materials[material.session_id].append(material)
    entries = []
    for assignment in assignments:
        session = assignment.session
        names = [session.speakers] if session.speakers else []
        entries.append(
            AgendaEntry(
                session=session,
                group=assignment.group,
                vehicle=assignment.vehicle,
                speaker_names=names + speakers[session.pk],
                materials=materials[session.pk],
            )
        )
    return entries


@dataclass(frozen=True)
class NowAndNext:
    """The entries under way at a moment, and the next ones to start."""

    under_way: list[AgendaEntry]
    upcoming: list[AgendaEntry]


def now_and_next(entries: list[AgendaEntry], *, now: datetime) -> NowAndNext:
    """The entries under way at `now`, and the next ones to start, in the entries' order.

    Cancelled items are never either. Several items may be "now" (parallel sessions) and
    several "next" when they start at the same time.
    """
    live = [entry for entry in entries if not entry.is_cancelled]
    next_start = min((e.session.starts_at for e in live if e.session.starts_at > now), default=None)
    return NowAndNext(
        under_way=[e for e in live if e.session.starts_at <= now < e.session.ends_at],
        upcoming=[e for e in live if e.session.starts_at == next_start],
    )


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


def _description(entry: AgendaEntry, kind: str, tz: tzinfo, agenda_url: str) -> str:
    session = entry.session
    lines = [kind]
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
            at = session.departs_at.astimezone(tz).strftime("%H:%M")
            departure = f"{departure} at {at}" if departure else at
        details.append(f"Departure: {departure}")
    if session.returns_at:
        details.append(f"Return: {session.returns_at.astimezone(tz).strftime('%H:%M')}")
    if details:
        lines += ["", *details]
    lines += ["", f"My agenda: {agenda_url}"]
    return "\n".join(lines)


@dataclass(frozen=True)
class _Shared:
    """What every event of one feed has in common, encoded once."""

    tz: tzinfo
    uid_domain: str
    agenda_url: str
    stamp: vDDDTypes
    url: vUri
    # English labels of the item kinds, as categories and as text.
    kinds: dict[str, tuple[vCategory, str]]


_CONFIRMED = vText("CONFIRMED")
_CANCELLED = vText("CANCELLED")


def _event(entry: AgendaEntry, shared: _Shared) -> Event:
    """One VEVENT, its properties made from icalendar's own value types: `Event.add` would
    infer each type again for every event."""
    session = entry.session
    category, kind = shared.kinds[session.kind]
    event = Event()
    # The UID never changes for an item, so an edit updates the subscriber's copy in place;
    # SEQUENCE (the item's revision) tells the calendar which copy is newer.
    event["UID"] = vText(f"session-{session.pk}@{shared.uid_domain}")
    event["DTSTAMP"] = shared.stamp
    event["DTSTART"] = vDDDTypes(session.starts_at.astimezone(shared.tz))
    event["DTEND"] = vDDDTypes(session.ends_at.astimezone(shared.tz))
    title = session.title_en
    # Many calendar apps ignore STATUS on subscribed feeds: say it in the title too.
    event["SUMMARY"] = vText(f"Cancelled: {title}" if entry.is_cancelled else title)
    if location := _location(session):
        event["LOCATION"] = vText(location)
    event["DESCRIPTION"] = vText(_description(entry, kind, shared.tz, shared.agenda_url))
    site = session.site
    if site and site.latitude is not None and site.longitude is not None:
        event["GEO"] = vGeo((float(site.latitude), float(site.longitude)))
    event["CATEGORIES"] = category
    event["SEQUENCE"] = vInt(session.revision)
    event["LAST-MODIFIED"] = vDDDTypes(session.updated_at.astimezone(UTC))
    event["STATUS"] = _CANCELLED if entry.is_cancelled else _CONFIRMED
    event["URL"] = shared.url
    return event


# RFC 5545 folds content lines of 75 octets or more; shorter ones stay as they are.
_FOLD_AT = 75


def _serialised(calendar: Calendar) -> bytes:
    """The calendar as `Calendar.to_ical()` makes it, properties in the order added.

    icalendar folds every line character by character, which is most of a feed's cost; most
    lines are short and come out unchanged, so only the long ones go through its folding.
    """
    lines = []
    for line in calendar.content_lines(sorted=False):
        if not line:
            continue
        encoded = line.encode()
        lines.append(encoded if len(encoded) < _FOLD_AT else line.to_ical())
    lines.append(b"")
    return b"\r\n".join(lines)


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
        kinds = {
            value: (vCategory([str(label)]), str(label)) for value, label in Session.Kind.choices
        }
    calendar.add("x-wr-timezone", programme.time_zone)
    # Outlook's name for REFRESH-INTERVAL.
    calendar.add("x-published-ttl", "PT1H")
    years = [programme.start_date.year, programme.end_date.year]
    years += [entry.session.starts_at.year for entry in entries[:1] + entries[-1:]]
    calendar.add_component(_vtimezone(programme.time_zone, min(years) - 1, max(years) + 1))
    shared = _Shared(
        tz=programme.tzinfo,
        uid_domain=uid_domain,
        agenda_url=agenda_url,
        stamp=vDDDTypes(now.astimezone(UTC)),
        url=vUri(agenda_url),
        kinds=kinds,
    )
    for entry in entries:
        calendar.add_component(_event(entry, shared))
    return _serialised(calendar)


# The programme's fields that the feed shows.
FEED_PROGRAMME_FIELDS = ("time_zone", "short_name_en", "start_date", "end_date")

# What the feed's validator is made of: the number of bookings, of the groups and vehicles on
# them and of the speakers of the booked items (so that a removal shows), and the latest
# `updated_at` of every row the feed shows: bookings, items, sites, groups, vehicles and
# speakers. Edits through the models' `save()` set `updated_at`; writes in bulk set it too.
_FEED_VALIDATOR = {
    "feed_bookings": Count("assignments", distinct=True),
    "feed_groups": Count("assignments__group", distinct=True),
    "feed_vehicles": Count("assignments__vehicle", distinct=True),
    "feed_speakers": Count("assignments__session__speaker_participants"),
    "feed_bookings_updated": Max("assignments__updated_at"),
    "feed_items_updated": Max("assignments__session__updated_at"),
    "feed_sites_updated": Max("assignments__session__site__updated_at"),
    "feed_groups_updated": Max("assignments__group__updated_at"),
    "feed_vehicles_updated": Max("assignments__vehicle__updated_at"),
    "feed_speakers_updated": Max("assignments__session__speaker_participants__updated_at"),
}


def feed_version(token: str) -> tuple[int, tuple] | None:
    """The owner of the feed `token` and a value that changes whenever anything their feed
    shows changes (None for an unknown token): one query, compiled once.

    The value is made of `_FEED_VALIDATOR` and the programme's `FEED_PROGRAMME_FIELDS`, so the
    feed's ETag is made from it and an unchanged feed is answered "not modified" without
    reading the agenda.
    """
    rows = _run_compiled("feed", token)
    if not rows:
        return None
    values = dict(
        zip(_compiled("feed", router.db_for_read(Participant)).names, rows[0], strict=True)
    )
    return values.pop("owner"), tuple(sorted(values.items()))


def feed_owner(participant_id: int) -> Participant:
    """The participant with what their feed shows of their programme."""
    return (
        Participant.objects.select_related("programme")
        .only("programme_id", *(f"programme__{name}" for name in FEED_PROGRAMME_FIELDS))
        .get(pk=participant_id)
    )
