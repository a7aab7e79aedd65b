"""Personal data through its life, for what this app holds: participants and imports.

- The retention purge empties, after the programme's "personal data kept until" day, what was
  needed only to run it: passport details, travel, dietary and accessibility needs and
  emergency contacts (`RETENTION_FIELDS`), and deletes the travel desk's rows (`PERSONAL_ROWS`:
  visas, travel legs, allowance payments, rooms) and its import batches. Names, country, region,
  institution, contact e-mail and phone, status and attendance stay: certificates, their
  verification and the closing report are built from them.
- An erasure on request empties, for one person, everything that identifies them
  (`ERASURE_FIELDS`) and deletes their `PERSONAL_ROWS`, but keeps the row with what the
  programme's counts use (category, status, gender, country, province, region) and its
  attendance, so the closing report's figures stay right.
- Calls for nominations and group messages: the purge deletes the nominations (with their
  CVs, letters and answers; the selected ones live on as participants) and the log of who was
  e-mailed; an erasure deletes the person's own nomination and log rows.
- Allowances: the records of payment are among the `PERSONAL_ROWS`; the rates and meal days
  stay, as they name no one.
- Import batches lose their rows (whole uploaded rows, passports included) once saved, or a
  day after the upload when never saved.
- Action plans (with their milestones and the team's comments) and alumni listings are the
  programme's outcomes, kept with the participant's consent (a plan reaches reports only if
  they agreed; a listing exists only because they joined): the purge keeps them, as follow-up
  surveys ask about the milestones months later and the directory serves alumni for years.
  The participant removes a listing by leaving the directory; an erasure deletes both
  (`ERASED_ROWS`).

The generated files (visa letters, certificates) belong to `reports`, whose `retention`
module runs the whole purge and the whole erasure around these functions.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Model, Q, QuerySet
from django.utils import timezone

from programs.models import Programme

from .models import (
    ActionPlan,
    AllowancePayment,
    AlumniListing,
    ImportBatch,
    Invitation,
    MessageRecipient,
    Nomination,
    Participant,
    RoomAssignment,
    TravelLeg,
    Visa,
    new_badge_code,
    participant_field_labels,
)

# Rows of their own that hold a participant's personal data for running the programme: deleted
# whole by the purge and by an erasure, and named like fields in the records of a removal (see
# `participant_field_labels`).
PERSONAL_ROWS: dict[str, type[Model]] = {
    "visa": Visa,
    "legs": TravelLeg,
    "allowance_payment": AllowancePayment,
    "room": RoomAssignment,
}

# Rows the person wrote or chose to keep after the programme: the purge leaves them (see the
# module's docstring), an erasure deletes them with the person's other rows.
ERASED_ROWS: dict[str, type[Model]] = {
    "action_plan": ActionPlan,
    "alumni_listing": AlumniListing,
}

# What the retention purge empties, and the value it leaves.
RETENTION_FIELDS: dict[str, Any] = {
    "nationality": "",
    "passport_number": "",
    "passport_expiry": None,
    "date_of_birth": None,
    "place_of_birth": "",
    "arrival_at": None,
    "arrival_details": "",
    "departure_at": None,
    "departure_details": "",
    "accommodation": "",
    "dietary_needs": "",
    "accessibility_needs": "",
    "emergency_contact_name": "",
    "emergency_contact_phone": "",
    "emergency_contact_relation": "",
}

# What an erasure empties besides: everything that names or reaches the person. The full name
# gets a placeholder (see `erased_name`); the photo's file is deleted.
ERASURE_FIELDS: dict[str, Any] = {
    "full_name_latin": "",
    "certificate_name": "",
    "position": "",
    "institution": "",
    "email": "",
    "phone": "",
    "home_time_zone": "",
    "feed_token": None,
    **RETENTION_FIELDS,
}

# Unsaved import rows are kept this long for the organiser to confirm them.
UNAPPLIED_IMPORT_ROWS_KEPT_FOR = timedelta(hours=24)


def erased_name(participant: Participant) -> str:
    """The placeholder stored as the full name of an erased participant (lists need a name)."""
    return f"Erased participant {participant.pk}"


def _holds_data(name: str, empty: Any) -> Q:
    return Q(**{f"{name}__isnull": False}) if empty is None else ~Q(**{name: empty})


def retention_field_labels() -> list[str]:
    """What the retention purge empties, for the page that tells organisers."""
    return participant_field_labels([*RETENTION_FIELDS, *PERSONAL_ROWS])


def delete_personal_rows(participants: QuerySet[Participant]) -> tuple[set[int], list[str]]:
    """Delete the `PERSONAL_ROWS` of these participants: returns whose they were and the names
    of the kinds that had any.

    Side effects: deletes those rows.
    """
    owners: set[int] = set()
    kinds = []
    for name, model in PERSONAL_ROWS.items():
        rows = model.objects.filter(participant__in=participants)
        found = set(rows.values_list("participant_id", flat=True))
        if found:
            rows.delete()
            owners |= found
            kinds.append(name)
    return owners, kinds


def purge_personal_fields(*, programme: Programme) -> tuple[int, list[str]]:
    """Empty the `RETENTION_FIELDS` of every participant of the programme and delete their
    `PERSONAL_ROWS`.

    Returns how many participants held any of them and which held data (fields in model
    order, then the kinds of rows); (0, []) when there was nothing left to empty, so running it
    again changes nothing.

    Side effects: deletes the rows; one UPDATE of the participants that held data (their
    `updated_at` too).
    """
    participants = programme.participants.all()
    counts = participants.aggregate(
        **{
            name: Count("pk", filter=_holds_data(name, empty))
            for name, empty in RETENTION_FIELDS.items()
        }
    )
    held = [name for name in RETENTION_FIELDS if counts[name]]
    owners, rows = delete_personal_rows(participants)
    if not held and not owners:
        return 0, []
    any_data = Q(pk__in=owners)
    for name in held:
        any_data |= _holds_data(name, RETENTION_FIELDS[name])
    touched = participants.filter(any_data).update(**RETENTION_FIELDS, updated_at=timezone.now())
    return touched, held + rows


def _delete_nominations(nominations: QuerySet[Nomination]) -> int:
    """Delete the nominations and, once that is committed, their documents."""
    files = [
        (field.name, field.storage)
        for nomination in nominations.only("cv", "nomination_letter")
        for field in (nomination.cv, nomination.nomination_letter)
        if field
    ]
    deleted = nominations.delete()[1].get(Nomination._meta.label, 0)

    def delete_files() -> None:
        for name, storage in files:
            storage.delete(name)

    transaction.on_commit(delete_files)
    return deleted


def purge_nominations_and_messages(*, programme: Programme) -> tuple[int, int]:
    """Delete the nominations of the programme's call and its group messages' recipient rows.

    Returns how many of each went; (0, 0) when nothing was left. The call itself (deadline,
    eligibility, questions) and the messages' texts stay: they name no one.
    """
    nominations = _delete_nominations(Nomination.objects.filter(call__programme=programme))
    recipients = MessageRecipient.objects.filter(message__programme=programme).delete()[0]
    return nominations, recipients


def erase_nominations_and_messages(*, participant: Participant) -> None:
    """Delete the participant's nomination and the rows saying which messages they were sent."""
    _delete_nominations(Nomination.objects.filter(participant=participant))
    MessageRecipient.objects.filter(participant=participant).delete()


