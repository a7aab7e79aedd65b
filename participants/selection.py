"""Selection: the host's decision on each nomination, within the delegation's quotas.

A delegation has `seats` and `reserves`. A nomination marked selected takes a seat and becomes
a participant, who is invited at once; one marked reserve waits in `reserve_rank` order for a
seat that a selected participant frees by withdrawing. Quotas are checked under a row lock on
the Delegation, so two organisers deciding at once cannot overfill it (as bookings are locked).
"""

from collections import Counter
from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from programs.countries import country_name, name_sort_key
from programs.mail import bilingual_message
from programs.models import Delegation, FocalPoint, Programme

from .choices import Category, Gender
from .invitations import issue_invitation
from .models import INACTIVE_STATUSES, Nomination, NominationCall, Participant
from .services import save_participant

Status = Nomination.Status

# The decisions an organiser takes on the selection page.
DECISIONS = (Status.SELECTED, Status.RESERVE, Status.NOT_SELECTED)
DECISION_TEMPLATE = "participants/email/nomination_decision"


@dataclass
class Quota:
    """How full a delegation's seats and reserves are."""

    delegation: Delegation
    selected: int
    reserves: int

    @property
    def seats_left(self) -> int:
        return max(self.delegation.seats - self.selected, 0)

    @property
    def reserves_left(self) -> int:
        return max(self.delegation.reserves - self.reserves, 0)


def holding_a_seat(nominations: QuerySet[Nomination]) -> QuerySet[Nomination]:
    """Selected nominations whose participant has not withdrawn or declined: a participant who
    left frees the seat for the next reserve."""
    return nominations.filter(status=Status.SELECTED).exclude(
        participant__status__in=INACTIVE_STATUSES
    )


def quota_of(delegation: Delegation, *, exclude: Nomination | None = None) -> Quota:
    nominations = delegation.nominations.all()
    if exclude is not None:
        nominations = nominations.exclude(pk=exclude.pk)
    return Quota(
        delegation=delegation,
        selected=holding_a_seat(nominations).count(),
        reserves=nominations.filter(status=Status.RESERVE).count(),
    )


def quotas_of(call: NominationCall) -> dict[int, Quota]:
    """Every delegation's quota in one query, by delegation id."""
    delegations = call.programme.delegations.annotate(
        selected_count=Count(
            "nominations",
            filter=Q(nominations__call=call, nominations__status=Status.SELECTED)
            & ~Q(nominations__participant__status__in=INACTIVE_STATUSES),
        ),
        reserve_count=Count(
            "nominations", filter=Q(nominations__call=call, nominations__status=Status.RESERVE)
        ),
    ).select_related("country", "province")
    return {
        delegation.pk: Quota(delegation, delegation.selected_count, delegation.reserve_count)
        for delegation in delegations
    }


def next_reserve(delegation: Delegation) -> Nomination | None:
    """The delegation's first reserve (lowest `reserve_rank`, then the earliest nominated)."""
    return (
        delegation.nominations.filter(status=Status.RESERVE)
        .order_by("reserve_rank", "created_at", "pk")
        .first()
    )


def delegation_of(participant: Participant) -> Delegation | None:
    """The delegation whose seat the participant holds: their nomination's, else the one of
    their country (participants registered without a nomination)."""
    nomination = getattr(participant, "nomination", None)
    if nomination is not None:
        return nomination.delegation
    if participant.country_id is None:
        return None
    return participant.programme.delegations.filter(country_id=participant.country_id).first()


def reserve_offer_for(participant: Participant) -> Nomination | None:
    """The reserve to offer the withdrawn participant's seat to, if any: the next reserve of
    the same delegation, while the participant has not been replaced."""
    if not participant.can_be_replaced:
        return None
    delegation = delegation_of(participant)
    if delegation is None:
        return None
    return next_reserve(delegation)


@dataclass
class OpenSeat:
    """A seat freed by a selected participant who withdrew, and the reserve next in line."""

    withdrawn: Participant
    delegation: Delegation
    reserve: Nomination | None


