"""Visas of international delegates: recording where each stands, and counting them.

The rules of a visa's dates live in `Visa.clean`; this module saves, moves and counts. A
participant without a Visa row is "unknown" (`VISA_STATUS` says so in SQL, `visa_status_of`
in Python).
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.models import Programme

from .models import Participant
from .queries import active_participants
from .visa_models import Visa

# A participant's visa status in a query: their row's, else "unknown".
VISA_STATUS = Coalesce("visa__status", Value(Visa.Status.UNKNOWN.value))


def visa_status_of(participant: Participant) -> str:
    """The participant's visa status; "unknown" without a Visa row."""
    try:
        return participant.visa.status
    except Visa.DoesNotExist:
        return Visa.Status.UNKNOWN


def visa_of(participant: Participant) -> Visa:
    """The participant's Visa row, or an unsaved "unknown" one."""
    try:
        return participant.visa
    except Visa.DoesNotExist:
        return Visa(participant=participant)


def needs_visa(participant: Participant) -> bool:
    """Only international delegates travel in on a foreign passport."""
    return participant.category == Participant.Category.INTERNATIONAL


@transaction.atomic
def set_visa(
    participant: Participant,
    *,
    status: str,
    applied_on: date | None,
    decided_on: date | None,
    reference: str,
    note: str,
    by,
) -> Visa:
    """Record where the participant's visa stands.

    Raises ValidationError (by field where it concerns one) for a participant who needs no
    visa, an erased one, or dates that do not fit the status (see `Visa.clean`); nothing is
    saved then.

    Side effects: creates or updates the participant's Visa row (`updated_by` = `by`).
    """
    if not needs_visa(participant):
        raise ValidationError(_("Only international delegates need a visa."))
    if participant.is_erased:
        raise ValidationError(_("This participant's personal data was erased."))
    visa = Visa.objects.select_for_update().filter(participant=participant).first()
    if visa is None:
        visa = Visa(participant=participant)
    visa.participant = participant
    visa.status = status
    visa.applied_on = applied_on
    visa.decided_on = decided_on
    visa.reference = reference.strip()
    visa.note = note.strip()
    visa.updated_by = by if by is not None and by.is_authenticated else None
    visa.full_clean(exclude=["participant"])
    visa.save()
    participant.visa = visa
    return visa


def record_letters_sent(participant_ids: Iterable[int], *, by) -> int:
    """Note that a visa support letter was made for these participants.

    Only an "unknown" visa moves, to "letter sent": a status recorded since (applied,
    issued, not required…) says more and stays. Returns how many moved (a visa someone saved
    at the same moment, which stays as they saved it, may be counted).

    Side effects: updates the "unknown" Visa rows and creates the missing ones, of
    international delegates only; two queries and one INSERT, whatever the number.
    """
    user = by if by is not None and by.is_authenticated else None
    delegates = Participant.objects.filter(
        pk__in=list(participant_ids), category=Participant.Category.INTERNATIONAL
    )
    with transaction.atomic():
        moved = Visa.objects.filter(participant__in=delegates, status=Visa.Status.UNKNOWN).update(
            status=Visa.Status.LETTER_SENT, updated_by=user, updated_at=timezone.now()
        )
        missing = delegates.filter(visa__isnull=True).values_list("pk", flat=True)
        created = Visa.objects.bulk_create(
            [
                Visa(participant_id=pk, status=Visa.Status.LETTER_SENT, updated_by=user)
                for pk in missing
            ],
            # Someone else's save of the same visa meanwhile wins: theirs says more.
            ignore_conflicts=True,
        )
    return moved + len(created)


def visa_delegates(programme: Programme) -> QuerySet[Participant]:
    """The programme's active international delegates: those whose visas are followed."""
    return active_participants(programme).filter(category=Participant.Category.INTERNATIONAL)


def visa_status_counts(programme: Programme) -> list[dict]:
    """Every visa status with its number of active international delegates: one query."""
    counts = dict(
        visa_delegates(programme)
        .annotate(visa_status=VISA_STATUS)
        .values_list("visa_status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Visa.Status.choices
    ]
