"""Invitations: the e-mailed link that lets a participant create their account and confirm.

Only the SHA-256 hash of a token is stored, so a leaked database does not reveal working
links. A visitor who opens a valid link without an account keeps the invitation in their
session: that alone opens sign-up (see `tpbis.accounts.adapter`).
"""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.mail import bilingual_message

from .consent import record_consent
from .models import INACTIVE_STATUSES, Invitation, Participant
from .services import change_status

INVITATION_VALID_FOR = timedelta(days=14)
# Delegates may not have chosen a language yet: the e-mail carries both, English first.
SESSION_KEY = "participants_invitation"

# Statuses from which an invitation makes sense: declined or withdrawn people must first be
# invited again by an organiser (a status change), so a stale link cannot bring them back.
INVITABLE_STATUSES = {
    Participant.Status.INVITED,
    Participant.Status.CONFIRMED,
    Participant.Status.ARRIVED,
    Participant.Status.COMPLETED,
}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_invitation(token: str) -> Invitation | None:
    """The invitation whose link carries `token`, with its participant and programme."""
    return (
        Invitation.objects.select_related("participant__programme", "participant__user")
        .filter(token_hash=hash_token(token))
        .first()
    )


def is_expired(invitation: Invitation) -> bool:
    return invitation.accepted_at is None and invitation.expires_at <= timezone.now()


def invitation_link(token: str, request_or_base_url: HttpRequest | str) -> str:
    path = reverse("participants:invitation", args=[token])
    if isinstance(request_or_base_url, str):
        return request_or_base_url.rstrip("/") + path
    return request_or_base_url.build_absolute_uri(path)


@transaction.atomic
def send_invitation(
    *, participant: Participant, by, request_or_base_url: HttpRequest | str
) -> Invitation:
    """E-mail the participant a link to create their account and confirm attendance.

    Side effects: creates the participant's Invitation or, on a re-send, replaces its token
    (the old link stops working), extends its expiry to now + INVITATION_VALID_FOR and
    increments its send count; records who sent it and to which address; sends one e-mail,
    in English and Indonesian, to the participant's address. If sending fails the database
    changes are rolled back, so the previous link keeps working.

    Raises ValidationError when the participant has no e-mail address or has declined or
    withdrawn.
    """
    if not participant.email:
        raise ValidationError(
            _("%(name)s has no e-mail address; add one before sending an invitation.")
            % {"name": participant.display_name}
        )
    if participant.status not in INVITABLE_STATUSES:
        raise ValidationError(
            _(
                "%(name)s is “%(status)s”; change their status back to invited before "
                "sending a new invitation."
            )
            % {"name": participant.display_name, "status": participant.get_status_display()}
        )

    # Lock the participant so that two organisers sending at once make one invitation.
    Participant.objects.select_for_update().filter(pk=participant.pk).first()
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    sender = by if by is not None and by.is_authenticated else None
    invitation = Invitation.objects.filter(participant=participant).first()
    if invitation is None:
        invitation = Invitation(participant=participant, send_count=1)
    else:
        invitation.send_count += 1
        if participant.status == Participant.Status.INVITED:
            # Invited again after declining: they answer afresh.
            invitation.accepted_at = None
    invitation.token_hash = hash_token(token)
    invitation.sent_to = participant.email
    invitation.sent_at = now
    invitation.sent_by = sender
    invitation.expires_at = now + INVITATION_VALID_FOR
    invitation.save()

    programme = participant.programme
    context = {
        "participant": participant,
        "programme": programme,
        "link": invitation_link(token, request_or_base_url),
        "expires_at": invitation.expires_at,
        "sender": sender,
    }
    bilingual_message(
        "participants/email/invitation",
        context,
        language=programme.content_language,
        to=participant.email,
        reply_to=sender.email if sender is not None else None,
    ).send()
    return invitation


def account_exists_for(email: str) -> bool:
    from allauth.account.models import EmailAddress

    return (
        get_user_model().objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )


def verified_emails_of(user) -> set[str]:
    from allauth.account.models import EmailAddress

    return {
        email.lower()
        for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }


