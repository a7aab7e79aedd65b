"""Scheduling of agenda items and the conflicts a timetable can hold.

Conflicts are warnings, never errors: an organiser may knowingly overbook a room or let a bus
run full. They are computed for a whole programme at once, in a fixed number of queries, by
fetching the rows involved once and sweeping them in Python.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TypeVar

from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programs.models import Programme

from .models import Assignment, Session, SessionMaterial, SessionPhoto, Vehicle, VisitGroup
from .tasks import notify_item_changed_task

logger = logging.getLogger(__name__)

# Changing any of these moves the item in time or space: calendars must be told (revision).
TIME_AND_PLACE_FIELDS = (
    "starts_at",
    "ends_at",
    "site_id",
    "room",
    "departure_point",
    "departs_at",
    "returns_at",
)

# Participant names listed in one warning before "and N more".
NAMES_SHOWN = 5


class ConflictKind(StrEnum):
    PARTICIPANT_OVERLAP = "participant_overlap"
    SITE_OVERLAP = "site_overlap"
    OUTSIDE_DATES = "outside_dates"
    OVER_CAPACITY = "over_capacity"
    VEHICLE_SEATS = "vehicle_seats"


@dataclass(frozen=True)
class Conflict:
    kind: ConflictKind
    session_id: int
    message: str


# --- Scheduling -----------------------------------------------------------------------------


def local_day(programme: Programme, moment: datetime) -> date:
    return programme.to_local(moment).date()


def programme_days(programme: Programme) -> list[date]:
    return [
        programme.start_date + timedelta(days=offset) for offset in range(programme.duration_days)
    ]


def at_local_time(programme: Programme, day: date, wall_clock: time) -> datetime:
    """An aware datetime for a date and wall-clock time of the programme's time zone."""
    return programme.local_datetime(day, wall_clock.hour, wall_clock.minute)


def _time_and_place(item: Session) -> tuple:
    return tuple(getattr(item, field) for field in TIME_AND_PLACE_FIELDS)


@transaction.atomic
def save_item(*, item: Session, speaker_participants: Iterable | None = None) -> Session:
    """Save a new or edited agenda item.

    Side effects: writes the item; replaces its speakers from the participants when given;
    bumps `revision` of an existing item whose time or place changed (calendar feeds use it)
    and then e-mails its participants about the change.
    """
    moved = False
    if item.pk is not None:
        stored = Session.objects.filter(pk=item.pk).values_list(*TIME_AND_PLACE_FIELDS).first()
        if stored is not None and tuple(stored) != _time_and_place(item):
            item.revision += 1
            moved = True
    item.save()
    if speaker_participants is not None:
        item.speaker_participants.set(speaker_participants)
    if moved:
        notify_participants_of_change(session=item)
    return item


def move_item(
    *, item: Session, programme: Programme, to_day: date | None, to_time: time | None
) -> Session:
    """Move an item to another day and/or start time, keeping its duration.

    Side effects: writes the item's start, end, departure and return times (shifted by the
    same amount), bumps its revision when it actually moved and e-mails its participants.
    """
    local_start = programme.to_local(item.starts_at)
    new_start = at_local_time(
        programme,
        to_day or local_start.date(),
        to_time or local_start.time(),
    )
    shift = new_start - item.starts_at
    if not shift:
        return item
    item.starts_at += shift
    item.ends_at += shift
    if item.departs_at:
        item.departs_at += shift
    if item.returns_at:
        item.returns_at += shift
    item.revision += 1
    item.save(
        update_fields=["starts_at", "ends_at", "departs_at", "returns_at", "revision", "updated_at"]
    )
    notify_participants_of_change(session=item)
    return item


