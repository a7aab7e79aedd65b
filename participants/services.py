from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from .models import ALLOWED_STATUS_CHANGES, Participant, StatusChange


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


@transaction.atomic
def change_status(*, participant: Participant, to_status: str, by, note: str = "") -> StatusChange:
    """Move a participant along the status workflow.

    Side effects: saves the participant's new status and records a StatusChange with who made
    it and when. Raises ValidationError for a move the workflow does not allow.
    """
    # Lock the row so two organisers changing the status at once cannot skip the workflow.
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    refusal = status_change_refusal(locked, to_status)
    if refusal is not None:
        raise ValidationError(refusal)
    change = StatusChange.objects.create(
        participant=locked,
        from_status=locked.status,
        to_status=to_status,
        changed_by=by if by is not None and by.is_authenticated else None,
        note=note,
    )
    Participant.objects.filter(pk=locked.pk).update(status=to_status)
    participant.status = to_status
    return change


def record_initial_status(*, participant: Participant, by) -> StatusChange:
    """Record the status a new participant starts with (usually invited)."""
    return StatusChange.objects.create(
        participant=participant,
        from_status="",
        to_status=participant.status,
        changed_by=by if by is not None and by.is_authenticated else None,
    )


@transaction.atomic
def save_participant(*, participant: Participant, photo: File | bool | None, by) -> Participant:
    """Save an organiser's entry for a participant, new or existing, with its photo.

    `photo` is a new (already re-encoded) image to store, False to remove the current photo,
    or None or the current file to leave it alone.

    Side effects: saves the participant; a new participant also gets its initial status
    recorded as a StatusChange by `by`; a new photo replaces the stored file (one file per
    participant) and a removed photo is deleted from storage.
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
    return participant
