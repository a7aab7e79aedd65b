"""Booking participants on agenda items, splitting them into groups, and taking attendance.

Every change of who sits where locks the item's row first (then its group's and vehicle's), so
two members of staff booking the last seat at the same moment cannot both get it.
"""

import logging
import string
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries as country_names

from participants.models import Participant, by_readable_name
from participants.queries import INACTIVE_STATUSES
from programs.models import Programme
from programs.numbers import percent
from programs.subdivisions import region_name

from .attendance_marks import refuse_attendance_after_leaving, save_mark
from .models import Assignment, AttendanceMark, Session, Vehicle, VisitGroup
from .queries import attendance_annotations
from .services import Conflict, booking_overlaps

logger = logging.getLogger(__name__)

# A group or a vehicle of an item.
Child = TypeVar("Child", VisitGroup, Vehicle)

GROUP_LETTERS = string.ascii_uppercase
MAX_GROUPS = len(GROUP_LETTERS)


@dataclass
class AssignmentResult:
    """What `assign_participants` did with each participant it was given."""

    added: list[Assignment] = field(default_factory=list)
    already_assigned: int = 0
    inactive: int = 0
    # Other items at the same time on which some of the added participants are booked.
    overlaps: list[Conflict] = field(default_factory=list)


def _user_or_none(user):
    return user if user is not None and user.is_authenticated else None


def _user_id(user) -> int | None:
    # Logs name accounts by id: e-mail addresses are personal data.
    user = _user_or_none(user)
    return user.pk if user else None


def _seats_left(limit: int, taken: int) -> int:
    return max(limit - taken, 0)


def _check_room(*, name: str, limit: int | None, taken: int, adding: int, kind: str) -> None:
    """Refuse when `adding` more people would take `taken` past `limit` (None: no limit)."""
    if limit is None or taken + adding <= limit:
        return
    left = _seats_left(limit, taken)
    if kind == "vehicle":
        message = ngettext(
            "%(name)s has %(limit)s seats and %(left)s seat left; %(adding)s cannot be added.",
            "%(name)s has %(limit)s seats and %(left)s seats left; %(adding)s cannot be added.",
            left,
        )
    elif kind == "group":
        message = ngettext(
            "%(name)s takes at most %(limit)s people and has %(left)s place left; "
            "%(adding)s cannot be added.",
            "%(name)s takes at most %(limit)s people and has %(left)s places left; "
            "%(adding)s cannot be added.",
            left,
        )
    else:
        message = ngettext(
            "This item takes at most %(limit)s participants and has %(left)s seat left; "
            "%(adding)s cannot be added.",
            "This item takes at most %(limit)s participants and has %(left)s seats left; "
            "%(adding)s cannot be added.",
            left,
        )
    raise ValidationError(
        message % {"name": name, "limit": limit, "left": left, "adding": adding},
        code="capacity",
    )


def _check_group_and_vehicle_room(
    *,
    group: VisitGroup | None,
    vehicle: Vehicle | None,
    bookings: QuerySet[Assignment],
    adding: int,
) -> None:
    """Raise ValidationError when `adding` more people would overfill the group or the
    vehicle, counting those of `bookings` already in it."""
    if group is not None:
        _check_room(
            name=group.name,
            limit=group.capacity,
            taken=bookings.filter(group=group).count(),
            adding=adding,
            kind="group",
        )
    if vehicle is not None:
        _check_room(
            name=vehicle.name,
            limit=vehicle.seats,
            taken=bookings.filter(vehicle=vehicle).count(),
            adding=adding,
            kind="vehicle",
        )


def _lock_session(session: Session) -> Session:
    # The item's row is the lock every booking change takes first, always in the same order
    # (item, then group, then vehicle), so concurrent changes queue up instead of deadlocking.
    return Session.objects.select_for_update().get(pk=session.pk)


def _lock_child(session: Session, child: Child | None) -> Child | None:
    """The group or vehicle, locked, if it belongs to `session`."""
    if child is None:
        return None
    locked = type(child).objects.select_for_update().filter(pk=child.pk, session=session).first()
    if locked is not None:
        return locked
    if isinstance(child, VisitGroup):
        raise ValidationError(_("This group belongs to another agenda item."), code="group")
    raise ValidationError(_("This vehicle belongs to another agenda item."), code="vehicle")