@transaction.atomic
def duplicate_day(*, programme: Programme, from_day: date, to_day: date) -> list[Session]:
    """Copy every item of one day that is not cancelled to another day, at the same local times.

    The copies have no participants, speakers from the participants, groups, vehicles,
    materials or photos: those belong to the original. Side effects: creates the copies.
    """
    copies = []
    for item in items_on_day(programme, from_day).filter(cancelled_at__isnull=True):
        local_start = programme.to_local(item.starts_at)
        new_start = at_local_time(programme, to_day, local_start.time())
        shift = new_start - item.starts_at
        copies.append(
            Session(
                programme=programme,
                kind=item.kind,
                title_en=item.title_en,
                title_local=item.title_local,
                description_en=item.description_en,
                description_local=item.description_local,
                starts_at=new_start,
                ends_at=item.ends_at + shift,
                site_id=item.site_id,
                room=item.room,
                speakers=item.speakers,
                capacity=item.capacity,
                departure_point=item.departure_point,
                departs_at=item.departs_at + shift if item.departs_at else None,
                returns_at=item.returns_at + shift if item.returns_at else None,
            )
        )
    return Session.objects.bulk_create(copies)


def items_on_day(programme: Programme, day: date):
    """The items starting on a calendar day of the programme's time zone."""
    start = programme.local_datetime(day, 0)
    end = programme.local_datetime(day + timedelta(days=1), 0)
    return programme.sessions.filter(starts_at__gte=start, starts_at__lt=end)


def toggle_cancelled(*, item: Session) -> Session:
    """Cancel an item, or restore a cancelled one.

    Side effects: sets or clears `cancelled_at`, bumps the revision (calendars show the
    cancellation) and e-mails the participants. Assignments are kept, so that restoring the
    item loses nothing.
    """
    item.cancelled_at = None if item.cancelled_at else timezone.now()
    item.revision += 1
    item.save(update_fields=["cancelled_at", "revision", "updated_at"])
    notify_participants_of_change(session=item)
    return item


def can_delete_item(item: Session) -> bool:
    """An item whose attendance was recorded is history: cancel it instead."""
    return not item.assignments.filter(attended__isnull=False).exists()


# --- Conflicts ------------------------------------------------------------------------------


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    hidden = len(names) - NAMES_SHOWN
    if hidden > 0:
        return ngettext("%(names)s and %(count)d more", "%(names)s and %(count)d more", hidden) % {
            "names": shown,
            "count": hidden,
        }
    return shown


T = TypeVar("T")


def _session_times(item: Session) -> tuple[datetime, datetime]:
    return item.starts_at, item.ends_at


def overlapping_pairs(
    things: Iterable[T], *, times: Callable[[T], tuple[datetime, datetime]]
) -> Iterator[tuple[T, T]]:
    """Each pair of `things` whose (start, end) `times` overlap, the earlier-starting first.

    Sorted by start, each thing can only overlap later ones that start before it ends, so the
    inner loop stops early. An item ending when the next starts does not overlap it.
    """
    ordered = sorted(things, key=lambda thing: times(thing)[0])
    for index, thing in enumerate(ordered):
        end = times(thing)[1]
        for later in ordered[index + 1 :]:
            if times(later)[0] >= end:
                break
            yield thing, later


class _Span:
    """An agenda item's times as the sweep needs them, from this or another programme."""

    __slots__ = ("end", "pk", "programme_id", "room", "site_id", "start", "title")

    def __init__(
        self,
        pk: int,
        programme_id: int,
        start: datetime,
        end: datetime,
        site_id: int | None,
        room: str,
        title: str,
    ):
        self.pk, self.programme_id = pk, programme_id
        self.start, self.end = start, end
        self.site_id, self.room, self.title = site_id, room, title