def open_seats(call: NominationCall) -> list[OpenSeat]:
    """Seats of selected participants who withdrew and have not been replaced, with the next
    reserve of each one's delegation (two queries)."""
    freed = list(
        Nomination.objects.filter(
            call=call,
            status=Status.SELECTED,
            participant__status=Participant.Status.WITHDRAWN,
            participant__category=Participant.Category.INTERNATIONAL,
            participant__replaced_by__isnull=True,
        )
        .select_related("participant", "delegation__country", "delegation__province")
        .order_by("delegation", "pk")
    )
    if not freed:
        return []
    first_reserves: dict[int, Nomination] = {}
    for reserve in Nomination.objects.filter(
        call=call,
        status=Status.RESERVE,
        delegation_id__in={nomination.delegation_id for nomination in freed},
    ).order_by("reserve_rank", "created_at", "pk"):
        first_reserves.setdefault(reserve.delegation_id, reserve)
    return [
        OpenSeat(
            withdrawn=nomination.participant,
            delegation=nomination.delegation,
            reserve=first_reserves.get(nomination.delegation_id),
        )
        for nomination in freed
    ]


def participant_from_nomination(nomination: Nomination) -> Participant:
    """An unsaved, invited participant with the candidate's details, in the delegation's
    country or region and the nomination's category."""
    delegation = nomination.delegation
    return Participant(
        programme=delegation.programme,
        category=nomination.category,
        full_name=nomination.full_name,
        full_name_latin=nomination.full_name_latin,
        gender=nomination.gender,
        email=nomination.email,
        position=nomination.position,
        institution=nomination.institution,
        country_id=delegation.country_id,
        province_id=delegation.province_id,
        subdivision=delegation.subdivision,
        region=delegation.locality,
    )


def lock_delegation(delegation_id: int) -> Delegation:
    """Lock a delegation's row: every change to its seats and reserves takes this lock first."""
    return (
        Delegation.objects.select_for_update(of=("self",))
        .select_related("programme", "country", "province")
        .get(pk=delegation_id)
    )


def lock_nomination(nomination: Nomination) -> tuple[Delegation, Nomination]:
    """Lock the nomination's delegation, then read the nomination afresh."""
    delegation = lock_delegation(nomination.delegation_id)
    locked = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("participant")
        .get(pk=nomination.pk)
    )
    locked.delegation = delegation
    return delegation, locked


def check_quota(delegation: Delegation, nomination: Nomination, status: str) -> None:
    quota = quota_of(delegation, exclude=nomination)
    if status == Status.SELECTED and quota.seats_left == 0:
        raise ValidationError(
            ngettext(
                "The delegation of %(delegation)s has %(seats)s seat and it is taken: "
                "keep %(name)s in reserve or free a seat first.",
                "The delegation of %(delegation)s has %(seats)s seats and all are taken: "
                "keep %(name)s in reserve or free a seat first.",
                delegation.seats,
            )
            % {"delegation": delegation.origin, "seats": delegation.seats, "name": nomination},
            code="seats_full",
        )
    if status == Status.RESERVE and quota.reserves_left == 0:
        raise ValidationError(
            ngettext(
                "The delegation of %(delegation)s has %(reserves)s reserve place and it is taken.",
                "The delegation of %(delegation)s has %(reserves)s reserve places and all are "
                "taken.",
                delegation.reserves,
            )
            % {"delegation": delegation.origin, "reserves": delegation.reserves},
            code="reserves_full",
        )


def decision_refusal(nomination: Nomination, status: str) -> str | None:
    """Why the nomination cannot be given `status` now, or None when it can."""
    if status not in DECISIONS:
        return _("Choose selected, reserve or not selected.")
    if nomination.status == Status.WITHDRAWN:
        return _("%(name)s was withdrawn by the focal point.") % {"name": nomination}
    if nomination.participant_id is not None and status != Status.SELECTED:
        return _(
            "%(name)s is already a participant: change their status on their page instead."
        ) % {"name": nomination}
    return None


# What `_record` sets, for `save(update_fields=...)`.
DECISION_FIELDS = ["status", "reserve_rank", "decision_note", "decided_by", "decided_at"]


