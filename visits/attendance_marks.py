"""Saving an attendance mark: once per key, and the latest mark decides.

Marks taken on a device without a connection reach the server late, more than once and out of
order. Each carries a key made on the device and the time it was made; the server keeps every
mark in the booking's history, records a key only once, and sets the booking's attendance to
the mark made last.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from participants.models import Participant

from .attendance_models import AttendanceMark
from .models import Assignment, Session
from .webhook_events import announce_attendance

# How far ahead of the server a device's clock may run before its marks are refused.
CLOCK_SKEW = timedelta(minutes=5)
# How long a mark may wait on a device before it is too old to be trusted.
MARK_MAX_AGE = timedelta(days=7)


@dataclass(frozen=True)
class MarkOutcome:
    """What saving a mark did.

    `duplicate`: its key was saved before, so nothing new was stored and `mark` is the earlier
    one. `current`: the mark is the booking's attendance now (False when a mark made later was
    already there). `changed`: the booking's attendance changed.
    """

    mark: AttendanceMark
    duplicate: bool
    current: bool
    changed: bool


def check_mark_time(marked_at: datetime, *, now: datetime | None = None) -> None:
    """Raise ValidationError for a time in the future (beyond the clock skew) or too long ago."""
    now = now or timezone.now()
    if marked_at > now + CLOCK_SKEW:
        raise ValidationError(
            _("The mark's time is in the future. Check the clock of the device."),
            code="future",
        )
    if marked_at < now - MARK_MAX_AGE:
        raise ValidationError(
            _("The mark was made more than %(days)s days ago and is not recorded.")
            % {"days": MARK_MAX_AGE.days},
            code="too_old",
        )


def refuse_attendance_after_leaving(participant: Participant, session: Session) -> None:
    """Raise ValidationError when the item starts after the participant withdrew or declined."""
    if not participant.has_left_by(session.starts_at):
        return
    day = session.programme.to_local(participant.inactive_from).date()
    raise ValidationError(
        _(
            "%(name)s is “%(status)s” from %(day)s: attendance at later items is not "
            "recorded. Nothing was recorded."
        )
        % {
            "name": participant.display_name,
            "status": participant.get_status_display(),
            "day": date_format(day, "j F Y"),
        },
        code="inactive",
    )


def save_mark(
    *,
    assignment: Assignment,
    attended: bool | None,
    by,
    marked_at: datetime | None = None,
    key: uuid.UUID | str | None = None,
    source: str = AttendanceMark.Source.PAGE,
) -> MarkOutcome:
    """Store a mark in the booking's history and apply it when it is the latest.

    `by` is a user or None. Raises ValidationError, saving nothing, for a mark on an item after
    the participant withdrew or declined (clearing a mark stays possible), for a `marked_at`
    out of bounds (`check_mark_time`) and for a key already used on another booking.

    Side effects: saves the mark; when it is the latest and says something new, saves the
    booking's attendance with who made the mark and when, and tells the programme's webhooks.
    Updates `assignment` in place.
    """
    # Checked only for someone who left: it saves fetching the item for everyone else.
    if attended is not None and assignment.participant.inactive_from is not None:
        refuse_attendance_after_leaving(assignment.participant, assignment.session)
    now = timezone.now()
    marked_at = marked_at or now
    check_mark_time(marked_at, now=now)
    key = uuid.UUID(str(key)) if key is not None else uuid.uuid4()
    try:
        with transaction.atomic():
            outcome = _save_locked(assignment, attended, by, marked_at, key, source)
    except IntegrityError:
        # The same key saved at the same moment by another request, which holds the booking's
        # lock no longer: the mark it saved is the answer.
        return _earlier(assignment, key)
    if outcome.changed:
        announce_attendance(assignment.pk)
    return outcome


def _save_locked(assignment, attended, by, marked_at, key, source) -> MarkOutcome:
    # One mark at a time per booking: the latest is decided against every mark saved before.
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    earlier = AttendanceMark.objects.filter(key=key).first()
    if earlier is not None:
        return _duplicate(assignment, earlier)
    latest = locked.marks.aggregate(latest=Max("marked_at"))["latest"]
    # Bookings marked before marks were kept have only their own time.
    latest = latest or locked.attendance_recorded_at
    mark = AttendanceMark.objects.create(
        assignment=locked,
        key=key,
        attended=attended,
        marked_at=marked_at,
        by=by,
        source=source,
    )
    if latest is not None and marked_at < latest:
        _copy_attendance(locked, assignment)
        return MarkOutcome(mark=mark, duplicate=False, current=False, changed=False)
    changed = locked.attended is not attended
    if changed:
        locked.attended = attended
        locked.attendance_recorded_at = None if attended is None else marked_at
        locked.attendance_recorded_by = None if attended is None else by
        locked.save(update_fields=["attended", "attendance_recorded_at", "attendance_recorded_by"])
    _copy_attendance(locked, assignment)
    return MarkOutcome(mark=mark, duplicate=False, current=True, changed=changed)


def _earlier(assignment: Assignment, key: uuid.UUID) -> MarkOutcome:
    earlier = AttendanceMark.objects.filter(key=key).first()
    if earlier is None:
        raise ValidationError(_("The mark could not be saved. Send it again."), code="retry")
    assignment.refresh_from_db(
        fields=["attended", "attendance_recorded_at", "attendance_recorded_by"]
    )
    return _duplicate(assignment, earlier)


def _duplicate(assignment: Assignment, earlier: AttendanceMark) -> MarkOutcome:
    if earlier.assignment_id != assignment.pk:
        raise ValidationError(
            _("This mark's key was already used for another booking."), code="key_reused"
        )
    later = AttendanceMark.objects.filter(
        assignment_id=earlier.assignment_id, marked_at__gt=earlier.marked_at
    ).exists()
    return MarkOutcome(mark=earlier, duplicate=True, current=not later, changed=False)


def _copy_attendance(source: Assignment, target: Assignment) -> None:
    target.attended = source.attended
    target.attendance_recorded_at = source.attendance_recorded_at
    target.attendance_recorded_by_id = source.attendance_recorded_by_id
