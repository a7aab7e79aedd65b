"""Who looked at passport data: the record every such page, file and download writes.

Recording costs one INSERT, whatever the number of participants concerned: an export stores
their ids in its one row. Entries are kept for `ACCESS_LOG_KEPT_FOR`, then deleted by the
`participants.purge_access_log` beat task.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from programs.models import Programme

from .models import Participant, PersonalDataAccess

ACCESS_LOG_KEPT_FOR = timedelta(days=365)

Kind = PersonalDataAccess.Kind


def record_personal_data_access(
    *,
    programme: Programme,
    by,
    kind: str,
    participants: Iterable[Participant | int] = (),
    detail: str = "",
) -> PersonalDataAccess:
    """Record that `by` saw or received passport data of `participants` in `programme`.

    `participants` are participants or their ids (an export passes the ids it wrote).
    Side effects: inserts one PersonalDataAccess row.
    """
    ids = [item if isinstance(item, int) else item.pk for item in participants]
    user = by if by is not None and by.is_authenticated else None
    return PersonalDataAccess.objects.create(
        programme=programme,
        accessed_by=user,
        accessed_by_email=user.email if user is not None else "",
        kind=kind,
        detail=detail[:200],
        participant_ids=ids,
        participant_count=len(ids),
    )


def purge_expired_access_entries(*, now=None) -> int:
    """Delete the entries older than ACCESS_LOG_KEPT_FOR; returns how many went.

    Side effects: deletes PersonalDataAccess rows.
    """
    cutoff = (now or timezone.now()) - ACCESS_LOG_KEPT_FOR
    deleted, _by_model = PersonalDataAccess.objects.filter(accessed_at__lt=cutoff).delete()
    return deleted


def access_entries_of(programme: Programme) -> QuerySet[PersonalDataAccess]:
    """The programme's entries, newest first, with who made them."""
    return programme.personal_data_accesses.select_related("accessed_by")


# An export may concern thousands of people: the page names the first ones and counts the rest.
NAMES_SHOWN = 20


def with_participant_names(entries: list[PersonalDataAccess]) -> list[PersonalDataAccess]:
    """Attach `people` (names of the first NAMES_SHOWN participants concerned) and
    `more_people` (how many others) to each entry.

    One query for the whole page. A participant deleted since shows as “#id”.
    """
    ids = {pk for entry in entries for pk in entry.participant_ids[:NAMES_SHOWN]}
    names = (
        {
            participant.pk: participant.display_name
            for participant in Participant.objects.filter(pk__in=ids).only(
                "pk", "full_name", "full_name_latin"
            )
        }
        if ids
        else {}
    )
    for entry in entries:
        shown = entry.participant_ids[:NAMES_SHOWN]
        entry.people = [names.get(pk, f"#{pk}") for pk in shown]
        entry.more_people = entry.participant_count - len(shown)
    return entries
