"""The alumni directory: who may join, who sees whom, and whose contacts are shown.

- A participant who takes part (confirmed, arrived or completed) may join the directory of
  their programme, during or after it, and leave it at any time. Withdrawn, declined and
  erased participants are never listed, even when a listing remains.
- An alum sees the listed alumni of every programme they are listed in themselves: someone
  who took part in several programmes and joined each directory sees all of them in one list.
  The programme's team sees its own programme's directory. Nobody else sees anything.
- E-mail addresses and phones are shown only for alumni who agreed to share them, and only to
  viewers who share theirs (on at least one listing): contact is mutual.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.forms import ModelForm

from .alumni_models import AlumniListing
from .evaluation import ELIGIBLE_STATUSES
from .models import Participant, by_readable_name

LISTED_STATUSES = ELIGIBLE_STATUSES


def may_join(participant: Participant) -> bool:
    return participant.status in LISTED_STATUSES and not participant.is_erased


def listed(listings: QuerySet[AlumniListing]) -> QuerySet[AlumniListing]:
    """The listings that show: of people who still take part and were not erased."""
    return listings.filter(participant__status__in=LISTED_STATUSES, participant__erased_at=None)


@dataclass
class Viewer:
    """What one user may see of the directory."""

    programme_ids: set[int] = field(default_factory=set)
    shares_contact: bool = False

    @property
    def is_listed(self) -> bool:
        return bool(self.programme_ids)


def viewer_of(user) -> Viewer:
    """The programmes whose directory `user` sees as an alum, and whether they share their
    contacts: one query."""
    rows = listed(AlumniListing.objects.filter(participant__user_id=user.pk)).values_list(
        "participant__programme_id", "share_contact"
    )
    viewer = Viewer()
    for programme_id, shares in rows:
        viewer.programme_ids.add(programme_id)
        viewer.shares_contact |= shares
    return viewer


def directory(programme_ids: set[int], *, search: str = "") -> QuerySet[AlumniListing]:
    """The listed alumni of these programmes by name, newest programme first for a person
    listed twice; `search` matches names, institution, topics. One query (with a page)."""
    listings = listed(AlumniListing.objects.filter(participant__programme_id__in=programme_ids))
    search = search.strip()
    if search:
        listings = listings.filter(
            Q(participant__full_name__icontains=search)
            | Q(participant__full_name_latin__icontains=search)
            | Q(participant__institution__icontains=search)
            | Q(topics__icontains=search)
        )
    return listings.select_related(
        "participant__programme", "participant__country", "participant__province"
    ).order_by(*by_readable_name("participant__"), "-participant__programme__start_date", "pk")


def save_listing(*, participant: Participant, form: ModelForm) -> AlumniListing:
    """Side effects: creates or updates the participant's AlumniListing from a valid form."""
    listing = form.save(commit=False)
    listing.participant = participant
    listing.save()
    return listing


def leave_directory(*, participant: Participant) -> bool:
    """Side effects: deletes the participant's listing; False when there was none."""
    deleted, _by_model = AlumniListing.objects.filter(participant=participant).delete()
    return bool(deleted)