def assign_participants(
    *,
    session: Session,
    participants: Iterable[Participant],
    group: VisitGroup | None = None,
    vehicle: Vehicle | None = None,
    by,
) -> AssignmentResult:
    """Book participants on an agenda item, optionally into one of its groups and vehicles.

    Withdrawn and declined participants, participants of other programmes and those already
    booked on the item are skipped and counted. Raises ValidationError, saving nothing, when
    the item is cancelled or when the new bookings would take the item past its capacity, the
    group past its capacity or the vehicle past its seats.

    Side effects: locks the item's row (and the group's and vehicle's) until the transaction
    ends; creates one Assignment per participant added. The result lists the overlaps the
    new bookings make (warnings: an organiser may book someone on two items knowingly).
    """
    with transaction.atomic():
        locked = _lock_session(session)
        group = _lock_child(locked, group)
        vehicle = _lock_child(locked, vehicle)
        if locked.is_cancelled:
            raise ValidationError(
                _("This item is cancelled: nobody can be added to it."), code="cancelled"
            )

        result = AssignmentResult()
        candidates: dict[int, Participant] = {}
        for participant in participants:
            if participant.programme_id != locked.programme_id:
                continue
            if participant.status in INACTIVE_STATUSES:
                result.inactive += 1
                continue
            candidates[participant.pk] = participant
        already = set(
            locked.assignments.filter(participant__in=list(candidates)).values_list(
                "participant_id", flat=True
            )
        )
        result.already_assigned = len(already)
        new = [p for pk, p in candidates.items() if pk not in already]
        if not new:
            return result

        # Counted after taking the locks: a booking committed meanwhile is included.
        _check_room(
            name=str(locked),
            limit=locked.capacity,
            taken=locked.assignments.count(),
            adding=len(new),
            kind="session",
        )
        _check_group_and_vehicle_room(
            group=group, vehicle=vehicle, bookings=Assignment.objects.all(), adding=len(new)
        )
        result.added = Assignment.objects.bulk_create(
            Assignment(session=locked, participant=p, group=group, vehicle=vehicle) for p in new
        )
    logger.info("user %s booked %d participants on item %s", _user_id(by), len(new), locked.pk)
    result.overlaps = booking_overlaps(
        programme=session.programme, item=locked, participant_ids=[p.pk for p in new]
    )
    return result


def move_assignment(
    *,
    assignment: Assignment,
    group: VisitGroup | None,
    vehicle: Vehicle | None,
    by,
) -> Assignment:
    """Put a booked participant into another group and/or vehicle of the same item (or none).

    Raises ValidationError, changing nothing, when the group or vehicle is full or belongs to
    another item.

    Side effects: locks the item's row (and the new group's and vehicle's); saves the
    assignment's group and vehicle.
    """
    with transaction.atomic():
        locked = _lock_session(assignment.session)
        group = _lock_child(locked, group)
        vehicle = _lock_child(locked, vehicle)
        _check_group_and_vehicle_room(
            group=group,
            vehicle=vehicle,
            bookings=Assignment.objects.exclude(pk=assignment.pk),
            adding=1,
        )
        Assignment.objects.filter(pk=assignment.pk).update(
            group=group, vehicle=vehicle, updated_at=timezone.now()
        )
    assignment.group = group
    assignment.vehicle = vehicle
    logger.info("user %s moved assignment %s", _user_id(by), assignment.pk)
    return assignment


def remove_assignment(*, assignment: Assignment, by) -> None:
    """Take a participant off an agenda item.

    Side effects: deletes the assignment, with any attendance recorded on it.
    """
    logger.info(
        "user %s removed participant %s from item %s",
        _user_id(by),
        assignment.participant_id,
        assignment.session_id,
    )
    assignment.delete()


def group_name(index: int) -> str:
    return _("Group %(letter)s") % {"letter": GROUP_LETTERS[index]}


