"""Bulk actions on the participant list: change the status of, or (re-)invite, many at once.

The rules stay with the single-participant services (`services.change_status`,
`invitations.issue_invitation`): a plan asks them who would be refused and why, and applying
the plan calls them once per participant.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.models import Programme

from .filters import filter_participants
from .invitations import invitation_refusal, issue_invitation, send_after_commit
from .models import STATUSES_NEEDING_A_REASON, Participant, by_readable_name
from .services import change_status, status_change_refusal

logger = logging.getLogger(__name__)


class BulkAction(models.TextChoices):
    STATUS = "status", gettext_lazy("Change status")
    INVITE = "invite", gettext_lazy("Send invitations")
    RESEND = "resend", gettext_lazy("Re-send invitations")


INVITING = (BulkAction.INVITE, BulkAction.RESEND)


@dataclass(frozen=True)
class Skipped:
    participant: Participant
    reason: str


@dataclass
class BulkPlan:
    """Who an action would change, and who it would leave alone and why."""

    affected: list[Participant] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


@dataclass
class BulkResult:
    done: list[Participant] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    # Invitations saved whose e-mail the mail server refused: they can be re-sent.
    mail_failed: list[Participant] = field(default_factory=list)


def selected_participants(
    programme: Programme, *, ids: Iterable[int], all_matching: bool, filters: str
) -> QuerySet[Participant]:
    """The participants chosen on the list: the ticked ones, or all that match `filters` (the
    list's query string), with what a plan needs, in the list's name order.

    Ids of other programmes' participants are ignored, so a forged id reaches nobody. Raises
    ValidationError for filters the list would not accept: the list then falls back to
    everyone, which an action must never do unseen.
    """
    if all_matching:
        participant_filter = filter_participants(programme, QueryDict(filters))
        if not participant_filter.is_valid():
            raise ValidationError(
                _("The filters of the list are not valid any more: filter the list again.")
            )
        queryset = participant_filter.qs
    else:
        queryset = programme.participants.filter(pk__in=list(ids))
    return queryset.select_related("country", "province", "invitation").order_by(
        *by_readable_name(), "pk"
    )


def bulk_refusal(participant: Participant, *, action: str, to_status: str = "") -> str | None:
    """Why `action` would leave the participant alone, or None when it applies to them."""
    if action == BulkAction.STATUS:
        return status_change_refusal(participant, to_status)
    refusal = invitation_refusal(participant)
    if refusal is not None:
        return refusal
    invitation = getattr(participant, "invitation", None)
    name = participant.display_name
    if participant.user_id is not None or (invitation is not None and invitation.accepted_at):
        return _("%(name)s has already accepted the invitation.") % {"name": name}
    if action == BulkAction.INVITE and invitation is not None:
        return _("%(name)s was already invited; re-send the invitation instead.") % {"name": name}
    if action == BulkAction.RESEND and invitation is None:
        return _("%(name)s has not been invited yet; send the invitation instead.") % {"name": name}
    return None


def plan_bulk_action(
    *, participants: Iterable[Participant], action: str, to_status: str = ""
) -> BulkPlan:
    plan = BulkPlan()
    for participant in participants:
        refusal = bulk_refusal(participant, action=action, to_status=to_status)
        if refusal is None:
            plan.affected.append(participant)
        else:
            plan.skipped.append(Skipped(participant, refusal))
    return plan


def apply_bulk_action(
    *,
    programme: Programme,
    participants: Iterable[Participant],
    action: str,
    by,
    to_status: str = "",
    note: str = "",
    request_or_base_url: HttpRequest | str = "",
) -> BulkResult:
    """Apply `action` to every participant the plan does not skip.

    One transaction per participant rather than one for all: each change stands on its own
    and the single-participant services lock and check the row again, so someone whose status
    moved since the preview is reported as skipped instead of undoing everyone else's change,
    and no lock is held on hundreds of rows while the e-mails are written.

    Side effects: those of `services.change_status` (with `note`) or of
    `invitations.issue_invitation` for each participant changed; each invitation e-mail is sent
    once its participant's transaction has committed, so no e-mail carries a link that a
    rollback made void.
    """
    plan = plan_bulk_action(participants=participants, action=action, to_status=to_status)
    result = BulkResult(skipped=list(plan.skipped))
    for participant in plan.affected:
        participant.programme = programme
        try:
            if action == BulkAction.STATUS:
                # For a withdrawal or a decline the text is the reason the workflow asks for.
                needs_reason = to_status in STATUSES_NEEDING_A_REASON
                change_status(
                    participant=participant,
                    to_status=to_status,
                    by=by,
                    note="" if needs_reason else note,
                    reason=note if needs_reason else "",
                )
            else:
                with transaction.atomic():
                    _invitation, message = issue_invitation(
                        participant=participant, by=by, request_or_base_url=request_or_base_url
                    )
                    transaction.on_commit(partial(_send, message, participant, result))
        except ValidationError as error:
            # The participant changed since the plan: the service's own message says how.
            result.skipped.append(Skipped(participant, " ".join(error.messages)))
        else:
            result.done.append(participant)
    return result


def _send(message, participant: Participant, result: BulkResult) -> None:
    if not send_after_commit(message, participant):
        result.mail_failed.append(participant)