def delete_import_batches(*, programme: Programme) -> int:
    """Delete every import batch of the programme; returns how many there were.

    Side effects: deletes ImportBatch rows.
    """
    deleted, _by_model = programme.import_batches.all().delete()
    return deleted


def expired_import_rows(*, now: datetime) -> QuerySet[ImportBatch]:
    """Batches whose rows should be gone: saved ones, and unsaved ones older than a day."""
    return ImportBatch.objects.filter(rows_cleared_at__isnull=True).filter(
        Q(applied_at__isnull=False) | Q(created_at__lt=now - UNAPPLIED_IMPORT_ROWS_KEPT_FOR)
    )


def clear_import_rows(*, now: datetime) -> int:
    """Empty the rows of every saved batch and of unsaved batches older than a day.

    The batch itself stays (file name, who uploaded it, when it was saved). Returns how many
    batches lost their rows; running it again changes nothing.

    Side effects: one UPDATE of ImportBatch rows (`rows` to [], `rows_cleared_at` to `now`).
    """
    return expired_import_rows(now=now).update(rows=[], rows_cleared_at=now)


def account_is_used_elsewhere(participant: Participant) -> bool:
    """Whether the participant's account serves anything besides this participation."""
    user = participant.user
    if user is None:
        return False
    return (
        user.is_staff
        or user.is_superuser
        or user.programme_memberships.exists()
        or user.participations.exclude(pk=participant.pk).exists()
    )


def anonymise_participant(*, participant: Participant, now: datetime) -> list[str]:
    """Remove what identifies the participant; keep what the programme's counts use.

    Returns the names of the fields that held data. The account is deleted when it serves
    nothing else (its login goes with it); otherwise it is only unlinked, as it still serves
    the person's other programmes or roles.

    Side effects: saves the participant anonymised with `erased_at` set and a new badge code
    (the printed badge no longer scans); deletes their `PERSONAL_ROWS` and `ERASED_ROWS` (action
    plan with milestones and comments, alumni listing), the invitation, the follow-up
    invitations and answers, the daily reminder marks, possibly the account (see above) and,
    after commit, the photo file; empties the reasons of the participant's status changes.
    """
    held = [
        name
        for name, empty in ERASURE_FIELDS.items()
        if getattr(participant, name) not in (empty, None)
    ]
    if participant.photo:
        # The file goes once the anonymised row is saved for good.
        photo, storage = participant.photo.name, participant.photo.storage
        transaction.on_commit(lambda: storage.delete(photo))
        held.append("photo")
    held = ["full_name", *held]
    user = participant.user
    if user is not None:
        held.append("user")
        if not account_is_used_elsewhere(participant):
            participant.user = None
            user.delete()
    for name, empty in ERASURE_FIELDS.items():
        setattr(participant, name, empty)
    participant.full_name = erased_name(participant)
    participant.photo = ""
    participant.user = None
    participant.badge_code = new_badge_code()
    participant.erased_at = now
    participant.save()
    participant.daily_reminders.all().delete()
    Invitation.objects.filter(participant=participant).delete()
    # Follow-up answers tell of the person's work; their milestones go with the action plan.
    participant.follow_up_invitations.all().delete()
    erase_nominations_and_messages(participant=participant)
    # Why someone withdrew may tell of their health or family: the date stays, the words go.
    participant.status_changes.exclude(reason="").update(reason="")
    model_order = [field.name for field in Participant._meta.fields]
    held = sorted(set(held), key=model_order.index)
    held += delete_personal_rows(Participant.objects.filter(pk=participant.pk))[1]
    for name, model in ERASED_ROWS.items():
        if model.objects.filter(participant=participant).delete()[0]:
            held.append(name)
    return held