def _origin_key(participant: Participant) -> tuple[str, str]:
    """Who should travel together: a country's delegates, or a province's representatives."""
    if participant.category == Participant.Category.DOMESTIC:
        place = participant.province_id or participant.subdivision
        return ("province", str(place or participant.region.strip().casefold()))
    if participant.category == Participant.Category.INTERNATIONAL and participant.country_id:
        return ("country", str(participant.country_id))
    # Speakers, observers and staff travel with whoever has room.
    return ("person", str(participant.pk))


def plan_groups(items: list, sizes: list[int], key) -> list[list]:
    """Share `items` out into groups of exactly `sizes`, keeping items of one `key` together.

    Largest clusters first, each into the group with the most room left; a cluster larger
    than that room fills it and the rest goes on to the next roomiest group. Deterministic:
    ties go to the earlier group.
    """
    clusters: dict = defaultdict(list)
    for item in items:
        clusters[key(item)].append(item)
    groups: list[list] = [[] for _ in sizes]
    room = list(sizes)
    for _cluster_key, members in sorted(clusters.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        pending = list(members)
        while pending:
            target = max(range(len(room)), key=lambda i: (room[i], -i))
            if room[target] == 0:
                raise ValueError("more items than room")
            taken, pending = pending[: room[target]], pending[room[target] :]
            groups[target].extend(taken)
            room[target] -= len(taken)
    return groups


def even_sizes(total: int, count: int) -> list[int]:
    """`total` shared out over `count` groups as evenly as possible, larger groups first."""
    base, extra = divmod(total, count)
    return [base + (1 if index < extra else 0) for index in range(count)]


def split_participants_into_groups(
    *, session: Session, group_count: int, capacity: int, replace: bool = False, by
) -> list[VisitGroup]:
    """Share the item's booked participants evenly into new groups "Group A", "Group B"….

    Each country's delegates (and each province's representatives) stay in one group where
    the sizes allow. Raises ValidationError, changing nothing, when the groups together hold
    fewer people than are booked, when there are more groups than letters, or when the item
    already has groups and `replace` is false.

    Side effects: locks the item's row; with `replace`, deletes the item's current groups
    (guides included); creates the new groups and sets every assignment's group.
    """
    if not 1 <= group_count <= MAX_GROUPS:
        raise ValidationError(
            _("Choose between 1 and %(max)s groups.") % {"max": MAX_GROUPS}, code="group_count"
        )
    with transaction.atomic():
        locked = _lock_session(session)
        existing = list(locked.groups.all())
        if existing and not replace:
            raise ValidationError(
                _(
                    "This item already has groups: tick “Replace the current groups” to "
                    "replace them."
                ),
                code="groups_exist",
            )
        assignments = list(
            locked.assignments.select_related("participant").order_by(*_by_participant_name())
        )
        if group_count * capacity < len(assignments):
            raise ValidationError(
                _(
                    "%(count)s groups of %(capacity)s hold %(room)s people, but %(booked)s "
                    "are booked on this item."
                )
                % {
                    "count": group_count,
                    "capacity": capacity,
                    "room": group_count * capacity,
                    "booked": len(assignments),
                },
                code="capacity",
            )
        if existing:
            locked.groups.all().delete()
        groups = VisitGroup.objects.bulk_create(
            VisitGroup(session=locked, name=group_name(index), capacity=capacity)
            for index in range(group_count)
        )
        plan = plan_groups(
            assignments,
            even_sizes(len(assignments), group_count),
            key=lambda a: _origin_key(a.participant),
        )
        now = timezone.now()
        for group, members in zip(groups, plan, strict=True):
            for assignment in members:
                assignment.group, assignment.updated_at = group, now
        Assignment.objects.bulk_update(assignments, ["group", "updated_at"])
    logger.info("user %s split item %s into %d groups", _user_id(by), locked.pk, group_count)
    return groups


def _by_participant_name() -> list:
    return [*by_readable_name("participant__"), "pk"]


# Attendance.


def record_attendance(
    *,
    assignment: Assignment,
    attended: bool | None,
    by,
    marked_at: datetime | None = None,
    key: uuid.UUID | str | None = None,
    source: str = AttendanceMark.Source.PAGE,
) -> bool:
    """Mark a booked participant present (True), absent (False) or not recorded (None).

    `marked_at` is when the mark was made (now when not given) and `key` makes sending it again
    harmless. Returns whether the booking's attendance changed: False when it already said so,
    when a mark made later is already there, and for a key saved before. Raises and saves as
    `visits.attendance_marks.save_mark` does.
    """
    outcome = save_mark(
        assignment=assignment,
        attended=attended,
        by=_user_or_none(by),
        marked_at=marked_at,
        key=key,
        source=source,
    )
    return outcome.changed


@dataclass(frozen=True)
class CheckIn:
    """The result of a badge scan: who it was and whether they were already marked present."""

    assignment: Assignment
    already_present: bool

    @property
    def participant(self) -> Participant:
        return self.assignment.participant


def badge_code_from_scan(text: str) -> str:
    """The badge code in what a scanner typed: the bare code, or a link ending with it."""
    text = text.strip()
    if "/" in text:
        # Badge codes never contain a slash, so anything before the last one is a link.
        text = text.rstrip("/").rsplit("/", 1)[-1]
    return text


def booking_for_badge(*, session: Session, code: str) -> Assignment:
    """The booking on this item of the participant whose badge was scanned.

    Raises ValidationError for a code of no participant of the item's programme ("Unknown
    badge code"), for a participant who withdrew or declined before the item and for a
    participant not booked on this item.
    """
    code = badge_code_from_scan(code)
    participant = session.programme.participants.filter(badge_code=code).first() if code else None
    if participant is None:
        raise ValidationError(_("Unknown badge code."), code="unknown")
    refuse_attendance_after_leaving(participant, session)
    assignment = (
        session.assignments.filter(participant=participant)
        .select_related("participant", "participant__country", "group", "vehicle")
        .first()
    )
    if assignment is None:
        raise ValidationError(
            _("%(name)s is not booked on this item. Nothing was recorded.")
            % {"name": participant.display_name},
            code="not_assigned",
        )
    return assignment


def check_in_by_badge(*, session: Session, code: str, by) -> CheckIn:
    """Mark present the participant whose badge was scanned at this agenda item.

    Raises ValidationError, recording nothing, for the codes `booking_for_badge` refuses.
    A repeated scan changes nothing and says so.

    Side effects: saves the assignment's attendance with who recorded it and when.
    """
    assignment = booking_for_badge(session=session, code=code)
    already = assignment.attended is True
    if not already:
        record_attendance(
            assignment=assignment, attended=True, by=by, source=AttendanceMark.Source.SCAN
        )
    return CheckIn(assignment=assignment, already_present=already)


def attendance_list(session: Session, *, group_id: int | None = None) -> QuerySet[Assignment]:
    """The item's bookings with what the attendance list shows, in name order: one query."""
    queryset = session.assignments.select_related(
        "participant",
        "participant__country",
        "participant__province",
        "group",
        "vehicle",
        "attendance_recorded_by",
    )
    if group_id is not None:
        queryset = queryset.filter(group_id=group_id)
    return queryset.order_by(*_by_participant_name())


@dataclass(frozen=True)
class AttendanceCounts:
    """Present, absent and not yet recorded among the bookings of an item."""

    present: int
    absent: int
    not_recorded: int

    @property
    def assigned(self) -> int:
        return self.present + self.absent + self.not_recorded

    @property
    def recorded(self) -> int:
        return self.present + self.absent


def count_attendance(assignments: Iterable[Assignment]) -> AttendanceCounts:
    present = absent = missing = 0
    for assignment in assignments:
        if assignment.attended is True:
            present += 1
        elif assignment.attended is False:
            absent += 1
        else:
            missing += 1
    return AttendanceCounts(present=present, absent=absent, not_recorded=missing)


def attendance_counts(session: Session, *, group_id: int | None = None) -> AttendanceCounts:
    """The item's counts (or one group's) in one aggregate query."""
    assignments = session.assignments.all()
    if group_id is not None:
        assignments = assignments.filter(group_id=group_id)
    row = assignments.aggregate(**_COUNTS)
    return AttendanceCounts(
        present=row["present"],
        absent=row["recorded"] - row["present"],
        not_recorded=row["assigned"] - row["recorded"],
    )


# Attendance rates.


def percentage_text(value: int | None) -> str:
    """ "75 %", or a dash when nothing was recorded."""
    if value is None:
        return "—"
    return _("%(rate)s %%") % {"rate": value}


@dataclass(frozen=True)
class Rate:
    """Attendance of one item, participant, country or province."""

    label: str
    assigned: int
    recorded: int
    present: int
    native: str = ""
    obj: object = None

    @property
    def absent(self) -> int:
        return self.recorded - self.present

    @property
    def of_recorded(self) -> int | None:
        """Present among those whose attendance was recorded, in per cent."""
        return percent(self.present, self.recorded)

    @property
    def of_assigned(self) -> int | None:
        """Present among everyone booked, in per cent."""
        return percent(self.present, self.assigned)

    @property
    def of_recorded_text(self) -> str:
        return percentage_text(self.of_recorded)

    @property
    def of_assigned_text(self) -> str:
        return percentage_text(self.of_assigned)


# One item's own counts, on its marking page (rates follow visits.queries.attendance_annotations).
_COUNTS = {
    "assigned": Count("id"),
    "recorded": Count("id", filter=Q(attended__isnull=False)),
    "present": Count("id", filter=Q(attended=True)),
}


def item_rates(programme: Programme) -> list[Rate]:
    """Every agenda item with its attendance: one query."""
    sessions = programme.sessions.annotate(**attendance_annotations("assignments__")).order_by(
        "starts_at", "title_en"
    )
    return [
        Rate(
            label=session.title,
            assigned=session.assigned,
            recorded=session.recorded,
            present=session.present,
            obj=session,
        )
        for session in sessions
    ]


def participant_rates(programme: Programme) -> list[Rate]:
    """Every participant booked on something, with their attendance: one query."""
    participants = (
        programme.participants.select_related("country")
        .annotate(**attendance_annotations("assignments__"))
        .filter(assigned__gt=0)
    )
    return [
        Rate(
            label=participant.full_name_latin or participant.full_name,
            native=participant.full_name
            if participant.full_name_latin and participant.full_name_latin != participant.full_name
            else "",
            assigned=participant.assigned,
            recorded=participant.recorded,
            present=participant.present,
            obj=participant,
        )
        for participant in participants
    ]


def origin_rates(programme: Programme) -> dict[str, list[Rate]]:
    """Attendance per member country (international delegates) and per province (domestic
    representatives): one query over the programme's bookings."""
    rows = (
        Assignment.objects.filter(
            session__programme=programme,
            participant__category__in=(
                Participant.Category.INTERNATIONAL,
                Participant.Category.DOMESTIC,
            ),
        )
        .values(
            "participant__category",
            "participant__country__country",
            "participant__province__name",
            "participant__subdivision",
            "participant__region",
        )
        .annotate(**attendance_annotations())
        .order_by()
    )
    countries: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    provinces: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        if row["participant__category"] == Participant.Category.INTERNATIONAL:
            code = row["participant__country__country"] or ""
            totals = countries[code]
        else:
            name = (
                region_name(row["participant__province__name"], row["participant__subdivision"])
                or row["participant__region"].strip()
            )
            totals = provinces[name]
        totals[0] += row["assigned"]
        totals[1] += row["recorded"]
        totals[2] += row["present"]

    def rates(totals: dict[str, list[int]], label) -> list[Rate]:
        return sorted(
            (
                Rate(label=label(key), assigned=a, recorded=r, present=p)
                for key, (a, r, p) in totals.items()
            ),
            key=lambda rate: rate.label.casefold(),
        )

    unknown = _("Not recorded")
    return {
        "countries": rates(countries, lambda code: str(country_names.name(code)) or unknown),
        "provinces": rates(provinces, lambda name: name or unknown),
    }
