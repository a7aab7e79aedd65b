"""Invitations (sent by organisers, opened by participants) and the participant's own profile."""

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from programs.models import Programme
from programs.permissions import MANAGERS, get_programme_for_user

from .access import get_participation_for_user
from .consent_forms import ConsentForm
from .invitations import (
    InvitationRefused,
    account_exists_for,
    find_invitation,
    forget_from_session,
    is_expired,
    keep_in_session,
    link_account,
    mark_accepted,
    respond_to_invitation,
    send_invitation,
    verified_emails_of,
)
from .models import INACTIVE_STATUSES, Invitation, Participant
from .profile_forms import OwnProfileForm
from .roles import get_roles

logger = logging.getLogger(__name__)

ANSWER_ATTEND = "attend"
ANSWER_DECLINE = "decline"


@login_required
@require_POST
def invite(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Send, or send again, the participant's invitation e-mail."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    participant = get_object_or_404(programme.participants, pk=pk)
    participant.programme = programme
    try:
        invitation = send_invitation(
            participant=participant, by=request.user, request_or_base_url=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except OSError:
        # SMTP failures are OSErrors; nothing was saved, so the organiser can simply retry.
        logger.exception("Sending the invitation to participant %s failed", participant.pk)
        messages.error(
            request,
            _("The invitation could not be sent because the mail server failed. Try again later."),
        )
    else:
        messages.success(
            request, _("Invitation sent to %(email)s.") % {"email": invitation.sent_to}
        )
    return redirect("participants:detail", programme.slug, participant.pk)


def _profile_url(programme: Programme) -> str:
    return f"{reverse('participants:my_profile')}?{urlencode({'programme': programme.slug})}"


def _with_next(url_name: str, next_url: str, **params: str) -> str:
    return f"{reverse(url_name)}?{urlencode({**params, 'next': next_url})}"


@never_cache
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: leads the visitor to an account, then to their answer."""
    invitation = find_invitation(token)
    if invitation is None:
        return render(request, "participants/invitation_unknown.html", status=404)
    participant = invitation.participant
    programme = participant.programme
    user = request.user
    context = {"invitation": invitation, "participant": participant, "programme": programme}

    if participant.status in INACTIVE_STATUSES:
        return render(request, "participants/invitation_closed.html", context)
    already_answered = invitation.accepted_at or participant.status != Participant.Status.INVITED
    if user.is_authenticated and participant.user_id == user.pk and already_answered:
        return redirect(_profile_url(programme))
    context["consent_form"] = ConsentForm()
    if is_expired(invitation):
        return render(request, "participants/invitation_expired.html", context, status=410)

    if not user.is_authenticated:
        return _ask_to_sign_in_or_up(request, invitation, context)
    if invitation.sent_to.lower() not in verified_emails_of(user):
        return render(request, "participants/invitation_wrong_account.html", context, status=403)

    try:
        if participant.status != Participant.Status.INVITED:
            # Confirmed by the organisers already: the link only connects the account.
            mark_accepted(invitation=invitation, user=user)
            forget_from_session(request)
            messages.success(request, _("Your account is now linked to your registration."))
            return redirect(_profile_url(programme))
        link_account(invitation=invitation, user=user)
        forget_from_session(request)
        if request.method == "POST":
            return _record_answer(request, invitation, context)
    except InvitationRefused as refusal:
        context["reason"] = str(refusal)
        return render(request, "participants/invitation_refused.html", context, status=403)
    return render(request, "participants/invitation_confirm.html", context)


def _ask_to_sign_in_or_up(
    request: HttpRequest, invitation: Invitation, context: dict
) -> HttpResponse:
    here = request.path
    context["login_url"] = _with_next("account_login", here)
    context["login_code_url"] = _with_next("account_request_login_code", here)
    if account_exists_for(invitation.sent_to):
        return render(request, "participants/invitation_sign_in.html", context)
    # Holding the invitation in the session is what opens sign-up for this visitor.
    keep_in_session(request, invitation)
    context["signup_url"] = _with_next("account_signup", here, email=invitation.sent_to)
    return render(request, "participants/invitation_sign_up.html", context)


def _record_answer(request: HttpRequest, invitation: Invitation, context: dict) -> HttpResponse:
    answer = request.POST.get("answer")
    if answer not in (ANSWER_ATTEND, ANSWER_DECLINE):
        context["answer_error"] = _("Choose whether you will attend.")
        return render(request, "participants/invitation_confirm.html", context, status=400)
    attending = answer == ANSWER_ATTEND
    consent = {}
    if attending:
        # The form keeps what was chosen, so a missing tick loses nothing.
        form = context["consent_form"] = ConsentForm(request.POST)
        if not form.is_valid():
            return render(request, "participants/invitation_confirm.html", context, status=400)
        consent = {"privacy_consent": True, "photo_consent": form.cleaned_data["photo_consent"]}
    try:
        participant = respond_to_invitation(
            invitation=invitation, user=request.user, attending=attending, **consent
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(request.path)
    if attending:
        messages.success(
            request,
            _("Thank you: your attendance at %(programme)s is confirmed.")
            % {"programme": participant.programme.title},
        )
        return redirect(_profile_url(participant.programme))
    # The link now shows the "declined" page, which thanks them.
    messages.success(request, _("Your answer has been sent to the organisers."))
    return redirect(request.path)


@login_required
@require_http_methods(["GET", "POST"])
def my_profile(request: HttpRequest) -> HttpResponse:
    """The signed-in participant's registration and the details they may correct.

    There is no participant id in the URL: the record is always the user's own. With several
    programmes, `?programme=<slug>` chooses among theirs only.
    """
    participant = get_participation_for_user(request)
    programme = participant.programme
    shown = participant

    # Times are entered and shown in the programme's time zone, wherever the delegate is.
    with timezone.override(programme.time_zone):
        if request.method == "POST":
            form = OwnProfileForm(request.POST, request.FILES, instance=participant)
            if form.is_valid():
                try:
                    with transaction.atomic():
                        form.save()
                except IntegrityError:
                    # Another participant took this passport number since the validation.
                    form.add_error(
                        None,
                        _(
                            "Another participant with this e-mail address or passport number "
                            "was just saved. Please check and try again."
                        ),
                    )
                else:
                    messages.success(request, _("Your details have been saved."))
                    return redirect(_profile_url(programme))
            # The form has already copied the rejected values onto `participant`; show the
            # registration as it is stored.
            shown = Participant.objects.select_related("programme").get(pk=participant.pk)
        else:
            form = OwnProfileForm(instance=participant)
        return render(
            request,
            "participants/my_profile.html",
            {
                "participant": shown,
                "programme": programme,
                "participations": get_roles(request).participations,
                "form": form,
            },
        )