def _record(nomination: Nomination, status: str, note: str, by) -> None:
    """Set the decision's fields; a new reserve goes to the end of the delegation's queue."""
    if status == Status.RESERVE and nomination.status != Status.RESERVE:
        last = nomination.delegation.nominations.filter(status=Status.RESERVE).aggregate(
            last=Max("reserve_rank")
        )["last"]
        nomination.reserve_rank = (last or 0) + 1
    elif status != Status.RESERVE:
        nomination.reserve_rank = None
    nomination.status = status
    nomination.decision_note = note.strip()
    nomination.decided_by = by if by is not None and by.is_authenticated else None
    nomination.decided_at = timezone.now()


def decision_messages(nomination: Nomination) -> list[EmailMessage]:
    """The decision e-mail to the candidate and to each of the delegation's focal points, in
    English and the programme's content language."""
    programme = nomination.delegation.programme
    context = {
        "nomination": nomination,
        "programme": programme,
        "delegation": nomination.delegation,
        "status": nomination.status,
        "status_label": Status(nomination.status).label,
    }
    recipients = [(nomination.email, False)]
    focal_emails = (
        FocalPoint.objects.filter(delegation=nomination.delegation)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )
    recipients += [(email, True) for email in focal_emails if email != nomination.email]
    return [
        bilingual_message(
            DECISION_TEMPLATE,
            {**context, "to_focal_point": to_focal_point},
            language=programme.content_language,
            to=email,
        )
        for email, to_focal_point in recipients
    ]


def _send_all(messages: list[EmailMessage]) -> None:
    for message in messages:
        message.send()


def complete_selection(
    *,
    nomination: Nomination,
    participant: Participant,
    note: str,
    by,
    request_or_base_url: HttpRequest | str,
) -> Nomination:
    """Record `nomination` (locked by the caller) as selected with its saved `participant`,
    and issue the participant's invitation.

    Side effects: saves the decision and the link to the participant; creates the
    participant's Invitation (see `issue_invitation`); once the transaction commits, sends the
    invitation and the decision e-mails (see `decision_messages`).
    """
    _record(nomination, Status.SELECTED, note, by)
    nomination.participant = participant
    nomination.save(update_fields=[*DECISION_FIELDS, "participant", "updated_at"])
    participant.programme = nomination.delegation.programme
    _invitation, invitation_message = issue_invitation(
        participant=participant, by=by, request_or_base_url=request_or_base_url
    )
    messages = [invitation_message, *decision_messages(nomination)]
    transaction.on_commit(partial(_send_all, messages))
    return nomination


@transaction.atomic
def decide(
    *,
    nomination: Nomination,
    status: str,
    note: str,
    by,
    request_or_base_url: HttpRequest | str,
) -> Nomination:
    """Mark a nomination selected, reserve or not selected, with a note.

    Locks the delegation's row, so the seats and reserves quotas hold when several organisers
    decide at once. Raises ValidationError, saving nothing, when the quota is full or the
    nomination cannot take the decision (see `decision_refusal`).

    Side effects: saves the decision (who, when, note; a new reserve is ranked last in its
    delegation). A new decision is e-mailed, once committed, to the candidate and the
    delegation's focal points; the same decision again only updates the note. Selecting
    creates a participant from the nomination (see `participant_from_nomination`) and issues
    their invitation (see `complete_selection`).
    """
    delegation, locked = lock_nomination(nomination)
    refusal = decision_refusal(locked, status)
    if refusal is not None:
        raise ValidationError(refusal, code="refused")
    if locked.status == status:
        locked.decision_note = note.strip()
        locked.save(update_fields=["decision_note", "updated_at"])
        return locked
    check_quota(delegation, locked, status)
    if status == Status.SELECTED:
        participant = participant_from_nomination(locked)
        try:
            with transaction.atomic():
                save_participant(participant=participant, photo=None, by=by)
        except IntegrityError:
            raise ValidationError(
                _("A participant with the e-mail address %(email)s is already registered.")
                % {"email": locked.email},
                code="duplicate",
            ) from None
        return complete_selection(
            nomination=locked,
            participant=participant,
            note=note,
            by=by,
            request_or_base_url=request_or_base_url,
        )
    _record(locked, status, note, by)
    locked.save(update_fields=[*DECISION_FIELDS, "updated_at"])
    transaction.on_commit(partial(_send_all, decision_messages(locked)))
    return locked