def keep_in_session(request: HttpRequest, invitation: Invitation) -> None:
    """Remember a valid invitation for the visitor, so that they may sign up.

    Side effects: stores the invitation's id and token hash in the session (never the token
    itself) and stashes the invited address with allauth, which prefills the sign-up form.
    """
    from allauth.account.adapter import get_adapter

    request.session[SESSION_KEY] = {"pk": invitation.pk, "token_hash": invitation.token_hash}
    get_adapter(request).stash_verified_email(request, invitation.sent_to)


def forget_from_session(request: HttpRequest) -> None:
    from allauth.account.adapter import get_adapter

    request.session.pop(SESSION_KEY, None)
    get_adapter(request).unstash_verified_email(request)


def invitation_in_session(request: HttpRequest) -> Invitation | None:
    """The invitation kept in the session if it still opens sign-up.

    It must still carry the same token (a re-send invalidates it), be unexpired, unaccepted
    and belong to a participant who is still invited or confirmed.
    """
    held = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not isinstance(held, dict):
        return None
    invitation = (
        Invitation.objects.select_related("participant")
        .filter(
            pk=held.get("pk"),
            token_hash=held.get("token_hash"),
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .exclude(participant__status__in=INACTIVE_STATUSES)
        .first()
    )
    return invitation


class InvitationRefused(Exception):
    """The signed-in user may not take up this invitation; the message says why."""


@transaction.atomic
def link_account(*, invitation: Invitation, user) -> Participant:
    """Attach the signed-in user's account to the invited participant.

    Side effects: sets participant.user. Raises InvitationRefused when the participant
    already belongs to another account or the user already takes part in the programme
    under another registration.
    """
    participant = Participant.objects.select_for_update().get(pk=invitation.participant_id)
    if participant.user_id == user.pk:
        return participant
    if participant.user_id is not None:
        raise InvitationRefused(
            _(
                "This registration is already linked to another account. If this is a "
                "mistake, please contact the organisers."
            )
        )
    if Participant.objects.filter(programme_id=participant.programme_id, user=user).exists():
        raise InvitationRefused(
            _(
                "Your account is already registered for this programme under another "
                "registration. Please contact the organisers."
            )
        )
    participant.user = user
    participant.save(update_fields=["user", "updated_at"])
    invitation.participant = participant
    return participant


@transaction.atomic
def respond_to_invitation(
    *,
    invitation: Invitation,
    user,
    attending: bool,
    privacy_consent: bool = False,
    photo_consent: bool | None = None,
) -> Participant:
    """Record the invited participant's answer: they will attend, or they cannot.

    Attending needs `privacy_consent` (the programme's privacy notice accepted) and an answer
    about photos (`photo_consent`); declining needs neither.

    Side effects: links the user's account to the participant (see `link_account`), moves
    the participant from invited to confirmed or declined with a StatusChange made by the
    user, and sets the invitation's accepted_at; when attending, stores the consent (see
    `consent.record_consent`). Raises InvitationRefused or ValidationError (the status no
    longer allows the answer, or consent is missing).
    """
    if attending and (not privacy_consent or photo_consent is None):
        raise ValidationError(_("Accept the privacy notice and answer about photos to attend."))
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    participant = link_account(invitation=locked, user=user)
    to_status = Participant.Status.CONFIRMED if attending else Participant.Status.DECLINED
    change_status(participant=participant, to_status=to_status, by=user)
    if attending:
        record_consent(participant=participant, photo_consent=photo_consent)
    locked.accepted_at = timezone.now()
    locked.save(update_fields=["accepted_at"])
    invitation.accepted_at = locked.accepted_at
    invitation.participant = participant
    return participant


@transaction.atomic
def mark_accepted(*, invitation: Invitation, user) -> Participant:
    """Take up an invitation for a participant who is already past the invited stage.

    Organisers may have confirmed someone before they created their account; opening the
    link then only links the account. Side effects: links the account and sets accepted_at.
    """
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    participant = link_account(invitation=locked, user=user)
    if locked.accepted_at is None:
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
    invitation.accepted_at = locked.accepted_at
    invitation.participant = participant
    return participant
