"""A delegate's personal agenda: entries for their page and an iCalendar (RFC 5545) feed.

`personal_agenda` gathers a participant's items with place, group, vehicle, speakers and
materials in a fixed number of queries; `now_and_next` says which of them are on now and
next, and `build_feed` turns the same entries into a subscribable calendar.

Nothing is cached: the feed is built directly, and calendar apps that poll it get "not
modified" from `feed_validator`, one aggregate query over the rows the feed shows. The events
are written as text here, exactly as icalendar writes them.

The feed is written in English, the programme's working language, with the title and
description in the programme's own language added when the organisers gave them: calendar apps
fetch feeds without telling us the reader's language, and a delegate's calendar should not
change language between refreshes.
"""

import secrets
from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from functools import lru_cache
from itertools import groupby

from django.db.models import Count, F, Max
from django.utils import timezone, translation
from icalendar import (
    Calendar,
    Timezone,
    vDDDTypes,
)
from icalendar.parser import Contentline

from participants.models import Participant, by_readable_name, display_name
from programs.languages import language_info
from programs.models import Programme

from .models import Assignment, Session, SessionMaterial, Site

PRODID = "-//TPBIS//Personal agenda//EN"
# Subscribers are asked to refresh hourly; the response itself may be cached for five minutes.
REFRESH_INTERVAL = timedelta(hours=1)


@dataclass(slots=True)
class AgendaSite:
    """What an agenda shows of a site: a `Site`'s columns, read as plain values."""

    name: str
    address: str
    district: str
    city: str
    latitude: Decimal | None
    longitude: Decimal | None

    map_url = Site.map_url


@dataclass(slots=True)
class AgendaItem:
    """What an agenda shows of an item: a `Session`'s columns, read as plain values, with the
    model's own `title`, `description` and `is_cancelled`."""

    pk: int
    kind: str
    title_en: str
    title_local: str
    description_en: str
    description_local: str
    starts_at: datetime
    ends_at: datetime
    room: str
    speakers: str
    departure_point: str
    departs_at: datetime | None
    returns_at: datetime | None
    cancelled_at: datetime | None
    updated_at: datetime
    revision: int
    # The programme's language, which `title` and `description` read.
    content_language: str
    site: AgendaSite | None = None

    title = Session.title
    description = Session.description
    is_cancelled = Session.is_cancelled

    def get_kind_display(self) -> str:
        return str(Session.Kind(self.kind).label)


@dataclass(slots=True)
class AgendaGroup:
    """A site visit's group as the agenda shows it, with its guide."""

    name: str
    guide_name: str
    guide_phone: str


@dataclass(slots=True)
class AgendaVehicle:
    """The vehicle a delegate rides in, as the agenda shows it."""

    name: str
    plate: str


@dataclass(slots=True)
class AgendaMaterial:
    """A material of an item: its title, and its id for the download link."""

    pk: int
    title: str


@dataclass(slots=True)
class AgendaEntry:
    """One item of a delegate's agenda, with what is personal to them."""

    session: AgendaItem
    group: AgendaGroup | None
    vehicle: AgendaVehicle | None
    speaker_names: list[str] = field(default_factory=list)
    materials: list[AgendaMaterial] = field(default_factory=list)

    @property
    def is_cancelled(self) -> bool:
        return self.session.cancelled_at is not None


def _columns(cls: type, prefix: str, lookups: dict[str, str] | None = None) -> list[str]:
    """The lookups of a booking's columns that fill `cls`, field by field (`lookups` gives
    those of fields that are not the model's own)."""
    lookups = {"pk": prefix + "id", **(lookups or {})}
    return [lookups.get(f.name, prefix + f.name) for f in fields(cls) if f.name != "site"]


_ITEM_COLUMNS = _columns(
    AgendaItem, "session__", {"content_language": "session__programme__content_language"}
)
_SITE_COLUMNS = ["session__site_id", *_columns(AgendaSite, "session__site__")]
_GROUP_COLUMNS = ["group_id", *_columns(AgendaGroup, "group__")]
_VEHICLE_COLUMNS = ["vehicle_id", *_columns(AgendaVehicle, "vehicle__")]

# A participant's bookings as rows of plain values, in agenda order: built once and filtered
# for each agenda. Rows rather than model instances, and a query built once: with a few dozen
# items, making the instances and the query was most of an agenda page's cost.
_BOOKINGS = Assignment.objects.values_list(
    *_ITEM_COLUMNS, *_SITE_COLUMNS, *_GROUP_COLUMNS, *_VEHICLE_COLUMNS
).order_by("session__starts_at", "session__title_en", "session_id")
# The speakers of the booked items who are participants, in name order, and the materials.
_SPEAKERS = Session.speaker_participants.through.objects.values_list(
    "session_id", "participant__full_name", "participant__full_name_latin"
).order_by(*by_readable_name("participant__"))
_MATERIALS = SessionMaterial.objects.values_list("session_id", "pk", "title").order_by("title")