# The balance summary.


@dataclass
class BalanceRow:
    label: str
    selected: int = 0
    nominated: int = 0


@dataclass
class Balance:
    """Counts of the candidates selected (and of all candidates still in the running) by
    gender, country or region, and category, and the first-time countries."""

    genders: list[BalanceRow] = field(default_factory=list)
    origins: list[BalanceRow] = field(default_factory=list)
    categories: list[BalanceRow] = field(default_factory=list)
    first_time_countries: list[BalanceRow] = field(default_factory=list)
    selected: int = 0
    nominated: int = 0


NOT_GIVEN = gettext_lazy("Not given")


def _rows(counts: Counter, selected: Counter, labels: dict) -> list[BalanceRow]:
    rows = [
        BalanceRow(str(labels.get(key, NOT_GIVEN)), selected[key], counts[key]) for key in counts
    ]
    return sorted(rows, key=lambda row: (-row.selected, -row.nominated, name_sort_key(row.label)))


def countries_with_earlier_participants(programme: Programme) -> set[int]:
    """Member countries that had at least one participant, who did not withdraw or decline, in
    a programme of this site that started before `programme`."""
    return set(
        Participant.objects.filter(
            programme__start_date__lt=programme.start_date, country__isnull=False
        )
        .exclude(status__in=INACTIVE_STATUSES)
        .order_by()
        .values_list("country_id", flat=True)
        .distinct()
    )


def balance_summary(call: NominationCall) -> Balance:
    """The balance of the selection so far, shown while selecting.

    Counts cover the call's nominations that are not withdrawn or not selected ("nominated")
    and, among them, the selected ones (those holding a seat). A country is *first-time* when
    no earlier programme on this site (one starting before this one) had a participant from
    it who did not withdraw or decline; domestic delegations are regions of the host and are
    never first-time. Runs a fixed number of queries (three) whatever the number of
    nominations.
    """
    programme = call.programme
    rows = (
        Nomination.objects.filter(call=call)
        .exclude(status__in=[Status.WITHDRAWN, Status.NOT_SELECTED])
        .values("status", "gender", "category", "delegation_id", "participant__status")
    )
    delegations = {
        delegation.pk: delegation
        for delegation in programme.delegations.select_related("country", "province")
    }
    genders, categories, origins = Counter(), Counter(), Counter()
    genders_sel, categories_sel, origins_sel = Counter(), Counter(), Counter()
    balance = Balance()
    for row in rows:
        holds_seat = (
            row["status"] == Status.SELECTED and row["participant__status"] not in INACTIVE_STATUSES
        )
        balance.nominated += 1
        genders[row["gender"]] += 1
        categories[row["category"]] += 1
        origins[row["delegation_id"]] += 1
        if holds_seat:
            balance.selected += 1
            genders_sel[row["gender"]] += 1
            categories_sel[row["category"]] += 1
            origins_sel[row["delegation_id"]] += 1
    origin_labels = {pk: delegation.origin for pk, delegation in delegations.items()}
    for pk, delegation in delegations.items():
        if delegation.country_id:
            origin_labels[pk] = country_name(delegation.country.code)
    balance.genders = _rows(genders, genders_sel, dict(Gender.choices))
    balance.categories = _rows(categories, categories_sel, dict(Category.choices))
    balance.origins = _rows(origins, origins_sel, origin_labels)
    earlier = countries_with_earlier_participants(programme)
    first_time = Counter(
        {
            pk: count
            for pk, count in origins.items()
            if delegations[pk].country_id and delegations[pk].country_id not in earlier
        }
    )
    balance.first_time_countries = _rows(first_time, origins_sel, origin_labels)
    return balance
