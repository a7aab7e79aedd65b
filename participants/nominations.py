"""The call for nominations: opening, closing and extending it, nominating within a delegation's
quota, withdrawing, and the candidate's own link to complete their profile.

The quota (seats + reserves) and the deadline are checked under a lock on the delegation's row,
so that two focal points nominating at once cannot both take the last place.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programs.mail import bilingual_message
from programs.models import Delegation

from .nomination_models import Nomination, NominationAnswer, NominationCall, NominationQuestion
from .profile_links import issue_profile_token, profile_link

logger = logging.getLogger(__name__)

# Nominations that take a place in the delegation's quota.
COUNTED = ~Q(status=Nomination.Status.WITHDRAWN)
PROFILE_LINK_TEMPLATE = "participants/email/nomination_profile_link"


@dataclass(frozen=True)
class NominationQuota:
    """How many candidates a delegation may put forward, and how many it has."""

    seats: int
    reserves: int
    nominated: int

    @property
    def allowed(self) -> int:
        return self.seats + self.reserves

    @property
    def remaining(self) -> int:
        return max(self.allowed - self.nominated, 0)

    @property
    def is_full(self) -> bool:
        return self.nominated >= self.allowed

    def full_message(self, delegation: Delegation) -> str:
        """What a focal point reads when every place of the delegation is nominated."""
        return ngettext(
            "%(delegation)s has nominated %(count)d candidates, its whole quota of %(seats)d "
            "seat and %(reserves)d in reserve. Withdraw a nomination to nominate someone else.",
            "%(delegation)s has nominated %(count)d candidates, its whole quota of %(seats)d "
            "seats and %(reserves)d in reserve. Withdraw a nomination to nominate someone else.",
            self.seats,
        ) % {
            "delegation": delegation.origin,
            "count": self.nominated,
            "seats": self.seats,
            "reserves": self.reserves,
        }


def nomination_quota(
    delegation: Delegation, *, call: NominationCall | None = None
) -> NominationQuota:
    """The delegation's quota and its nominations that count (all but withdrawn ones).

    `delegation.nominated_count`, when a query annotated it (`nominations_counted`), saves a
    query per delegation on list pages.
    """
    nominated = getattr(delegation, "nominated_count", None)
    if nominated is None:
        nominations = Nomination.objects.filter(COUNTED, delegation=delegation)
        if call is not None:
            nominations = nominations.filter(call=call)
        nominated = nominations.count()
    return NominationQuota(delegation.seats, delegation.reserves, nominated)


def nominations_counted(delegations, call: NominationCall):
    """Annotate each delegation with `nominated_count` for `nomination_quota` (one query)."""
    return delegations.annotate(
        nominated_count=Count(
            "nominations",
            filter=Q(nominations__call=call) & ~Q(nominations__status=Nomination.Status.WITHDRAWN),
        )
    )


def closed_refusal(call: NominationCall, now: datetime | None = None) -> str | None:
    """Why the call takes no nominations or changes now, or None while it is open."""
    if call.is_open(now):
        return None
    return _(
        "The call for nominations closed on %(deadline)s: nominations can no longer be "
        "added, changed or withdrawn. Ask the organisers if it should be extended."
    ) % {"deadline": local_deadline(call)}


def local_deadline(call: NominationCall) -> str:
    """The deadline as the programme's clock shows it, with the zone's name."""
    programme = call.programme
    moment = date_format(programme.to_local(call.deadline), "j F Y, H:i")
    return f"{moment} ({programme.time_zone})"


def _check_open(call: NominationCall) -> None:
    refusal = closed_refusal(call)
    if refusal is not None:
        raise ValidationError(refusal)


def save_answers(*, nomination: Nomination, answers: dict[int, int | str | None]) -> None:
    """Store the answers to the call's questions (question id → rating or text); an empty
    answer removes a saved one."""
    questions = {q.pk: q for q in NominationQuestion.objects.filter(call_id=nomination.call_id)}
    for question_id, value in answers.items():
        question = questions.get(question_id)
        if question is None:
            continue
        if value in (None, ""):
            NominationAnswer.objects.filter(nomination=nomination, question=question).delete()
            continue
        is_rating = question.kind == NominationQuestion.Kind.RATING
        NominationAnswer.objects.update_or_create(
            nomination=nomination,
            question=question,
            defaults={"rating": value if is_rating else None, "text": "" if is_rating else value},
        )


def nominate(
    *,
    call: NominationCall,
    delegation: Delegation,
    nomination: Nomination,
    by,
    answers: dict[int, int | str | None] | None = None,
) -> Nomination:
    """Save a new candidate of `delegation` in `call`.

    Side effects: locks the delegation's row, then saves the nomination (and its answers).
    Raises ValidationError when the call is closed, the delegation is not one of the
    programme's, its quota of seats + reserves is used up, or the person is already nominated.
    """
    if delegation.programme_id != call.programme_id:
        raise ValidationError(_("This delegation is not invited to this programme."))
    with transaction.atomic():
        # The lock makes the count and the insert one step for this delegation.
        locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
        _check_open(call)
        quota = nomination_quota(locked, call=call)
        if quota.is_full:
            raise ValidationError(quota.full_message(locked))
        nomination.call = call
        nomination.delegation = locked
        nomination.nominated_by = by if by is not None and by.is_authenticated else None
        nomination.email = nomination.email.strip().lower()
        if locked.is_domestic:
            nomination.category = Nomination.Category.DOMESTIC
        try:
            with transaction.atomic():
                nomination.save()
        except IntegrityError as error:
            raise ValidationError(_("This person has already been nominated.")) from error
        if answers:
            save_answers(nomination=nomination, answers=answers)
    return nomination


def update_nomination(
    *, nomination: Nomination, answers: dict[int, int | str | None] | None = None
) -> Nomination:
    """Save a focal point's changes to a nomination while the call is open.

    Side effects: saves the nomination and its answers; replaced documents are deleted once
    the change is committed. Raises ValidationError when the call is closed, the nomination
    was withdrawn or decided, or the e-mail address is already nominated.
    """
    if nomination.status != Nomination.Status.NOMINATED:
        raise ValidationError(
            _("This nomination is “%(status)s” and can no longer be changed.")
            % {"status": nomination.get_status_display()}
        )
    _check_open(nomination.call)
    previous = (
        Nomination.objects.filter(pk=nomination.pk).values("cv", "nomination_letter").first() or {}
    )
    nomination.email = nomination.email.strip().lower()
    try:
        with transaction.atomic():
            nomination.save()
            if answers is not None:
                save_answers(nomination=nomination, answers=answers)
    except IntegrityError as error:
        raise ValidationError(_("This person has already been nominated.")) from error
    _delete_replaced_documents(nomination, previous)
    return nomination


def _delete_replaced_documents(nomination: Nomination, previous: dict) -> None:
    for field in ("cv", "nomination_letter"):
        old = previous.get(field) or ""
        if old and old != getattr(nomination, field).name:
            storage = getattr(nomination, field).storage
            transaction.on_commit(lambda name=old, storage=storage: storage.delete(name))


def withdraw_nomination(*, nomination: Nomination) -> Nomination:
    """Withdraw a candidate before the deadline: their place in the quota is freed.

    Side effects: sets the status to withdrawn and forgets the profile link. Raises
    ValidationError after the deadline or once the organisers have decided.
    """
    if nomination.status != Nomination.Status.NOMINATED:
        raise ValidationError(
            _("This nomination is “%(status)s” and can no longer be withdrawn.")
            % {"status": nomination.get_status_display()}
        )
    _check_open(nomination.call)
    nomination.status = Nomination.Status.WITHDRAWN
    nomination.profile_token_hash = ""
    nomination.save(update_fields=["status", "profile_token_hash", "updated_at"])
    return nomination


def open_call(*, call: NominationCall, by) -> NominationCall:
    """Save a new or edited call. A deadline moved into the future reopens a call that had
    closed by itself; one closed by an organiser stays closed until extended."""
    if call.pk is None:
        call.created_by = by
    elif call.closed_at is not None and call.closed_at >= call.deadline:
        call.closed_at = None
    call.save()
    return call


def close_call(*, call: NominationCall, now: datetime | None = None) -> NominationCall:
    """Close the call before its deadline. Side effects: sets `closed_at`."""
    if call.closed_at is None:
        call.closed_at = now or timezone.now()
        NominationCall.objects.filter(pk=call.pk).update(closed_at=call.closed_at)
    return call


def extend_call(*, call: NominationCall, deadline: datetime, now: datetime | None = None) -> None:
    """Give the delegations until `deadline`, reopening a closed call.

    Side effects: sets the deadline and clears `closed_at`. Raises ValidationError for a
    deadline that is not in the future.
    """
    if deadline <= (now or timezone.now()):
        raise ValidationError(_("The new deadline must be in the future."))
    call.deadline = deadline
    call.closed_at = None
    NominationCall.objects.filter(pk=call.pk).update(deadline=deadline, closed_at=None)


def close_due_calls(*, now: datetime) -> int:
    """Record the closing of every call whose deadline has passed; returns how many.

    Idempotent: a call already closed is left as it is. `is_open` already refuses after the
    deadline; this records when the call closed, for the pages and the reminders.
    """
    due = NominationCall.objects.filter(closed_at__isnull=True, deadline__lte=now)
    closed = 0
    for call in due:
        closed += NominationCall.objects.filter(pk=call.pk, closed_at__isnull=True).update(
            closed_at=call.deadline
        )
    return closed


# The candidate's own link


def send_profile_link(
    *, nomination: Nomination, by, request_or_base_url: HttpRequest | str
) -> Nomination:
    """E-mail the candidate a link to complete their own details and answers.

    Side effects: replaces the nomination's token (an earlier link stops working), records
    when it was sent, and sends one bilingual e-mail once the change is committed (a mail
    server that is down is logged; the link can be sent again). Raises ValidationError when
    the call is closed or the nomination is no longer awaiting a decision.
    """
    if nomination.status != Nomination.Status.NOMINATED:
        raise ValidationError(
            _("This nomination is “%(status)s”: no profile link can be sent.")
            % {"status": nomination.get_status_display()}
        )
    call = nomination.call
    _check_open(call)
    token = issue_profile_token(nomination)
    sender = by if by is not None and by.is_authenticated else None
    programme = call.programme
    message = bilingual_message(
        PROFILE_LINK_TEMPLATE,
        {
            "nomination": nomination,
            "programme": programme,
            "delegation": nomination.delegation,
            "link": profile_link(token, request_or_base_url),
            "deadline": call.deadline,
        },
        language=programme.content_language,
        to=nomination.email,
        reply_to=sender.email if sender is not None else None,
    )

    def send() -> None:
        try:
            message.send()
        except OSError:
            logger.exception("E-mailing nomination %s its profile link failed", nomination.pk)

    transaction.on_commit(send)
    return nomination


def complete_profile(
    *, nomination: Nomination, answers: dict[int, int | str | None], now: datetime | None = None
) -> Nomination:
    """Save the candidate's own details and answers.

    Side effects: saves the nomination and its answers, records `profile_completed_at`;
    a replaced CV is deleted once committed. Raises ValidationError when the call is closed.
    """
    _check_open(nomination.call)
    previous = (
        Nomination.objects.filter(pk=nomination.pk).values("cv", "nomination_letter").first() or {}
    )
    nomination.profile_completed_at = now or timezone.now()
    with transaction.atomic():
        nomination.save()
        save_answers(nomination=nomination, answers=answers)
    _delete_replaced_documents(nomination, previous)
    return nomination