def _split(row: tuple, start: int, columns: list[str], cls: type):
    """`cls` made of the row's values for `columns` from `start` (its id first), or None
    when the id is empty."""
    if row[start] is None:
        return None
    return cls(*row[start + 1 : start + len(columns)])


def personal_agenda(participant: Participant, *, with_materials: bool = True) -> list[AgendaEntry]:
    """The participant's items, cancelled ones included, in order: three queries.

    Queries: the bookings with their item, site, group and vehicle; the speakers who are
    participants, in name order; the materials, in title order (skipped with
    `with_materials=False`).
    """
    rows = list(
        _BOOKINGS.filter(
            participant_id=participant.pk, session__programme_id=participant.programme_id
        )
    )
    speakers: dict[int, list[str]] = defaultdict(list)
    materials: dict[int, list[AgendaMaterial]] = defaultdict(list)
    if rows:
        booked = [row[0] for row in rows]
        for item_id, full_name, full_name_latin in _SPEAKERS.filter(session_id__in=booked):
            speakers[item_id].append(display_name(full_name, full_name_latin))
        if with_materials:
            for item_id, pk, title in _MATERIALS.filter(session_id__in=booked):
                materials[item_id].append(AgendaMaterial(pk, title))
    site_at = len(_ITEM_COLUMNS)
    group_at = site_at + len(_SITE_COLUMNS)
    vehicle_at = group_at + len(_GROUP_COLUMNS)
    entries = []
    for row in rows:
        session = AgendaItem(*row[:site_at], site=_split(row, site_at, _SITE_COLUMNS, AgendaSite))
        names = [session.speakers] if session.speakers else []
        entries.append(
            AgendaEntry(
                session=session,
                group=_split(row, group_at, _GROUP_COLUMNS, AgendaGroup),
                vehicle=_split(row, vehicle_at, _VEHICLE_COLUMNS, AgendaVehicle),
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


def _location(session: AgendaItem) -> str:
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
    if session.title_local:
        language = language_info(session.content_language)["name_local"]
        lines.append(f"{language}: {session.title_local}")
    if session.description_en:
        lines += ["", session.description_en]
    if session.description_local:
        lines += ["", session.description_local]
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


def _escaped(text: str) -> str:
    """A TEXT value escaped as icalendar's `vText` escapes it (RFC 5545, 3.3.11)."""
    return (
        text.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def _datetime_form(tz: tzinfo) -> tuple[str, str]:
    """How icalendar writes a date-time in `tz`: the parameters before the value (";TZID=…",
    none for UTC) and the suffix after it ("Z" for UTC), read from icalendar once per feed."""
    sample = vDDDTypes(datetime(2000, 1, 1, tzinfo=tz))
    params = sample.params.to_ical(sorted=False).decode()
    return (f";{params}" if params else ""), ("Z" if sample.to_ical().endswith(b"Z") else "")


def _datetime(dt: datetime) -> str:
    """A date-time's value as icalendar's `vDatetime` writes it (seconds, no fraction)."""
    return f"{dt.year:04}{dt.month:02}{dt.day:02}T{dt.hour:02}{dt.minute:02}{dt.second:02}"


@dataclass(frozen=True)
class _Shared:
    """What every event of one feed has in common, written once."""

    tz: tzinfo
    uid_domain: str
    agenda_url: str
    # The DTSTAMP line, and the URL line.
    stamp: str
    url: str
    # Parameters and suffix of date-times in the programme's zone and in UTC.
    local_form: tuple[str, str]
    utc_form: tuple[str, str]
    # English labels of the item kinds, as CATEGORIES values and as text.
    kinds: dict[str, tuple[str, str]]


def _event_lines(entry: AgendaEntry, shared: _Shared) -> list[str]:
    """One VEVENT's content lines, unfolded, exactly as icalendar writes an `Event` holding
    these properties in this order (tests compare the two). Written here rather than through
    `Event`: icalendar builds parameters and infers types for each property of each event,
    which was most of a feed's cost."""
    session = entry.session
    categories, kind = shared.kinds[session.kind]
    (params, suffix), tz = shared.local_form, shared.tz
    starts = _datetime(session.starts_at.astimezone(tz))
    ends = _datetime(session.ends_at.astimezone(tz))
    title = session.title_en
    lines = [
        "BEGIN:VEVENT",
        # The UID never changes for an item, so an edit updates the subscriber's copy in
        # place; SEQUENCE (the item's revision) tells the calendar which copy is newer.
        f"UID:{_escaped(f'session-{session.pk}@{shared.uid_domain}')}",
        shared.stamp,
        f"DTSTART{params}:{starts}{suffix}",
        f"DTEND{params}:{ends}{suffix}",
        # Many calendar apps ignore STATUS on subscribed feeds: say it in the title too.
        f"SUMMARY:{_escaped(f'Cancelled: {title}' if entry.is_cancelled else title)}",
    ]
    if location := _location(session):
        lines.append(f"LOCATION:{_escaped(location)}")
    lines.append(f"DESCRIPTION:{_escaped(_description(entry, kind, tz, shared.agenda_url))}")
    site = session.site
    if site and site.latitude is not None and site.longitude is not None:
        lines.append(f"GEO:{float(site.latitude)};{float(site.longitude)}")
    utc_params, utc_suffix = shared.utc_form
    modified = _datetime(session.updated_at.astimezone(UTC))
    lines += [
        f"CATEGORIES:{categories}",
        f"SEQUENCE:{int(session.revision)}",
        f"LAST-MODIFIED{utc_params}:{modified}{utc_suffix}",
        f"STATUS:{'CANCELLED' if entry.is_cancelled else 'CONFIRMED'}",
        shared.url,
        "END:VEVENT",
    ]
    return lines


# RFC 5545 folds content lines of 75 octets or more; shorter ones stay as they are.
_FOLD_AT = 75


def _folded(line: str) -> str:
    """The content line folded as icalendar's `Contentline.to_ical()` folds it.

    icalendar folds character by character, which was much of a feed's cost; an ASCII line
    (most of them) is cut the same way here by slicing: 74 characters a piece, and an
    escaping backslash or caret moved to the next piece rather than split from what it
    escapes. Other long lines go through icalendar itself.
    """
    if line.isascii():
        if len(line) < _FOLD_AT:
            return line
        pieces, start = [], 0
        while len(line) - start >= _FOLD_AT:
            cut = start + _FOLD_AT - 1
            if line[cut - 1] in "\\^":
                cut -= 1
            pieces.append(line[start:cut])
            start = cut
        pieces.append(line[start:])
        return "\r\n ".join(pieces)
    if len(line.encode()) < _FOLD_AT:
        return line
    return Contentline(line).to_ical().decode()


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
        kinds = {value: (_escaped(str(label)), str(label)) for value, label in Session.Kind.choices}
    calendar.add("x-wr-timezone", programme.time_zone)
    # Outlook's name for REFRESH-INTERVAL.
    calendar.add("x-published-ttl", "PT1H")
    years = [programme.start_date.year, programme.end_date.year]
    years += [entry.session.starts_at.year for entry in entries[:1] + entries[-1:]]
    calendar.add_component(_vtimezone(programme.time_zone, min(years) - 1, max(years) + 1))
    utc_params, utc_suffix = utc_form = _datetime_form(UTC)
    shared = _Shared(
        tz=programme.tzinfo,
        uid_domain=uid_domain,
        agenda_url=agenda_url,
        stamp=f"DTSTAMP{utc_params}:{_datetime(now.astimezone(UTC))}{utc_suffix}",
        url=f"URL:{agenda_url}",
        local_form=_datetime_form(programme.tzinfo),
        utc_form=utc_form,
        kinds=kinds,
    )
    # The calendar's own lines end with END:VCALENDAR: the events go before it, as they would
    # after the time zone as components of the calendar.
    *head, end = (line for line in calendar.content_lines(sorted=False) if line)
    lines = [_folded(line) for line in head]
    for entry in entries:
        lines += [_folded(line) for line in _event_lines(entry, shared)]
    lines += [end, ""]
    return "\r\n".join(lines).encode()


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


# Every feed's owner with its validator, each column named (see `feed_version`): built once,
# and filtered by the feed's token for each request.
_FEED_VERSIONS = Participant.objects.values(
    owner=F("pk"),
    **_FEED_VALIDATOR,
    **{f"programme_{name}": F(f"programme__{name}") for name in FEED_PROGRAMME_FIELDS},
).order_by()


def feed_version(token: str) -> tuple[int, tuple] | None:
    """The owner of the feed `token` and a value that changes whenever anything their feed
    shows changes (None for an unknown token): one query.

    The value is made of `_FEED_VALIDATOR` and the programme's `FEED_PROGRAMME_FIELDS`, so the
    feed's ETag is made from it and an unchanged feed is answered "not modified" without
    reading the agenda.
    """
    for values in _FEED_VERSIONS.filter(feed_token=token):
        return values.pop("owner"), tuple(sorted(values.items()))
    return None


def feed_owner(participant_id: int) -> Participant:
    """The participant with what their feed shows of their programme."""
    return (
        Participant.objects.select_related("programme")
        .only("programme_id", *(f"programme__{name}" for name in FEED_PROGRAMME_FIELDS))
        .get(pk=participant_id)
    )