class _Detector:
    def __init__(self, programme: Programme, items: Sequence[Session]):
        self.programme = programme
        self.items = {item.pk: item for item in items}
        self.found: dict[int, list[Conflict]] = defaultdict(list)

    def add(self, kind: ConflictKind, session_id: int, message: str) -> None:
        self.found[session_id].append(Conflict(kind, session_id, message))

    def when(self, start: datetime, end: datetime, with_day: bool = False) -> str:
        local_start, local_end = self.programme.to_local(start), self.programme.to_local(end)
        text = f"{date_format(local_start, 'H:i')}–{date_format(local_end, 'H:i')}"
        if with_day:
            return f"{date_format(local_start, 'D j M Y')}, {text}"
        return text

    # (a) A participant booked on two items at once.
    def participant_overlaps(self, rows: Iterable[tuple[int, int, str, str]]) -> None:
        by_participant: dict[int, list[int]] = defaultdict(list)
        names: dict[int, str] = {}
        for session_id, participant_id, full_name, full_name_latin in rows:
            if session_id in self.items and not self.items[session_id].is_cancelled:
                by_participant[participant_id].append(session_id)
                names[participant_id] = full_name_latin or full_name
        # (item, other item) → names of the participants booked on both.
        clashes: dict[tuple[int, int], list[str]] = defaultdict(list)
        for participant_id, session_ids in by_participant.items():
            booked = (self.items[pk] for pk in session_ids)
            for item, later in overlapping_pairs(booked, times=_session_times):
                clashes[(item.pk, later.pk)].append(names[participant_id])
                clashes[(later.pk, item.pk)].append(names[participant_id])
        for (pk, other_pk), clash_names in sorted(clashes.items()):
            other = self.items[other_pk]
            self.add(
                ConflictKind.PARTICIPANT_OVERLAP,
                pk,
                ngettext(
                    "%(count)d participant is also booked on “%(title)s” (%(when)s): %(names)s.",
                    "%(count)d participants are also booked on “%(title)s” (%(when)s): %(names)s.",
                    len(clash_names),
                )
                % {
                    "count": len(clash_names),
                    "title": other.title,
                    "when": self.when(other.starts_at, other.ends_at),
                    "names": _names(sorted(clash_names)),
                },
            )

    # (b) A site used by two items at once, in this programme or another one.
    def site_overlaps(self, foreign: Iterable[_Span]) -> None:
        spans = [
            _Span(s.pk, s.programme_id, s.starts_at, s.ends_at, s.site_id, s.room, s.title)
            for s in self.items.values()
            if s.site_id and not s.is_cancelled
        ]
        spans.extend(foreign)
        by_site: dict[int, list[_Span]] = defaultdict(list)
        for span in spans:
            by_site[span.site_id].append(span)
        for site_spans in by_site.values():
            for span, later in overlapping_pairs(site_spans, times=lambda s: (s.start, s.end)):
                # Two different rooms of one building can be used at the same time.
                if span.room and later.room and span.room.casefold() != later.room.casefold():
                    continue
                self._report_site_clash(span, later)
                self._report_site_clash(later, span)

    def _report_site_clash(self, span: _Span, other: _Span) -> None:
        if span.pk not in self.items:
            return
        site = self.items[span.pk].site
        if other.programme_id == self.programme.pk:
            message = _("%(site)s is also used by “%(title)s” (%(when)s).") % {
                "site": site,
                "title": other.title,
                "when": self.when(other.start, other.end),
            }
        else:
            # Another programme's agenda is not ours to show: only that the site is taken.
            message = _("%(site)s is booked by another programme (%(when)s).") % {
                "site": site,
                "when": self.when(other.start, other.end, with_day=True),
            }
        self.add(ConflictKind.SITE_OVERLAP, span.pk, message)

    # (c) An item outside the programme's days.
    def outside_dates(self) -> None:
        first, last = self.programme.start_date, self.programme.end_date
        for item in self.items.values():
            if item.is_cancelled:
                continue
            starts_on = local_day(self.programme, item.starts_at)
            # An item ending at midnight ends on the day before.
            ends_on = local_day(self.programme, item.ends_at - timedelta(microseconds=1))
            if starts_on < first or ends_on > last:
                self.add(
                    ConflictKind.OUTSIDE_DATES,
                    item.pk,
                    _("The item is outside the programme's dates (%(first)s – %(last)s).")
                    % {
                        "first": date_format(first, "j M Y"),
                        "last": date_format(last, "j M Y"),
                    },
                )

    # (d) More people than the item, its groups, its site or a group can take; (e) seats.
    def capacities(
        self,
        assigned: dict[int, int],
        groups: Iterable[tuple[int, int, str, int]],
        group_assigned: dict[int, int],
        vehicles: Iterable[tuple[int, int, str, int]],
        vehicle_assigned: dict[int, int],
    ) -> None:
        group_capacity: dict[int, int] = defaultdict(int)
        for group_id, session_id, name, capacity in groups:
            group_capacity[session_id] += capacity
            count = group_assigned.get(group_id, 0)
            if count > capacity and self._is_live(session_id):
                self.add(
                    ConflictKind.OVER_CAPACITY,
                    session_id,
                    _("Group %(group)s has %(assigned)d people for %(capacity)d places.")
                    % {"group": name, "assigned": count, "capacity": capacity},
                )
        for vehicle_id, session_id, name, seats in vehicles:
            count = vehicle_assigned.get(vehicle_id, 0)
            if count > seats and self._is_live(session_id):
                self.add(
                    ConflictKind.VEHICLE_SEATS,
                    session_id,
                    _("%(vehicle)s has %(seats)d seats for %(assigned)d people.")
                    % {"vehicle": name, "seats": seats, "assigned": count},
                )
        for item in self.items.values():
            count = assigned.get(item.pk, 0)
            if item.is_cancelled or not count:
                continue
            limits = []
            if item.capacity is not None and count > item.capacity:
                limits.append(_("the item takes %(capacity)d") % {"capacity": item.capacity})
            if item.pk in group_capacity and count > group_capacity[item.pk]:
                limits.append(
                    _("its groups take %(capacity)d") % {"capacity": group_capacity[item.pk]}
                )
            if item.site_id and item.site.capacity is not None and count > item.site.capacity:
                limits.append(
                    _("%(site)s hosts %(capacity)d")
                    % {"site": item.site, "capacity": item.site.capacity}
                )
            for limit in limits:
                self.add(
                    ConflictKind.OVER_CAPACITY,
                    item.pk,
                    ngettext(
                        "%(assigned)d person is assigned but %(limit)s.",
                        "%(assigned)d people are assigned but %(limit)s.",
                        count,
                    )
                    % {"assigned": count, "limit": limit},
                )

    def _is_live(self, session_id: int) -> bool:
        return session_id in self.items and not self.items[session_id].is_cancelled


