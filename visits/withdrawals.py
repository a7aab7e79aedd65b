"""Withdrawals on the agenda: a departing participant's bookings are released, and a
replacement can take them over.

`release_bookings` runs when `participants.signals.participant_left` is sent (see
`VisitsConfig.ready`): the participants app changes the status without knowing the agenda.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import Nomination, Participant
from participants.selection import (
    check_quota,
    complete_selection,
    delegation_of,
    lock_delegation,
    lock_nomination,
    next_reserve,
    participant_from_nomination,
)
from participants.services import save_participant

from .assignments import assign_participants
from .models import Assignment, ReleasedBooking, Session
from .services import notify_participants_of_change

logger = logging.getLogger(__name__)


@transaction.atomic
def release_bookings(
    *, participant: Participant, since: datetime, by=None
) -> list[ReleasedBooking]:
    """Take a participant who withdrew or declined off every item starting at `since` or later.

    Side effects: records each booking (with its group and vehicle) as a ReleasedBooking,
    replacing an earlier release of the same item; deletes the bookings, which frees their
    seats, group places and vehicle seats; bumps the revision of each item still to be held
    and, once committed, tells its other participants as for any change of the item.
    """
    bookings = list(
        Assignment.objects.filter(participant=participant, session__starts_at__gte=since)
        .select_related("session")
        .order_by("session__starts_at", "pk")
    )
    if not bookings:
        return []
    session_ids = [booking.session_id for booking in bookings]
    ReleasedBooking.objects.filter(participant=participant, session__in=session_ids).delete()
    released = ReleasedBooking.objects.bulk_create(
        ReleasedBooking(
            participant=participant,
            session=booking.session,
            group_id=booking.group_id,
            vehicle_id=booking.vehicle_id,
        )
        for booking in bookings
    )
    Assignment.objects.filter(pk__in=[booking.pk for booking in bookings]).delete()
    live = Session.objects.filter(pk__in=session_ids, cancelled_at__isnull=True)
    live.update(revision=F("revision") + 1, updated_at=timezone.now())
    for session in live.only("pk", "revision"):
        notify_participants_of_change(session=session)
    logger.info(
        "participant %s left: %d bookings released (by user %s)",
        participant.pk,
        len(released),
        getattr(by, "pk", None),
    )
    return released


def release_bookings_of_leaver(
    sender, *, participant: Participant, since: datetime, by=None, **kwargs
) -> None:
    """Receiver of `participant_left`."""
    release_bookings(participant=participant, since=since, by=by)


@dataclass
class Replacement:
    """What `replace_participant` did: who replaces whom, and which bookings they took."""

    participant: Participant
    taken_over: list[Session] = field(default_factory=list)
    # Items on which the replacement could not be booked, with the reason (full, cancelled).
    refused: list[tuple[Session, str]] = field(default_factory=list)


def replaceable_by(withdrawn: Participant):
    """Who can take a withdrawn delegate's seat among those registered: invited participants
    of the same delegation (category and country) who replace nobody yet."""
    return (
        withdrawn.programme.participants.filter(
            status=Participant.Status.INVITED,
            category=withdrawn.category,
            country=withdrawn.country_id,
            replaces__isnull=True,
        )
        .exclude(pk=withdrawn.pk)
        .select_related("country")
    )


@transaction.atomic
def replace_participant(*, withdrawn: Participant, replacement: Participant, by) -> Replacement:
    """Give a withdrawn delegate's delegation seat and released bookings to `replacement`.

    `replacement` is a new, unsaved participant or an invited one from `replaceable_by`. It
    takes the withdrawn delegate's category and country. Raises ValidationError, saving
    nothing, when the withdrawn delegate cannot be replaced (any more).

    Side effects: saves the replacement with `replaces` set (a new one gets its initial status
    recorded); books them on each released item still held, in the same group and vehicle,
    through `assign_participants` (row locks and capacities as for any booking: an item,
    group or vehicle that has filled up meanwhile is left out and reported); marks the
    released bookings taken over.
    """
    locked = Participant.objects.select_for_update().get(pk=withdrawn.pk)
    if not locked.can_be_replaced:
        raise ValidationError(
            _("%(name)s cannot be replaced: only a withdrawn international delegate can, once.")
            % {"name": locked.display_name},
            code="not_replaceable",
        )
    if replacement.pk is not None and not replaceable_by(locked).filter(pk=replacement.pk).exists():
        raise ValidationError(
            _("%(name)s cannot take this seat.") % {"name": replacement.display_name},
            code="not_eligible",
        )
    replacement.replaces = locked
    replacement.category, replacement.country_id = locked.category, locked.country_id
    save_participant(participant=replacement, photo=None, by=by)
    result = Replacement(participant=replacement)
    releases = ReleasedBooking.objects.filter(
        participant=locked, taken_over_by__isnull=True
    ).select_related("session", "session__programme", "group", "vehicle")
    for release in releases:
        try:
            booked = assign_participants(
                session=release.session,
                participants=[replacement],
                group=release.group,
                vehicle=release.vehicle,
                by=by,
            )
        except ValidationError as error:
            result.refused.append((release.session, " ".join(error.messages)))
            continue
        if booked.added or booked.already_assigned:
            result.taken_over.append(release.session)
            release.taken_over_by = replacement
            release.save(update_fields=["taken_over_by"])
    return result


@transaction.atomic
def promote_next_reserve(
    *,
    withdrawn: Participant,
    reserve_id: int | None,
    by,
    request_or_base_url,
) -> Replacement:
    """Give a withdrawn delegate's seat to the next reserve of their delegation.

    `reserve_id` is the reserve the organiser was offered: if another is now next in line (a
    colleague promoted or re-ranked meanwhile), nothing is done. Raises ValidationError, saving
    nothing, when there is no reserve, the seat was given to someone else, or the withdrawn
    delegate cannot be replaced.

    Side effects, under the delegation's row lock: creates the participant from the reserve's
    nomination as the withdrawn delegate's replacement, taking over their released bookings
    (see `replace_participant`); records the nomination as selected and issues the invitation
    (see `participants.selection.complete_selection`), both e-mailed once committed with the
    decision e-mails.
    """
    if not withdrawn.can_be_replaced:
        raise ValidationError(
            _("%(name)s cannot be replaced: only a withdrawn international delegate can, once.")
            % {"name": withdrawn.display_name},
            code="not_replaceable",
        )
    delegation = delegation_of(withdrawn)
    if delegation is None:
        raise ValidationError(_("No delegation holds this seat."), code="no_delegation")
    delegation = lock_delegation(delegation.pk)
    reserve = next_reserve(delegation)
    if reserve is None:
        raise ValidationError(
            _("The delegation of %(delegation)s has no reserve left.")
            % {"delegation": delegation.origin},
            code="no_reserve",
        )
    if reserve_id is not None and reserve.pk != reserve_id:
        raise ValidationError(
            _("The reserve list changed meanwhile: %(name)s is now next. Please check again.")
            % {"name": reserve.name},
            code="stale",
        )
    delegation, reserve = lock_nomination(reserve)
    check_quota(delegation, reserve, Nomination.Status.SELECTED)
    try:
        with transaction.atomic():
            result = replace_participant(
                withdrawn=withdrawn, replacement=participant_from_nomination(reserve), by=by
            )
    except IntegrityError:
        raise ValidationError(
            _("A participant with the e-mail address %(email)s is already registered.")
            % {"email": reserve.email},
            code="duplicate",
        ) from None
    complete_selection(
        nomination=reserve,
        participant=result.participant,
        note=_("Replaces %(name)s.") % {"name": withdrawn.display_name},
        by=by,
        request_or_base_url=request_or_base_url,
    )
    return result
