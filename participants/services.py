from datetime import date

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.models import Programme

from .models import (
    ALLOWED_STATUS_CHANGES,
    INACTIVE_STATUSES,
    REASON_REQUIRED,
    STATUSES_NEEDING_A_REASON,
    Participant,
    StatusChange,
)
from .signals import participant_left
from .webhook_events import CREATED, STATUS_CHANGED, UPDATED, announce, status_change_data


def can_change_status(participant: Participant, to_status: str) -> bool:
    return to_status in ALLOWED_STATUS_CHANGES.get(participant.status, set())


def status_change_refusal(participant: Participant, to_status: str) -> str | None:
    """Why the participant cannot move to `to_status` now, or None when they can."""
    if can_change_status(participant, to_status):
        return None
    return _("A participant cannot go from “%(from)s” to “%(to)s”.") % {
        "from": participant.get_status_display(),
        "to": Participant.Status(to_status).label,
    }


def today_in(programme: Programme) -> date:
    """Today's date in the programme's time zone: the default effective date of a change."""
    return programme.to_local(timezone.now()).date()


@transaction.atomic
def change_status(
    *,
    participant: Participant,
    to_status: str,
    by,
    note: str = "",
    effective_on: date | None = None,
    reason: str = "",
) -> StatusChange:
    """Move a participant along the status workflow, from `effective_on` (default: today in
    the programme's time zone).

    Side effects: saves the participant's new status and records a StatusChange with who made
    it, when, from which day and why, and tells the programme's webhooks. Withdrawing or
    declining sets `inactive_from` to the start of the effective day and sends
    `participant_left` (the agenda releases the bookings from that day on); inviting again
    clears it. Raises ValidationError for a move the
    workflow does not allow, and for a withdrawal or decline without a reason.
    """
    # Lock the row so two organisers changing the status at once cannot skip the workflow.
    locked = Participant.objects.select_related("programme").select_for_update(of=("self",))
    locked = locked.get(pk=participant.pk)
    refusal = status_change_refusal(locked, to_status)
    if refusal is not None:
        raise ValidationError(refusal)
    reason = reason.strip()
    if to_status in STATUSES_NEEDING_A_REASON and not reason:
        raise ValidationError(
            REASON_REQUIRED % {"status": Participant.Status(to_status).label},
            code="reason",
        )
    programme = locked.programme
    effective_on = effective_on or today_in(programme)
    change = StatusChange.objects.create(
        participant=locked,
        from_status=locked.status,
        to_status=to_status,
        changed_by=by if by is not None and by.is_authenticated else None,
        note=note,
        effective_on=effective_on,
        reason=reason,
    )
    inactive_from = None
    if to_status in INACTIVE_STATUSES:
        inactive_from = programme.local_datetime(effective_on, 0)
    Participant.objects.filter(pk=locked.pk).update(
        status=to_status, inactive_from=inactive_from, updated_at=timezone.now()
    )
    participant.status, participant.inactive_from = to_status, inactive_from
    if inactive_from is not None:
        participant_left.send(
            sender=Participant, participant=participant, since=inactive_from, by=by
        )
    moved = status_change_data(change.from_status, to_status, effective_on)
    announce(programme, STATUS_CHANGED, [locked.pk], {locked.pk: moved})
    return change


def record_initial_status(*, participant: Participant, by) -> StatusChange:
    """Record the status a new participant starts with (usually invited)."""
    return StatusChange.objects.create(
        participant=participant,
        from_status="",
        to_status=participant.status,
        changed_by=by if by is not None and by.is_authenticated else None,
        effective_on=today_in(participant.programme),
    )


@transaction.atomic
def save_participant(*, participant: Participant, photo: File | bool | None, by) -> Participant:
    """Save an organiser's entry for a participant, new or existing, with its photo.

    `photo` is a new (already re-encoded) image to store, False to remove the current photo,
    or None or the current file to leave it alone.

    Side effects: saves the participant; a new participant also gets its initial status
    recorded as a StatusChange by `by`; a new photo replaces the stored file (one file per
    participant) and a removed photo is deleted from storage; the programme's webhooks hear
    of the new or changed participant.
    """
    created = participant.pk is None
    participant.save()
    if created:
        record_initial_status(participant=participant, by=by)
    if photo is False:
        if participant.photo:
            participant.photo.delete(save=False)
            participant.save(update_fields=["photo", "updated_at"])
    elif isinstance(photo, File) and not isinstance(photo, FieldFile):
        # The stored name is fixed per participant: free it so storage does not pick another.
        if participant.photo:
            participant.photo.delete(save=False)
        participant.photo.save("photo.jpg", photo, save=False)
        participant.save(update_fields=["photo", "updated_at"])
    announce(participant.programme, CREATED if created else UPDATED, [participant.pk])
    return participant