def _detect(
    programme: Programme,
    items: Sequence[Session],
    assignments,
    groups,
    vehicles,
    foreign_sessions,
) -> dict[int, list[Conflict]]:
    detector = _Detector(programme, items)
    rows = list(
        assignments.values_list(
            "session_id",
            "participant_id",
            "group_id",
            "vehicle_id",
            "participant__full_name",
            "participant__full_name_latin",
        )
    )
    assigned: dict[int, int] = defaultdict(int)
    group_assigned: dict[int, int] = defaultdict(int)
    vehicle_assigned: dict[int, int] = defaultdict(int)
    for session_id, _participant, group_id, vehicle_id, _name, _latin in rows:
        assigned[session_id] += 1
        if group_id:
            group_assigned[group_id] += 1
        if vehicle_id:
            vehicle_assigned[vehicle_id] += 1
    detector.participant_overlaps((r[0], r[1], r[4], r[5]) for r in rows)
    detector.site_overlaps(
        _Span(pk, programme_id, start, end, site_id, room, title)
        for pk, programme_id, start, end, site_id, room, title in foreign_sessions.values_list(
            "pk", "programme_id", "starts_at", "ends_at", "site_id", "room", "title_en"
        )
    )
    detector.outside_dates()
    detector.capacities(
        assigned,
        groups.values_list("pk", "session_id", "name", "capacity"),
        group_assigned,
        vehicles.values_list("pk", "session_id", "name", "seats"),
        vehicle_assigned,
    )
    return dict(detector.found)


def _foreign_sessions_at_sites(programme: Programme, items: Sequence[Session], site_ids):
    """Other programmes' live items at the given sites during this programme's items."""
    live = [item for item in items if item.site_id and not item.is_cancelled]
    if not live:
        return Session.objects.none()
    return Session.objects.filter(
        site_id__in=site_ids,
        cancelled_at__isnull=True,
        starts_at__lt=max(item.ends_at for item in live),
        ends_at__gt=min(item.starts_at for item in live),
    ).exclude(programme=programme)


def programme_conflicts(
    *, programme: Programme, items: Sequence[Session]
) -> dict[int, list[Conflict]]:
    """Every conflict of a programme's agenda, by item id.

    `items` are all the programme's items with their sites (`agenda_of(programme)`). Runs four
    queries whatever the size: assignments with names, groups, vehicles and other programmes'
    items at the same sites. No side effects.
    """
    site_ids = {item.site_id for item in items if item.site_id}
    return _detect(
        programme,
        items,
        Assignment.objects.filter(session__programme=programme),
        VisitGroup.objects.filter(session__programme=programme),
        Vehicle.objects.filter(session__programme=programme),
        _foreign_sessions_at_sites(programme, items, site_ids),
    )


def item_conflicts(*, programme: Programme, item: Session) -> list[Conflict]:
    """The conflicts of one item, fetching only the rows that can concern it. No side effects.

    Runs five queries: the programme's items, the assignments of the item's participants,
    the item's groups and vehicles, and other programmes' items at its site.
    """
    items = list(programme.sessions.select_related("site"))
    # The item as edited may not be saved yet in its current form: use this very object.
    items = [item if other.pk == item.pk else other for other in items]
    participants = Assignment.objects.filter(session=item).values("participant")
    return _detect(
        programme,
        items,
        Assignment.objects.filter(session__programme=programme, participant__in=participants),
        VisitGroup.objects.filter(session=item),
        Vehicle.objects.filter(session=item),
        _foreign_sessions_at_sites(programme, [item], [item.site_id] if item.site_id else []),
    ).get(item.pk, [])


def booking_overlaps(
    *, programme: Programme, item: Session, participant_ids: Iterable[int]
) -> list[Conflict]:
    """The overlaps with other items that booking these participants on `item` makes.

    One warning per other item, naming it, its times and the participants booked on both.
    Runs two queries: the live items overlapping `item`, and those participants' bookings on
    them. No side effects.
    """
    items = list(
        programme.sessions.filter(
            starts_at__lt=item.ends_at, ends_at__gt=item.starts_at, cancelled_at__isnull=True
        )
    )
    detector = _Detector(programme, items)
    detector.participant_overlaps(
        Assignment.objects.filter(
            session__in=items, participant_id__in=list(participant_ids)
        ).values_list(
            "session_id", "participant_id", "participant__full_name", "participant__full_name_latin"
        )
    )
    return detector.found.get(item.pk, [])


def notify_participants_of_change(*, session: Session) -> None:
    """Tell the item's participants about a change once the current transaction commits.

    Call it after saving a change of time or place (with the revision bumped) or a
    cancellation. Side effects: queues `visits.notify_item_changed` for the current revision.
    """
    session_id, revision = session.pk, session.revision

    def send() -> None:
        # The change is saved either way: an unreachable broker costs only the e-mail.
        try:
            notify_item_changed_task.delay(session_id=session_id, revision=revision)
        except Exception:
            logger.exception("Could not queue the change notice for item %s", session_id)

    transaction.on_commit(send)


# --- Logistics and files --------------------------------------------------------------------


@transaction.atomic
def delete_group_or_vehicle(*, obj: VisitGroup | Vehicle) -> int:
    """Delete a group or vehicle of an item; its people stay booked on the item without one.

    Side effects: clears the group (or vehicle) of its bookings, marking them updated, then
    deletes it. Returns how many bookings lost their group (or vehicle).
    """
    field = "group" if isinstance(obj, VisitGroup) else "vehicle"
    left = Assignment.objects.filter(**{field: obj}).update(
        **{field: None, "updated_at": timezone.now()}
    )
    obj.delete()
    return left


def delete_with_file(*, obj: SessionMaterial | SessionPhoto, file: FieldFile) -> None:
    """Delete a material or photo with its stored file.

    Side effects: deletes the row; once that commits, deletes the file, so that a rollback
    never leaves a row whose file is gone.
    """
    storage, name = file.storage, file.name
    obj.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def vehicle_overload_warning(vehicle: Vehicle) -> str:
    """A warning when more people are booked in the vehicle than it has seats, else "".

    Fewer seats than passengers is allowed (a second trip, a car to follow) but flagged.
    """
    passengers = vehicle.assignments.count()
    if passengers <= vehicle.seats:
        return ""
    return _("%(vehicle)s has %(seats)d seats for %(assigned)d people.") % {
        "vehicle": vehicle,
        "seats": vehicle.seats,
        "assigned": passengers,
    }
